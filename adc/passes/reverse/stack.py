"""stack: how the tape sits on the explicit stacks of the generated code.

Contract: the one place that knows the stack layout the reverse pass and
codegen share. A stack level is a pair of stacks, float (index 0) and int
(index 1). A pushed scalar takes `slots` of them: a float one float slot,
an integer or boolean one int slot, a complex number `COMPLEX_SLOTS` float
slots (real part, imaginary part; codegen spells complex pushes and pops
from it). An array is pushed as a copy of its data on the float stack and
its shape on the int stack (adc_runtime.push_array), reserving its own room.

Levels: 0 is a derivative's own tape. A derivative of a derivative records
its tape on the first level the inner one does not use (`free_level`) and
the adjoints of the inner tape on the level after it (`adjoint_stack`).

The `_sizes` array a derivative's caller keeps between calls
(`sizes_array`) holds, for each of the `LEVELS` levels, how large the float
stack grew at 2 * level and the int stack at 2 * level + 1
(adc_runtime.sized_stack and remember_size read and write it).
"""
import numpy as np

from ...ir import walk

STACKS = (0, 1)  # the float stack and the int stack, as indices into slot counts
COMPLEX_SLOTS = 2  # a complex number takes two float slots: real part, imaginary part
LEVELS = 4  # stack levels a derivative may allocate: 0..3


def slots(t):
    """(float slots, int slots) a pushed scalar of type `t` takes."""
    if t.dtype == "complex128":
        return COMPLEX_SLOTS, 0
    if t.dtype == "float64":
        return 1, 0
    return 0, 1


def free_level(fn):
    """The first stack level `fn` does not use: a derivative of a derivative records its own
    tape (and the adjoints of the inner tape) on stacks of its own."""
    used = [op.attrs.get("level", 0) + (2 if op.attrs.get("adjoint_stack") else 1)
            for op in walk(fn.body) if op.opname in ("push", "pop", "reserve", "stack_check")]
    return max(used, default=0)


def adjoint_stack(level):
    """The attributes of a push or pop on the adjoint stack of the tape at `level`."""
    return {"level": level + 1, "adjoint_stack": True}


def sizes_array():
    """A fresh `_sizes` array: the float and int stack sizes of levels 0..LEVELS-1, all 0."""
    return np.zeros(2 * LEVELS, np.int64)
