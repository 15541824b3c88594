"""The public side of checkpointed loops: `adc.checkpointed` (the marker) and `adc.stats`.

`for t in adc.checkpointed(range(T), snapshots=k):` is an ordinary loop when
the function runs as Python; a derivative made by adc stores the loop's state
at most k times and recomputes the rest in the backward sweep on the binomial
schedule (adc_runtime.checkpoint has the schedule, passes/reverse/checkpoint.py
the code). `snapshots` is a number (the state before the first trip counts),
or "auto": enough that no trip runs more than three times, within `memory`
bytes of snapshots (256 MiB by default).
"""
from .errors import AdcError

AUTO = "auto"


def checkpointed(iterable, snapshots=AUTO, memory=None, nested="refuse"):
    """Mark a `for` loop over `range(...)` as checkpointed; as Python, the loop is unchanged.
    `nested="tape"`: inside a loop or a branch, where checkpointing is not supported, the loop is
    taped as an unmarked one is (for library code such as adc.odeint's solvers), not refused."""
    if not (snapshots == AUTO or (isinstance(snapshots, int) and snapshots >= 1)):
        raise AdcError(f"checkpointed(..., snapshots={snapshots!r}): give a number of snapshots >= 1 or 'auto'")
    if nested not in ("refuse", "tape"):
        raise AdcError(f"checkpointed(..., nested={nested!r}): choose 'refuse' or 'tape'")
    return iterable


def stats(df):
    """What the last call of derivative `df` did in its checkpointed loops: a dict with
    `snapshots` (slots of the schedule, the first state included), `snapshots_held` (most held
    at once), `forward_steps` (untaped trips, those of the forward sweep included),
    `taped_steps`, `trips` and `peak_stack_bytes` (the tape's depth after a taped trip, at its
    deepest), summed over its checkpointed loops (the peak: the largest), and `loops`, one such
    dict per loop. For a vjp, the last pullback's work counts with its forward sweep's."""
    from .derivative import Derivative  # noqa: PLC0415  (the API imports this module)
    from adc_runtime.checkpoint import report

    if not isinstance(df, Derivative):
        raise AdcError(f"adc.stats takes a function made by adc.grad and friends; got {df!r}")
    loops = [report(ck) for ck in df.last_checkpoints]
    if not loops:
        raise AdcError(f"adc.stats: the last call of {df.__name__} ran no checkpointed loop "
                       "(mark one with `for t in adc.checkpointed(range(T)):`, then call the derivative)")
    total = {k: sum(loop[k] for loop in loops) for k in loops[0]}
    total["peak_stack_bytes"] = max(loop["peak_stack_bytes"] for loop in loops)
    total["loops"] = loops
    return total
