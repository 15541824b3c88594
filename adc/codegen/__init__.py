"""codegen: structured SSA IR -> readable Python source.

Contract: takes a typed `Function`; returns the source of one Python
function (plus its imports) that NumPy, `math` and `adc_runtime` suffice
to run, and that Numba can compile. Each value becomes a variable named
after the user's variable; a value read once, right where it is made,
is folded into the expression that reads it; constants are written in
place; loop-carried values share one name where that is safe. Adjoint code
is grouped under `# grad of: <line>` comments.

The package: `emit` (the statements of a function), `names` (a Python name per value, out of
SSA), `fold` (which values are written into their one reader), `helpers` (other libraries'
ufuncs); how each op kind is spelled is the op catalogue's (adc/ops.py).
"""
import re

from ..ir import STACK_STATE, Stack
from . import cuda, kernels  # noqa: F401  (backend="cuda"'s modules)
from .emit import Emitter, allocated_levels, takes_sizes  # noqa: F401  (what the API reads)
from .helpers import ufunc_helper, ufunc_helpers
from .names import STACK

_IMPORTS = (("math.", "import math"), ("np.", "import numpy as np"), ("rt.", "import adc_runtime as rt"),
            ("la.", "import adc_runtime.linalg as la"), ("numba.", "import numba.extending"))


def generate(fn):
    """The Python source text of `fn` (a Function, or a tuple of them for one module)."""
    fns = fn if isinstance(fn, tuple) else (fn,)
    helpers = ufunc_helpers(fns)
    body = "".join("\n\n" + Emitter(f, helpers).source() for f in fns)
    body = "".join("\n\n" + ufunc_helper(key, name) for key, name in helpers.items()) + body
    used = [line for prefix, line in _IMPORTS if re.search(r"\b" + re.escape(prefix), body)]
    used += sorted({f"from {home} import {callee}" for home, callee, _, _ in helpers})
    return "\n".join(used) + "\n" + body


def returned_roles(fn):
    """The role of each value the generated `fn` returns: its outputs', then its stack's state."""
    return fn.output_roles() + ([STACK_STATE] * len(STACK) if fn.stack is Stack.OUT else [])


