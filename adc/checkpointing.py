"""The marker of checkpointed loops, `adc.checkpointed` (`adc.stats` is in adc.api).

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


def checkpointed(iterable, snapshots=AUTO, memory=None, nested="checkpoint"):
    """Mark a loop as checkpointed: `for t in checkpointed(range(T))` or `while checkpointed(cond)`;
    as Python, the loop is unchanged (the range or the condition is returned). `nested="tape"`:
    inside a loop or a branch, the loop is taped as an unmarked one is (no recomputation there)."""
    if not (snapshots == AUTO or (isinstance(snapshots, int) and snapshots >= 1)):
        raise AdcError(f"checkpointed(..., snapshots={snapshots!r}): give a number of snapshots >= 1 or 'auto'")
    if nested not in ("checkpoint", "tape"):
        raise AdcError(f"checkpointed(..., nested={nested!r}): choose 'checkpoint' or 'tape'")
    return iterable
