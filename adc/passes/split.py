"""split: cut a seeded joint-mode function into a forward and a backward function.

Contract: takes a typed function made by `reverse(..., seeded=True)` (the
forward sweep, a `# backward sweep` marker, the backward sweep; its last
parameter is the output's cotangent). Returns (fwd, bwd):

    fwd(params...)                    -> (value, residual..., schedule..., stack...)   roles VALUE, RESIDUAL,
                                         CHECKPOINTS; Stack.OUT
    bwd(residual..., cotangent, stack...) -> (gradient...)              roles GRADIENT; Stack.IN

The residuals are the values of the forward sweep (and the parameters) that
the backward sweep reads; constants are copied rather than passed. The
stack travels as its four variables, so `bwd` can run any number of times
on one tape.
"""
from ..ir import CHECKPOINTS, GRADIENT, RESIDUAL, VALUE, Function, Op, Region, Stack, free_reads
from ..ops import backward_sweep_at


def split(fn):
    ops = fn.body.ops
    mark = backward_sweep_at(ops)
    fwd_ops, bwd_ops = ops[:mark], ops[mark:]
    seed = fn.params[-1]
    consts = {op.result.id: op for op in fwd_ops if op.opname == "const"}
    grads = fn.outputs(GRADIENT)
    needed = free_reads(bwd_ops, grads)
    copies = [Op("const", [], [v], dict(consts[v.id].attrs)) for v in needed if v.id in consts]
    residuals = [v for v in needed if v.id not in consts and v is not seed]
    schedules = fn.outputs(CHECKPOINTS)  # updated in place by each run of bwd
    fwd = Function(fn.name.replace("_grad", "_fwd"), fn.params[:-1],
                   Region([], fwd_ops, [fn.output(VALUE)] + residuals + schedules), fn.loc, fn.captured, Stack.OUT,
                   [VALUE] + [RESIDUAL] * len(residuals) + [CHECKPOINTS] * len(schedules))
    bwd = Function(fn.name.replace("_grad", "_bwd"), residuals + [seed], Region([], copies + bwd_ops, grads),
                   fn.loc, [], Stack.IN, [GRADIENT] * len(grads))
    return fwd, bwd
