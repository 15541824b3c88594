"""kernel: the adjoint of one thread of a CUDA kernel (adc.kernel_vjp).

Contract: takes a typed, verified primal `Function` of a kernel's thread (it returns nothing
adc differentiates: adc.kernels made its returns `return 0.0`) whose arrays are read or written,
never both (adc.kernels checks it); returns a `Function` whose parameters are the kernel's
followed by one adjoint array per float array parameter (`<name>_bar`, in order), whose body is
the forward sweep (the primal plus the pushes the tape asks for) followed by the backward sweep,
and which yields nothing. The adjoint arrays are the caller's, updated in place: a read `x[j]`
adds its contribution to `x_bar[j]`; a write `y[j] = v` takes v's cotangent from `y_bar[j]` and
zeroes it (what y held before does not reach what the kernel leaves); `y[j] += v` (and
cuda.atomic.add) takes it and leaves it. Which of those updates must be atomic is codegen's
(codegen/kernels.py).
"""
from ...ir import Function, Op, Region, Value
from ..activity import activity
from .alias_check import check_aliases
from .augmented import RecordingSweep
from .control import BackwardSweep
from .tbr import Tape


class KernelSweep(BackwardSweep):
    """The backward sweep with the adjoints of the array parameters given, not allocated."""

    def __init__(self, fn, active, tape, bars):
        super().__init__(fn, active, tape)
        self.bars = bars

    def alloc(self, values):
        for v in values:
            if v.id in self.bars:
                self.adj[v.id] = self.bars[v.id]
        super().alloc([v for v in values if v.id not in self.bars])

    def sweep_kernel(self):
        with self.b.open() as region:
            self.alloc(list(self.fn.params))
            self.alloc([r for op in self.fn.body.ops for r in op.results])
            self.ops(self.fn.body)
        return region


def kernel_reverse(fn):
    arrays = [p for p in fn.params if p.type.is_array and p.type.is_float]
    bars = {p.id: Value(p.name + "_bar", p.type) for p in arrays}
    check_aliases(fn)
    tape = Tape(fn, False, level=0)
    rev = KernelSweep(fn, activity(fn, arrays, arrays), tape, bars)
    backward = rev.sweep_kernel()
    forward = RecordingSweep(tape, rev.checkpoints).region(fn.body)
    marks = [Op("sweep", attrs={"part": "forward"})], [Op("sweep", attrs={"part": "backward"})]
    body = Region([], marks[0] + forward.ops + marks[1] + backward.ops, [])
    return Function(fn.name + "_vjp", fn.params + [bars[p.id] for p in arrays], body, fn.loc, fn.captured, roles=[])
