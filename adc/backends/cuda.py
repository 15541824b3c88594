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
    return Launcher(getattr(module, fn.__name__ + "_map"), getattr(module, fn.__name__ + "_layout"))


class Launcher:
    """Runs a map kernel over arrays (see the module's docstring); keeps the tape rows' size."""

    def __init__(self, kernel, layout):
        self.kernel, self.layout = kernel, layout
        self.rows = FIRST_ROWS

    def __call__(self, *args):
        cu = cuda()
        params, outputs = self.layout["params"], self.layout["outputs"]
        mapped, captured = args[:len(params)], args[len(params):]
        on_device = any(on_gpu(a) for a in mapped)
        shape, flat = _flattened(cu, mapped, params, on_device)
        n = int(np.prod(shape))
        outs = [cu.device_array(n, np.dtype(dt)) for dt in outputs]
        if n:
            self._run(cu, n, flat, outs, [cu.to_device(c) if isinstance(c, np.ndarray) else c for c in captured])
        results = [o.reshape(shape) if on_device else o.copy_to_host().reshape(shape) for o in outs]
        return results[0] if len(results) == 1 else tuple(results)

    def _run(self, cu, n, flat, outs, captured):
        from adc_runtime.cuda import STACK, STATUS_WIDTH, raise_first
        levels = self.layout["global_levels"]
        blocks = (n + THREADS - 1) // THREADS
        while True:
            if levels and 16 * n * self.rows * len(levels) > MEMORY_LIMIT:
                raise AdcError(f"backend='cuda': the tapes of {n} threads need more than {self.rows // 2} entries "
                               f"each, over the {MEMORY_LIMIT >> 20} MiB adc.backends.cuda.MEMORY_LIMIT allows. "
                               "hint: map over fewer elements per call, or raise MEMORY_LIMIT")
            stacks = [cu.device_array((n, self.rows), dt) for _ in levels for dt in (np.float64, np.int64)]
            status = cu.to_device(np.zeros((n, STATUS_WIDTH), np.int64))
            try:
                self.kernel[blocks, THREADS](*flat, *outs, *stacks, status, *captured)
            except Exception as exc:  # noqa: BLE001
                if type(exc).__name__ == "CudaSupportError":
                    raise AdcError(f"backend='cuda' found no CUDA GPU ({exc}). hint: NUMBA_ENABLE_CUDASIM=1, set "
                                   "before Numba is imported, runs the kernels on the CPU") from None
                raise
            report = status.copy_to_host()
            overflowed = report[:, 0] == STACK
            if not overflowed.any():
                return raise_first(report)
            self.rows = max(2 * self.rows, int(report[overflowed, 1].max()))


def on_gpu(x):
    """Whether `x` is a CUDA device array (or the simulator's stand-in for one)."""
    return hasattr(x, "__cuda_array_interface__") or type(x).__name__ == "FakeCUDAArray"


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
    if d.mode.name in ("jvp", "hvp"):
        if not args:
            raise AdcTypeError(f"adc.{d.kind} takes the arguments and then the tangents")
        primal, tangents = d.bind(args[:-1], kwargs), (tuple(args[-1]) if d.many else (args[-1],))
        if len(tangents) != len(d.wrt):
            raise AdcTypeError(f"adc.{d.kind} needs {len(d.wrt)} tangents, one per wrt argument; got {len(tangents)}")
    else:
        primal, tangents = d.bind(args, kwargs), ()
    elements = tuple(element_of(a, n) for a, n in zip(primal, d.names))
    spec, captured = d.specialize(elements)
    out = spec.call(*primal, *tangents, *captured)
    return d.mode.shape(d, spec, out, elements)


def ptx(d, *args, cc=(9, 0)):
    """The PTX for compute capability `cc` of the kernel derivative `d` (backend="cuda") runs at
    example arguments `args`, compiled without a GPU or a driver (NVIDIA's NVVM suffices:
    `pip install 'adc-autodiff[cuda]'`): {kernel name: PTX text}."""
    from numba import types as nt
    if d.backend != "cuda":
        raise AdcError(f"adc.ptx takes a derivative made with backend='cuda'; got {d!r}")
    primal = d.bind(args[:-1], {}) if d.mode.name in ("jvp", "hvp") else d.bind(args, {})
    spec, captured = d.specialize(tuple(element_of(a, n) for a, n in zip(primal, d.names)))
    launcher = spec.call
    layout = launcher.layout
    vector = [nt.Array(_numba_scalar(dt), 1, "C") for dt in layout["params"] + layout["outputs"]]
    rows = [nt.Array(dt, 2, "C") for _ in layout["global_levels"] for dt in (nt.float64, nt.int64)]
    signature = tuple(vector + rows + [nt.Array(nt.int64, 2, "C")] + [_numba_type(c) for c in captured])
    return {launcher.kernel.__name__: compile_ptx(launcher.kernel.py_func, signature, cc)}


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


def _numba_type(value):
    from numba import typeof
    return typeof(value)
