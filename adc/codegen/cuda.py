"""codegen.cuda: a scalar derivative as a CUDA device function, and the kernel that maps it.

Contract: `generate(fn)` takes a typed derivative `fn` of scalars (its parameters and outputs
numbers) and returns the source of a module with three things: `fn.name`, the derivative as a
`cuda.jit(device=True)` function; `<name>_map`, a `cuda.jit` kernel that runs it once per thread
on element i of its mapped arguments (fn's parameters) and writes its outputs to element i of one
output array each; and `<name>_layout`, what the host needs to launch it (`layout(...)`). The
module imports CUDA from `CUDA_MODULE` (the one place that names it) and adc's runtime as
`adc_runtime.cuda`, whose checks report into a per-thread `_status` row instead of raising.

The tape: a stack level whose depth is known when the code is made (pushes in straight code and
in `for` loops of constant trip counts, `LOCAL_LIMIT` entries at most) lives in the thread's
local memory (`cuda.local.array`); any other level lives in rows of global arrays the host
allocates, each `reserve` checking its room: a thread that would overflow records the depth it
needs and returns, and the host runs again with larger rows. A failed check of the primal's
(index, division, math domain) returns from the thread too, and the host raises it.
"""
from adc_runtime.cuda import NUMPY

from .. import ops, rules
from ..errors import AdcError
from ..ir import Stack, walk
from .emit import Emitter, allocated_levels
from .helpers import ufunc_helpers
from .names import stack_names

CUDA_MODULE = "numba.cuda"  # numba-cuda; its successor numba-cuda-mlir keeps the kernel API
LOCAL_LIMIT = 256  # entries of a stack kept in a thread's local memory, at most
_SCALARS = ("float64", "int64", "bool", "complex128")
_OURS = ("cuda", "rt", "np", "math", "_status", "_statuses", "_i", "_t", "_x", "_y", "_z", "_nx", "_ny", "_nz",
         "_record", "_value", "_rsp", "_records", "_values", "_counts", "_fstacks", "_istacks")  # names we write


def generate(fn):
    """The module source of derivative `fn` for backend="cuda" (see the module's docstring)."""
    _refuse_what_a_thread_cannot_run(fn)
    depths = {level: static_depth(fn, level) for level in sorted(allocated_levels(fn))}
    device = CudaEmitter(fn, depths)
    body = device.source()
    kernel = _kernel(fn, device, depths)
    layout = _layout(fn, depths)
    imports = [f"import {CUDA_MODULE} as cuda", "import math", "import numpy as np",
               "import adc_runtime.cuda as rt"]
    return "\n".join(imports) + "\n\n\n@cuda.jit(device=True)\n" + body + "\n\n@cuda.jit\n" + kernel + \
        f"\n\n{fn.name}_layout = {layout!r}\n"


def static_depth(fn, level):
    """(float entries, int entries) the stack `level` of `fn` holds at its deepest, when the code
    says so and it fits in local memory; None when it depends on the values."""
    consts = {op.result.id: op.attrs["value"] for op in walk(fn.body) if op.opname == "const"}
    depth = _depth(fn.body, level, consts)
    if depth is None or max(depth) > LOCAL_LIMIT:
        return None
    return depth


def _depth(region, level, consts):
    nf = ni = 0
    for op in region.ops:
        if op.opname == "reserve" and op.attrs.get("level", 0) == level:
            count = 1
            if op.args:
                count = consts.get(op.args[0].id)
                if count is None:
                    return None
            nf, ni = nf + op.attrs["nf"] * count, ni + op.attrs["ni"] * count
        elif op.opname == "for":
            inner = _depth(op.regions[0], level, consts)
            bounds = [consts.get(a.id) for a in ops.for_bounds(op)]
            if inner is None or (inner != (0, 0) and None in bounds):
                return None
            trips = len(range(*bounds)) if None not in bounds else 0
            nf, ni = nf + trips * inner[0], ni + trips * inner[1]
        elif op.opname == "while":
            if any(o.opname == "reserve" and o.attrs.get("level", 0) == level for r in op.regions for o in walk(r)):
                return None
        elif op.opname == "if":
            arms = [_depth(r, level, consts) for r in op.regions]
            if None in arms:
                return None
            nf, ni = nf + max(a[0] for a in arms), ni + max(a[1] for a in arms)
    return nf, ni


def _refuse_what_a_thread_cannot_run(fn):
    """backend="cuda" maps a function of numbers: arrays, other libraries' ufuncs and C functions
    have no place in a thread."""
    where = f"{fn.name}"
    for v in list(fn.params) + list(fn.body.yields):
        if getattr(v.type, "dtype", None) not in _SCALARS or v.type.ndim:
            raise AdcError(f"backend='cuda' maps a function of numbers over arrays, one thread per element; "
                           f"{where} has a value of type {v.type}. hint: pass arrays of numbers as the arguments "
                           "(each element is one call), or use backend='numba' for functions of arrays")
    refuse_foreign_calls(fn)
    for op in walk(fn.body):
        t = op.results[0].type if op.results else None
        if getattr(t, "ndim", 0):
            line = f" (line {op.loc.line}: {op.loc.text.strip()})" if op.loc is not None else ""
            raise AdcError(f"backend='cuda': {where} makes an array{line}; a GPU thread holds numbers only. "
                           "hint: write the computation with numbers and loops, or use backend='numba'")


def refuse_foreign_calls(fn):
    """Another library's ufunc or a C function: a GPU thread cannot call them."""
    if ufunc_helpers((fn,)) or any(op.opname == "extern" for op in walk(fn.body)):
        raise AdcError(f"backend='cuda': {fn.name} calls a function of another library or a C function, which a "
                       "GPU thread cannot call. hint: use backend='numba'")


class CudaEmitter(Emitter):
    """The derivative as a device function: its stacks and `_status` are parameters, and every
    check returns from the thread when it fails."""

    grows_stacks = False  # a thread's stacks are its rows: a full one is reported (st_reserve)

    def __init__(self, fn, depths):
        super().__init__(fn, {}, reserve=_OURS)
        self.depths = depths

    def source(self):
        fn = self.fn
        if fn.stack is not Stack.OWN:
            raise AdcError("backend='cuda' runs whole derivatives (grad, value_and_grad, jvp, hvp), not split sweeps")
        stacks = [name for level in self.depths for name in stack_names(level)[0::2]]
        params = [self.name(p) for p in fn.params] + stacks + ["_status"] + [self.name(v) for v, _ in fn.captured]
        self.emit(0, f"def {fn.name}({', '.join(params)}):")
        for level in self.depths:
            _, fsp, _, isp = stack_names(level)
            self.emit(1, f"{fsp} = 0")
            self.emit(1, f"{isp} = 0")
        self.region(fn.body, 1)
        outs = [self.ref(v) for v in fn.body.yields]
        self.emit(1, "return " + ", ".join(outs))
        return "\n".join(self.lines) + "\n"

    def give_up(self):
        """The return of a thread that stops: placeholders of the outputs' types (the host raises)."""
        return "return " + ", ".join(ops.placeholder(v.type) for v in self.fn.body.yields)

    def expr(self, op):
        if op.opname == "call":
            args = ", ".join(self.ref(x) for x in op.args)
            if op.attrs.get("checked"):
                return f"{op.attrs['checked']}(_status, {args})", ops.ATOM
            spelled = rules.RULES[op.attrs["fn"]].spelled
            if spelled.startswith("np.") and spelled[3:] in NUMPY or spelled == "math.hypot":
                return f"rt.{spelled.replace('.', '_')}({args})", ops.ATOM
        return super().expr(op)

    def st_call(self, op, depth):
        if not op.attrs.get("check"):
            return super().st_call(op, depth)
        args = ", ".join(["_status"] + [self.ref(x) for x in op.args])
        self.emit(depth, f"if {rules.RULES[op.attrs['fn']].spelled}({args}):")
        self.emit(depth + 1, self.give_up())

    def st_reserve(self, op, depth):
        level = op.attrs.get("level", 0)
        if self.depths[level] is not None:
            return  # a stack in local memory, as deep as the code needs
        for stack, top, count in self.reserved(op):
            self.emit(depth, f"if rt.full(_status, {stack}, {top}, {count}):")
            self.emit(depth + 1, self.give_up())

    def st_stack_check(self, op, depth):
        pass  # debug mode's check that the tape is empty is the CPU backends'

    def st_stack_peak(self, op, depth):
        raise AdcError("backend='cuda' has no checkpointed loops: a thread cannot hold their snapshots. "
                       "hint: drop adc.checkpointed, or use backend='numba'")


def _kernel(fn, device, depths):
    """The kernel: thread i calls the device function on element i of each mapped argument."""
    mapped = [device.name(p) for p in fn.params]
    captured = [device.name(v) for v, _ in fn.captured]
    outs = [f"_out{k}" for k in range(len(fn.body.yields))]
    params = mapped + outs + global_rows(depths) + ["_status"] + captured
    lines = [f"def {fn.name}_map({', '.join(params)}):", "    _i = cuda.grid(1)", "    if _i < _status.shape[0]:"]
    stacks = []
    for level, d in depths.items():
        fstack, _, istack, _ = stack_names(level)
        if d is None:
            stacks += [f"{fstack}s[_i]", f"{istack}s[_i]"]
        else:
            lines += ["        " + line for line in local_stacks(level, d)]
            stacks += [fstack, istack]
    args = [f"{m}[_i]" for m in mapped] + stacks + ["_status[_i]"] + captured
    lines.append(f"        {', '.join(o + '[_i]' for o in outs)} = {fn.name}({', '.join(args)})")
    return "\n".join(lines) + "\n"


def global_rows(depths):
    """The parameters holding, one row per thread, the stack levels of unknown depth."""
    return [f"{name}s" for level, d in depths.items() if d is None for name in stack_names(level)[0::2]]


def local_stacks(level, depth):
    """The lines making a thread's stacks of `level` in local memory, `depth` (float, int) deep."""
    fstack, _, istack, _ = stack_names(level)
    return [f"{fstack} = cuda.local.array({max(depth[0], 1)}, np.float64)",
            f"{istack} = cuda.local.array({max(depth[1], 1)}, np.int64)"]


def _layout(fn, depths):
    """What the host reads to launch the kernel: the dtypes of the mapped arguments and of the
    outputs, and per stack level in global memory its (float, int) rows."""
    return {"params": [p.type.dtype for p in fn.params], "outputs": [v.type.dtype for v in fn.body.yields],
            "global_levels": [level for level, d in depths.items() if d is None],
            "local_depths": {level: list(d) for level, d in depths.items() if d is not None}}
