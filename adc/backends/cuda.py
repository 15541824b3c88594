"""The cuda backend: a derivative of a function of numbers, mapped over arrays on the GPU.

    dfdx = adc.grad(f, backend="cuda")
    g = dfdx(xs, 2.0)            # xs an array (NumPy or a CUDA device array): g[k] = df/dx at xs[k]

Contract: `call_mapped(d, args, kwargs)` is the call of a Derivative `d` made with
backend="cuda" (kinds grad, value_and_grad, jvp, hvp): its arguments, and the tangents of jvp
and hvp, are numbers or arrays whose shapes broadcast together; the derivative is specialized for
their element types and runs once per element, one GPU thread each (codegen/cuda.py writes the
kernel); each result has the broadcast shape. NumPy arrays in, NumPy arrays out; if any argument
is a CUDA device array, all must be of one shape, and the results stay on the device.
`compile_cuda(fn)` (the backend's entry in BACKENDS) is the launcher of a generated module's
device function `fn`: it sizes the per-thread tapes held in global memory (from the last call's,
grown and run again when a thread reports an overflow, within `MEMORY_LIMIT`) and raises the
error of the first element whose primal failed (IndexError, ZeroDivisionError, ValueError,
OverflowError: as the primal raises it, naming the element). Numba's simulator
(NUMBA_ENABLE_CUDASIM=1, set before Numba is imported) runs all of it on the CPU.
"""
import contextlib
import importlib
import sys

import numpy as np

from .. import trees
from ..errors import AdcError, AdcTypeError

KINDS = ("grad", "value_and_grad", "jvp", "hvp")
THREADS = 128  # threads per block
MEMORY_LIMIT = 4 << 30  # bytes of tape in global memory that one call may take
FIRST_ROWS = 64  # entries of a thread's stack rows at a first call


def cuda():
    """Numba's CUDA module (codegen.cuda.CUDA_MODULE), or the AdcError that says how to get it."""
    from ..codegen.cuda import CUDA_MODULE
    try:
        return importlib.import_module(CUDA_MODULE)
    except ImportError as exc:
        raise AdcError(f"backend='cuda' needs Numba's CUDA target ({CUDA_MODULE}: {exc}). "
                       "hint: pip install 'adc-autodiff[cuda]'") from None


def compile_cuda(fn, on_fallback=None):
    """The launcher of device function `fn` of a module codegen.cuda wrote."""
    module = sys.modules[fn.py_func.__module__]
    layout = getattr(module, fn.__name__ + "_layout")
    if layout.get("kind") == "kernel":
        return KernelLauncher(fn, layout)
    return Launcher(getattr(module, fn.__name__ + "_map"), layout)


class Launcher:
    """Runs a map kernel over arrays (see the module's docstring); keeps the tape rows' size."""

    def __init__(self, kernel, layout):
        self.kernel, self.layout = kernel, layout
        self.rows = FIRST_ROWS

    def __call__(self, *args):
        with _on_a_gpu():
            return self._mapped(*args)

    def _mapped(self, *args):
        cu = cuda()
        params, outputs = self.layout["params"], self.layout["outputs"]
        mapped, captured = args[:len(params)], args[len(params):]
        on_device = any(on_gpu(a) for a in mapped)
        shape, flat = _flattened(cu, mapped, params, on_device)
        n = int(np.prod(shape))
        outs = [cu.device_array(n, np.dtype(dt)) for dt in outputs]
        if n:
            self._run(cu, n, flat, outs, [cu.to_device(c) if isinstance(c, np.ndarray) else c for c in captured])
        results = [o.reshape(shape) if on_device else o.copy_to_host().reshape(shape)[()] for o in outs]  # numbers: numbers
        return results[0] if len(results) == 1 else tuple(results)

    def _run(self, cu, n, flat, outs, captured):
        from adc_runtime.cuda import STACK, STATUS_WIDTH, raise_first
        levels = self.layout["global_levels"]
        blocks = (n + THREADS - 1) // THREADS
        while True:
            _within_memory(n, self.rows, len(levels), "map over fewer elements per call")
            stacks = [cu.device_array((n, self.rows), dt) for _ in levels for dt in (np.float64, np.int64)]
            status = cu.to_device(np.zeros((n, STATUS_WIDTH), np.int64))
            self.kernel[blocks, THREADS](*flat, *outs, *stacks, status, *captured)
            report = status.copy_to_host()
            overflowed = report[:, 0] == STACK
            if not overflowed.any():
                return raise_first(report)
            self.rows = max(2 * self.rows, int(report[overflowed, 1].max()))


@contextlib.contextmanager
def _on_a_gpu():
    """Numba's error of a machine with no GPU (or no driver), as the AdcError that says what to do."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ not in ("CudaSupportError", "CudaDriverError"):
            raise
        said = " ".join(str(exc).split()).rstrip(" :")
        raise AdcError(f"backend='cuda' found no CUDA GPU ({said}). hint: NUMBA_ENABLE_CUDASIM=1, set "
                       "before Numba is imported, runs the kernels on the CPU; adc.ptx compiles them without "
                       "a GPU") from None


def on_gpu(x):
    """Whether `x` is a CUDA device array (or the simulator's stand-in for one)."""
    return hasattr(x, "__cuda_array_interface__") or type(x).__name__ == "FakeCUDAArray"


def _within_memory(n, rows, kinds, hint):
    """AdcError when `n` threads' rows of `rows` entries (`kinds` pairs of them) pass MEMORY_LIMIT."""
    if kinds and 16 * n * rows * kinds > MEMORY_LIMIT:
        raise AdcError(f"backend='cuda': the tapes of {n} threads need more than {rows // 2} entries each, over "
                       f"the {MEMORY_LIMIT >> 20} MiB adc.backends.cuda.MEMORY_LIMIT allows. hint: {hint}, or "
                       "raise MEMORY_LIMIT")


def kernel_launch(d, launch):
    """`adjoint[blocks, threads]` of an adc.kernel_vjp derivative `d`: a call of the adjoint kernel."""
    if d.kind != "kernel_vjp":
        raise AdcError(f"{d!r} is called with its arguments; adjoint[blocks, threads](...) launches the kernels "
                       "adc.kernel_vjp makes")
    if not (isinstance(launch, tuple) and len(launch) == 2):
        raise AdcTypeError("launch an adjoint kernel as adjoint[blocks, threads](*args, *adjoints)")
    blocks, threads = (_dim3(x) for x in launch)

    def run(*args):
        n = len(d.names)
        primal, bars = args[:n], args[n:]
        spec, captured = d.specialize(d.primal_args(primal)[0])
        return spec.call(blocks, threads, primal, bars, captured, d.deterministic)
    return run


def _dim3(x):
    dims = tuple(int(v) for v in (x if isinstance(x, tuple) else (x,)))
    if not 1 <= len(dims) <= 3 or min(dims) < 1:
        raise AdcTypeError(f"a launch's blocks and threads are 1 to 3 positive numbers; got {x!r}")
    return dims + (1,) * (3 - len(dims))


class KernelLauncher:
    """Runs an adjoint kernel (codegen/kernels.py): tapes, status rows and records sized per
    thread, grown and run again (from the adjoints as they were) when a thread runs out of room."""

    def __init__(self, kernel, layout):
        self.kernel, self.layout = kernel, layout
        self.rows = FIRST_ROWS

    def __call__(self, *args):
        with _on_a_gpu():
            return self._launched(*args)

    def _launched(self, blocks, threads, primal, bars, captured, deterministic):
        from adc_runtime.cuda import STACK, STATUS_WIDTH, raise_first
        cu, layout = cuda(), self.layout
        if len(bars) != len(layout["bars"]):
            raise AdcTypeError(f"the adjoint kernel takes the kernel's {layout['primal']} arguments and then "
                               f"{len(layout['bars'])} adjoint arrays, one per float array argument; got "
                               f"{len(bars)} after them")
        grid = layout["own_grid"]
        if grid is not None and (blocks[grid:] + threads[grid:]) != (1,) * (2 * (3 - grid)):
            raise AdcError(f"this adjoint adds to the elements at cuda.grid({grid}) without atomics, which is "
                           f"the thread's own only in a launch of {grid} dimension(s); got blocks {blocks} "
                           f"and threads {threads}")
        for k, b in zip(layout["bars"], bars):
            if tuple(getattr(b, "shape", ())) != tuple(getattr(primal[k], "shape", ())):
                raise AdcTypeError(f"the adjoint of argument {k} has shape {getattr(b, 'shape', ())}, the "
                                   f"argument {getattr(primal[k], 'shape', ())}")
        n = int(np.prod(blocks) * np.prod(threads))
        args = [cu.to_device(a) if isinstance(a, np.ndarray) else a for a in primal]
        device_bars = [cu.to_device(b) if isinstance(b, np.ndarray) else b for b in bars]
        start = [b.copy_to_host() for b in device_bars]  # to run again from, if a thread runs out of room
        caps = [cu.to_device(c) if isinstance(c, np.ndarray) else c for c in captured]
        while True:
            levels = layout["global_levels"]
            _within_memory(n, self.rows, len(levels) + deterministic, "launch fewer threads")
            stacks = [cu.device_array((n, self.rows), dt) for _ in levels for dt in (np.float64, np.int64)]
            records = []
            if deterministic and layout["records"]:
                records = [cu.device_array((n, self.rows, 1 + layout["index_width"]), np.int64),
                           cu.device_array((n, self.rows), np.float64), cu.to_device(np.zeros(n, np.int64))]
            status = cu.to_device(np.zeros((n, STATUS_WIDTH), np.int64))
            self.kernel[blocks, threads](*args, *device_bars, *stacks, *records, status, *caps)
            report = status.copy_to_host()
            overflowed = report[:, 0] == STACK
            if not overflowed.any():
                break
            self.rows = max(2 * self.rows, int(report[overflowed, 1].max()))
            for b, s in zip(device_bars, start):
                b.copy_to_device(s)
        raise_first(report, "thread")
        if records:
            _add_in_order(device_bars, *records)
        for b, d in zip(bars, device_bars):
            if isinstance(b, np.ndarray):
                b[...] = d.copy_to_host()


def _add_in_order(bars, records, values, counts):
    """Add each thread's recorded contributions, thread by thread in order: bitwise reproducible."""
    counts = counts.copy_to_host()
    keep = np.arange(values.shape[1])[None, :] < counts[:, None]
    records, values = records.copy_to_host()[keep], values.copy_to_host()[keep]
    for k, bar in enumerate(bars):
        host = bar.copy_to_host()
        mine = records[:, 0] == k
        np.add.at(host, tuple(records[mine, 1:1 + host.ndim].T), values[mine])
        bar.copy_to_device(host)


def _flattened(cu, mapped, params, on_device):
    """(the broadcast shape, each mapped argument as a contiguous vector of its parameter's dtype)."""
    if on_device:
        shapes = {tuple(a.shape) for a in mapped if on_gpu(a)}
        if len(shapes) > 1 or not all(on_gpu(a) or np.ndim(a) == 0 for a in mapped):
            raise AdcTypeError("backend='cuda': device arrays are not broadcast; pass device arrays of one shape "
                               f"(and numbers), got shapes {sorted(shapes)}")
        (shape,) = shapes
        n = int(np.prod(shape))
        flat = []
        for a, dt in zip(mapped, params):
            if not on_gpu(a):
                a = cu.to_device(np.full(n, a, np.dtype(dt)))
            elif a.dtype != np.dtype(dt):
                raise AdcTypeError(f"backend='cuda': a device array of {a.dtype} where the derivative takes {dt}")
            flat.append(a.reshape(n))
        return shape, flat
    try:
        shape = np.broadcast_shapes(*(np.shape(a) for a in mapped))
    except ValueError:
        raise AdcTypeError("backend='cuda': the arguments' shapes do not broadcast together: "
                           f"{', '.join(str(np.shape(a)) for a in mapped)}") from None
    flat = [cu.to_device(np.ascontiguousarray(np.broadcast_to(np.asarray(a, np.dtype(dt)), shape)).reshape(-1))
            for a, dt in zip(mapped, params)]
    return shape, flat


def element_of(x, name):
    """A number of the type of the elements of argument `x` (an array or a number)."""
    if trees.is_container(x):
        raise AdcTypeError(f"backend='cuda': argument {name!r} is a list, tuple or dict; the cuda backend maps "
                           "over arrays of numbers. hint: np.asarray(...) it")
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return x
    dtype = np.dtype(dtype)
    for kind, number in (("b", np.bool_(False)), ("iu", np.int64(0)), ("f", np.float64(0.0)),
                         ("c", np.complex128(0.0))):
        if dtype.kind in kind:
            return number
    raise AdcTypeError(f"backend='cuda': argument {name!r} has elements of {dtype}; adc takes numbers")


def call_mapped(d, args, kwargs):
    """The call of Derivative `d` on backend="cuda" (see the module's docstring)."""
    primal, tangents, elements = _bound(d, args, kwargs)
    spec, captured = d.specialize(elements)
    out = spec.call(*primal, *tangents, *captured)
    return d.mode.shape(d, spec, out, elements)


def specialize_for(d, args):
    """Build `d` (backend="cuda") for example arguments: a map's or an adjoint kernel's."""
    if d.kind == "kernel_vjp":
        return d.specialize(d.primal_args(args[:len(d.names)])[0])
    if d.mode.name in ("jvp", "hvp") and len(args) == len(d.names):
        args = args + ((0.0,) * len(d.wrt) if d.many else (0.0,),)
    return d.specialize(_bound(d, args, {})[2])


def _bound(d, args, kwargs):
    """(the primal arguments, the tangents, a number of each primal argument's element type)."""
    if d.mode.name in ("jvp", "hvp"):
        if not args:
            raise AdcTypeError(f"adc.{d.kind} takes the arguments and then the tangents")
        primal, tangents = d.bind(args[:-1], kwargs), (tuple(args[-1]) if d.many else (args[-1],))
        if len(tangents) != len(d.wrt):
            raise AdcTypeError(f"adc.{d.kind} needs {len(d.wrt)} tangents, one per wrt argument; got {len(tangents)}")
    else:
        primal, tangents = d.bind(args, kwargs), ()
    return primal, tangents, tuple(element_of(a, n) for a, n in zip(primal, d.names))


def ptx(d, *args, cc=(9, 0)):
    """The PTX for compute capability `cc` of the kernel derivative `d` (backend="cuda", or an
    adc.kernel_vjp adjoint) runs at example arguments `args` (an adjoint's: the kernel's and then
    the adjoints), compiled without a GPU or a driver (NVIDIA's NVVM suffices: `pip install
    'adc-autodiff[cuda]'`): {kernel name: PTX text}."""
    from numba import typeof, types as nt
    if d.backend != "cuda":
        raise AdcError(f"adc.ptx takes a derivative made with backend='cuda' or adc.kernel_vjp; got {d!r}")
    rows = lambda dt, ndim=2: nt.Array(dt, ndim, "C")  # noqa: E731
    spec, captured = specialize_for(d, args)
    if d.kind == "kernel_vjp":
        layout = spec.call.layout
        records = [rows(nt.int64, 3), rows(nt.float64), rows(nt.int64, 1)] if d.deterministic and layout["records"] else []
        head = [typeof(a) for a in args] + [rows(dt) for _ in layout["global_levels"] for dt in (nt.float64, nt.int64)]
        kernel = spec.call.kernel
    else:
        layout, records = spec.call.layout, []
        head = [rows(_numba_scalar(dt), 1) for dt in layout["params"] + layout["outputs"]]
        head += [rows(dt) for _ in layout["global_levels"] for dt in (nt.float64, nt.int64)]
        kernel = spec.call.kernel
    signature = tuple(head + records + [rows(nt.int64)] + [typeof(c) for c in captured])
    return {kernel.__name__: compile_ptx(kernel.py_func, signature, cc)}


def compile_ptx(kernel, signature, cc=(9, 0)):
    """The PTX of Python function `kernel` for `signature` and compute capability `cc`, with no
    driver: Numba compiles the device functions a kernel calls for the current device's
    capability, which is `cc` while this runs."""
    import types as pytypes
    cu = cuda()
    dispatcher = importlib.import_module(cu.__name__ + ".dispatcher")
    current = dispatcher.get_current_device
    dispatcher.get_current_device = lambda: pytypes.SimpleNamespace(compute_capability=cc)
    try:
        return cu.compile_ptx(kernel, signature, cc=cc)[0]
    finally:
        dispatcher.get_current_device = current


def _numba_scalar(dtype):
    from numba import types as nt
    return {"float64": nt.float64, "int64": nt.int64, "bool": nt.boolean, "complex128": nt.complex128}[dtype]

