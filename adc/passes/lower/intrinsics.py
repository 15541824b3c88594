"""intrinsics: what a kernel written in Numba's CUDA style asks of CUDA (adc.kernel_vjp).

Contract: `intrinsic_of(module, attr)` is, for Numba's CUDA module, the compile-time stand-in
(`Intrinsic`) of `cuda.<attr>`; its attributes are stand-ins too (`cuda.threadIdx.x`). A stand-in
read as a value (`threadIdx.x`, `blockDim.y`, ...) is a `thread` op; the calls `cuda.grid(k)` and
`cuda.gridsize(k)` are `thread` ops (a tuple of them for k > 1; attrs `grid` or `gridsize`: (k, j),
the dimension and which element); `cuda.atomic.add(a, idx, v)` is
the in-place add `a[idx] += v` (an `iadd_item`; how the GPU makes it atomic is the primal's, and
its adjoint reads, never writes, `a`'s adjoint). A `thread` op is spelled as the CUDA expression
it stands for and exists only in kernels: anything else is refused with a hint. What a thread
cannot have adjoints of (shared and local arrays, barriers, other atomics) is refused here.
"""
import types

from ...ir import I64

_VALUES = {f"{what}.{axis}" for what in ("threadIdx", "blockIdx", "blockDim", "gridDim") for axis in "xyz"}
_VALUES |= {"warpsize", "laneid"}
_CALLS = {"grid", "gridsize", "atomic.add", "atomic.sub"}
_REFUSED = {
    "shared.array": "shared memory, whose values other threads write",
    "local.array": "a local array",
    "const.array_like": "a constant array",
    "syncthreads": "a barrier (cuda.syncthreads)",
    "threadfence": "a memory fence",
}


def is_cuda_module(obj):
    return isinstance(obj, types.ModuleType) and obj.__name__ in ("numba.cuda", "numba_cuda", "numba.cuda.simulator")


class Intrinsic:
    """`cuda.<path>` inside a kernel."""

    def __init__(self, path):
        self.path = path
        self.__name__ = f"cuda.{path}"

    def attr(self, name):
        return Intrinsic(f"{self.path}.{name}")

    @property
    def is_value(self):
        return self.path in _VALUES


def intrinsic_of(module, attr):
    return Intrinsic(attr) if is_cuda_module(module) else None


def read(lw, node, intrinsic):
    """The value of `cuda.threadIdx.x` and its kind; other paths are refused."""
    if not intrinsic.is_value:
        _refuse(lw, node, intrinsic)
    return lw.b.emit("thread", [], attrs={"text": intrinsic.__name__}, types=[I64], name=intrinsic.path.split(".")[0][:1])


def call(lw, node, intrinsic, args):
    """`cuda.grid(k)`, `cuda.gridsize(k)`, `cuda.atomic.add(a, idx, v)`; others refused."""
    path = intrinsic.path
    if path not in _CALLS:
        _refuse(lw, node, intrinsic)
    if path in ("grid", "gridsize"):
        k = lw.b.const_int(lw.as_value(args[0], node)) if len(args) == 1 else None
        if k not in (1, 2, 3):
            lw.fail(node, f"cuda.{path} of {len(args)} arguments or of a dimension not 1, 2 or 3",
                    f"write cuda.{path}(1), cuda.{path}(2) or cuda.{path}(3)")
        name = "i" if path == "grid" else "n"
        parts = [lw.b.emit("thread", [], attrs={"text": f"cuda.{path}({k})" + (f"[{j}]" if k > 1 else ""),
                                                  path: (k, j)},
                           types=[I64], name=name + ("" if k == 1 else "ijk"[j])) for j in range(k)]
        return parts[0] if k == 1 else lw.expr_values(parts)
    if len(args) != 3:
        lw.fail(node, f"cuda.{path} with {len(args)} arguments", f"write cuda.{path}(array, index, value)")
    array, index, value = (lw.as_value(a, node) for a in args)
    indices = list(lw.tuples.get(index.id, [index]))
    if path == "atomic.sub":
        value = lw.b.emit("unop", [value], attrs={"op": "neg"}, name=value.name)
    lw.at(node)
    lw.b.emit("iadd_item", [array] + indices + [value], nresults=0)
    return lw.b.const(0.0)  # the old value Numba returns is not read by adc's kernels


def _refuse(lw, node, intrinsic):
    what = _REFUSED.get(intrinsic.path, f"cuda.{intrinsic.path}")
    lw.fail(node, f"{what} in a kernel adc differentiates",
            "use the thread's own numbers and loops, and global arrays read or written (or atomically added "
            "to) by index; adc.kernel_vjp supports cuda.grid, cuda.gridsize, threadIdx/blockIdx/blockDim/gridDim "
            "and cuda.atomic.add")
