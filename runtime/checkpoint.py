"""Binomial checkpointing (Griewank and Walther's Revolve), as the code of a checkpointed loop runs it.

A checkpointed loop of n trips keeps at most s snapshots of its state (the
state before trip 0 included). Its schedule lives in one int64 array `ck`
(`checkpoints` makes it); the generated code asks it, at run time, where to
advance to next and which snapshot slot to store into or restore from:

- the forward sweep stores the state before trip 0 (`ckpt_first`), then
  advances towards the last trip (`ckpt_advance` / `ckpt_store`), storing the
  states the schedule keeps, holds the state before the last trip in a row
  of its own (`ckpt_hold`) and runs the last trip untaped, so that the code
  after the loop runs;
- the backward sweep, for each trip q from the last down: restores the state
  before it, or the newest snapshot before it (`ckpt_top`, `ckpt_position`),
  advances from there to q (storing again where the schedule says), runs trip
  q taped, and reverses it (`ckpt_turned` frees a snapshot no longer needed).

The snapshots form a stack: the state at the top is the newest one at or
before the trip being reversed. The next stop of an advance from position p
towards trip q, with f = s - top free snapshots counting p's, is p + `split`
(q + 1 - p, f): the schedule of least recomputation, which reverses n trips
with s snapshots in `revolve_advances(n, s)` = r·n - C(s+r, s+1) untaped
trips (r the least with C(s+r, s) >= n; s = 1 gives n(n-1)/2), every trip
then taped exactly once. The advances of the forward sweep count, and so does
the last trip's untaped run: `forward_steps` is revolve_advances(n, s) + 1.
The snapshot buffers have s + 1 rows: the s slots, and the held state.

A loop whose trip count is not known on entry (a `while` loop, a loop that
breaks) runs the online schedule: its forward sweep stores the state before
every d-th trip, d = 1 at first; when the s slots are full, every other
snapshot is dropped and d doubles (`ckpt_thin`, `ckpt_due`). The snapshots
then are a stack as above, and the backward sweep is the same, with no
held state: the last trip is advanced to like any other.

Layout of `ck`: [s, top, forward steps, taped steps, trips, most snapshots
held at once, peak stack words, the online schedule's d (0: offline), the same four counts as last
reported (`ckpt_report`), positions of the s slots...]. A backward sweep that
may run more than once on one forward sweep (a vjp's pullback) works on a
copy of `ck` and of the snapshots, and reports into the original.
"""
import numpy as np
from numba.extending import register_jitable

SLOTS, TOP, FORWARD, TAPED, TRIPS, HELD, PEAK, SPACING = 0, 1, 2, 3, 4, 5, 6, 7
REPORTED = 8  # where ckpt_report copies FORWARD, TAPED, HELD, PEAK
HEADER = 12
AUTO = -1  # snapshots="auto"
AUTO_BUDGET = 256 * 2 ** 20  # the bytes of snapshots "auto" may take at most


@register_jitable
def _repetitions(n, s):
    """(r, C(s+r, s)): the least r with C(s+r, s) >= n."""
    r, beta = 0, 1
    while beta < n:
        r += 1
        beta = beta * (s + r) // r
    return r, beta


@register_jitable
def _binomial(s, r):
    """C(s+r, s), 0 for r < 0."""
    beta = 1 if r >= 0 else 0
    for k in range(1, r + 1):
        beta = beta * (s + k) // k
    return beta


@register_jitable
def revolve_advances(n, s):
    """The least number of untaped trips that reverse n trips with s snapshots (the first included)."""
    if n <= 1:
        return 0
    if s == 1:
        return n * (n - 1) // 2
    r, beta = _repetitions(n, s)
    return r * n - beta * r // (s + 1)


@register_jitable
def split(n, s):
    """How far to advance from the start of n trips to be reversed with s snapshots before
    storing the next one: the left part is then reversed with s snapshots and one repetition
    less, the right part with s - 1 (n - 1 with one snapshot: the right part is the last trip)."""
    if s <= 1:
        return n - 1
    r, _ = _repetitions(n, s)
    lo = max(_binomial(s, r - 2) + 1, n - _binomial(s - 1, r))
    return max(1, min(lo, n - 1))


@register_jitable
def checkpoints(trips, snapshots, budget, state_words):
    """The schedule of a loop of `trips` trips: `snapshots` slots, or for AUTO as many as make every
    trip run at most three times (twice untaped), within `budget` bytes of snapshots (AUTO_BUDGET
    when budget is 0) of `state_words` 8-byte words each."""
    s = snapshots
    if s == AUTO:
        s = int(np.sqrt(2.0 * trips)) + 2  # the least s with C(s+2, 2) >= trips: at most two repetitions
        while s > 1 and s * (s + 1) // 2 >= trips:
            s -= 1
        room = (budget if budget > 0 else AUTO_BUDGET) // max(8 * state_words, 1)
        s = max(1, min(s, room))
    if s < 1:
        raise ValueError("a checkpointed loop needs at least one snapshot")
    s = max(1, min(s, trips))
    ck = np.zeros(HEADER + s, np.int64)
    ck[SLOTS] = s
    ck[TOP] = -1
    ck[TRIPS] = trips
    return ck


@register_jitable
def online_checkpoints(snapshots, budget, state_words):
    """The schedule of a loop whose trip count is not known on entry: `snapshots` slots, or for
    AUTO as many as `budget` bytes (AUTO_BUDGET when 0) hold, between 2 and 256."""
    s = snapshots
    if s == AUTO:
        room = (budget if budget > 0 else AUTO_BUDGET) // max(8 * state_words, 1)
        s = max(2, min(256, room))
    if s < 1:
        raise ValueError("a checkpointed loop needs at least one snapshot")
    ck = np.zeros(HEADER + s, np.int64)
    ck[SLOTS] = s
    ck[TOP] = -1
    ck[SPACING] = 1
    return ck


@register_jitable
def ckpt_thin(ck, q):
    """Before trip q of the online schedule: when a snapshot is due and the slots are full, keep
    every other one (the code moves rows 2j to j for j in 1..kept-1) and double d; the number
    kept, or 0."""
    if q == 0 or q % ck[SPACING] != 0 or ck[TOP] + 1 < ck[SLOTS]:
        return 0
    kept = (ck[TOP] + 2) // 2
    for j in range(1, kept):
        ck[HEADER + j] = ck[HEADER + 2 * j]
    ck[TOP] = kept - 1
    ck[SPACING] *= 2
    return kept


@register_jitable
def ckpt_due(ck, q):
    """The slot the state before trip q goes into, or -1 when the online schedule keeps none."""
    if q == 0 or q % ck[SPACING] != 0:
        return -1
    return ckpt_store(ck, q)


@register_jitable
def ckpt_close(ck, trips):
    """The online schedule's loop ended after `trips` trips, all untaped."""
    ck[TRIPS] = trips
    ck[FORWARD] += trips
    return trips


@register_jitable
def ckpt_first(ck):
    """The slot of the state before trip 0, stored once on entry."""
    ck[TOP] = 0
    ck[HEADER] = 0
    ck[HELD] = 1
    return 0


@register_jitable
def ckpt_advance(ck, p, q):
    """The next stop of an advance from position p towards trip q (counted as forward steps)."""
    m = p + split(q + 1 - p, ck[SLOTS] - ck[TOP])
    ck[FORWARD] += m - p
    return m


@register_jitable
def ckpt_store(ck, m):
    """The slot the state at position m goes into (the new top)."""
    ck[TOP] += 1
    ck[HEADER + ck[TOP]] = m
    ck[HELD] = max(ck[HELD], ck[TOP] + 1)
    return ck[TOP]


@register_jitable
def ckpt_hold(ck):
    """The row that holds the state before the last trip, which then runs untaped (counted)."""
    ck[FORWARD] += 1
    return ck[SLOTS]


@register_jitable
def ckpt_held(ck):
    """The row that holds the state before the last trip, the trip not run (a nested loop's)."""
    return ck[SLOTS]


@register_jitable
def ckpt_top(ck, q):
    """The row to restore before trip q: the held state for the last trip (offline), else the
    newest snapshot."""
    if ck[SPACING] == 0 and q == ck[TRIPS] - 1:
        return ck[SLOTS]
    return ck[TOP]


@register_jitable
def ckpt_position(ck, q):
    """The trip whose state `ckpt_top(ck, q)` holds."""
    if ck[SPACING] == 0 and q == ck[TRIPS] - 1:
        return q
    return ck[HEADER + ck[TOP]]


@register_jitable
def ckpt_turned(ck, q):
    """Trip q was run taped and reversed: its snapshot, if it has one, is no longer needed."""
    ck[TAPED] += 1
    if ck[TOP] >= 0 and ck[HEADER + ck[TOP]] == q:
        ck[TOP] -= 1
    return ck[TOP]


@register_jitable
def ckpt_peak(ck, fsp, isp):
    """Record the stack's depth (float and int words) where it is deepest: after a taped trip."""
    ck[PEAK] = max(ck[PEAK], fsp + isp)
    return ck[PEAK]


@register_jitable
def ckpt_trip(i, start, step):
    """The trip number of loop index i of range(start, stop, step)."""
    return (i - start) // step


@register_jitable
def ckpt_report(ck, work):
    """The counts of a finished backward sweep, which worked on `work` (`ck` itself or a copy)."""
    ck[REPORTED] = work[FORWARD]
    ck[REPORTED + 1] = work[TAPED]
    ck[REPORTED + 2] = work[HELD]
    ck[REPORTED + 3] = work[PEAK]
    return 0


def report(ck):
    """What `adc.stats` says of one checkpointed loop's last run."""
    forward, taped, held, peak = (int(n) for n in ck[REPORTED:REPORTED + 4])
    return {"snapshots": int(ck[SLOTS]), "snapshots_held": held, "forward_steps": forward,
            "taped_steps": taped, "trips": int(ck[TRIPS]), "peak_stack_bytes": 8 * peak}
