"""reverse: joint-mode reverse differentiation of a typed function.

Contract: takes a typed, verified primal `Function`, the indices of the
parameters to differentiate and a debug flag; returns a new (untyped where
new) `Function` with the same parameters whose body is the forward sweep
(the primal plus the pushes the `Tape` asked for) followed by the backward
sweep, and which yields (value, gradient, ...). The output must be a
scalar.

Adjoints of scalars are SSA values: loops and branches carry them. Adjoints
of arrays are buffers, each held by one array alone: an array's first
cotangent becomes its buffer (a copy, where that cotangent may be shared),
later ones are added in place (`iadd`, `iadd_item`), and a zeroed buffer is
made only where one is written into or a loop needs one (adjoints.py).

The pass, one concern per module:
  tbr.py          what the backward sweep reads and how: every store-or-recompute
                  decision, the tape of a loop (what one trip pushes, and why), the
                  dimensions taped for an array needed for its shape alone
  adjoints.py     what each op contributes to its operands' adjoints
  control.py      loops (for, while) and branches (if) reversed
  augmented.py    the forward sweep: the primal plus the pushes the tape asked for
  stack.py        slot sizes, stack levels, the `_sizes` layout
  aliases.py      which names share an array's memory, and where it is written
  alias_check.py  the refusals about aliasing (also run by forward mode)
  checkpoint.py   checkpointed loops: snapshots and recomputation instead of a tape of every trip
  backsolve.py    adc.odeint(adjoint="backsolve"): the adjoint ODE integrated back, f's vjp
                  (this pass, run on f) inlined
"""
from ...errors import AdcTypeError
from ...ir import CHECKPOINTS, GRADIENT, VALUE, Function, Op, Region, Value
from ..activity import activity
from .alias_check import check_aliases
from .augmented import RecordingSweep
from .control import BackwardSweep
from .stack import free_level
from .tbr import Tape


def reverse(fn, wrt, debug=False, seeded=False, level=None):
    """With `seeded`, the cotangent of the output is a last parameter (split mode, Jacobians),
    and the output may be an array; otherwise it is 1.0 and the output must be a scalar. The
    tape is on stack `level` (by default the first one `fn` does not use; a derivative inlined
    into another's backward sweep takes one of its own, reverse/backsolve.py)."""
    out = fn.output(VALUE)
    if hasattr(out.type, "elems"):
        raise AdcTypeError(f"adc differentiates functions that return one number or array; {fn.name} "
                           f"returns a tuple {out.type}")
    if out.type.ndim and not seeded:
        raise AdcTypeError(f"grad needs a function with a scalar output; {fn.name} returns {out.type}. "
                           "hint: use adc.vjp or adc.jacobian for non-scalar outputs")
    params = [fn.params[k] for k in wrt]
    for p in params:
        if not p.type.is_float:
            raise AdcTypeError(f"cannot differentiate with respect to {p.name}, which is {p.type}; "
                               "pass a float (e.g. 1.0, or x.astype(float)) or leave it out of wrt")
    check_aliases(fn)
    tape = Tape(fn, debug, level=free_level(fn) if level is None else level)
    rev = BackwardSweep(fn, activity(fn, params, out), tape, seeded)
    seed = Value(out.name + "_bar", out.type) if seeded else None
    backward = rev.sweep(out, params, seed)
    forward = RecordingSweep(tape, rev.checkpoints).region(fn.body)
    for plan in reversed(list(rev.checkpoints.values())):  # inner loops first: a replay re-points only
        plan.replay()  # the pops that meet its own taped trip, which an outer one's then leaves alone
    schedules = [plan.ck for plan in rev.checkpoints.values() if not plan.nested]
    if debug:
        backward.ops.append(Op("stack_check", [], attrs={"level": tape.level}))
    marks = [Op("sweep", attrs={"part": "forward"})], [Op("sweep", attrs={"part": "backward"})]
    body = Region([], marks[0] + forward.ops + marks[1] + backward.ops, [out] + backward.yields + schedules)
    return Function(fn.name + "_grad", fn.params + ([seed] if seeded else []), body, fn.loc, fn.captured,
                    roles=[VALUE] + [GRADIENT] * len(backward.yields) + [CHECKPOINTS] * len(schedules))

