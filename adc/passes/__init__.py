"""The pipeline: one explicit, ordered list of passes per derivative kind.

Each pass has one job and a docstring stating its contract. `run` calls
them in order, verifies the IR after each, and prints it after the passes
named in ADC_PRINT_AFTER (comma separated).
"""
import functools
import os
import sys

from .. import ir, irtext
from .batch import batch
from .bounds import bounds, domains
from .dce import dce
from .fence import fence
from .fuse import fuse
from .forward import forward
from .infer import infer
from .jacobian import rows_by_forward, rows_by_reverse
from .lower import lower
from .reverse import reverse
from .simplify import simplify
from .split import split
from .untuple import untuple

PRIMAL = [("infer", infer), ("batch", batch), ("untuple", untuple), ("simplify", simplify), ("bounds", bounds), ("domains", domains)]
CLEANUP = [("infer", infer), ("simplify", simplify), ("dce", dce)]


def grad_passes(wrt, debug=False, seeded=False):
    """Reverse mode, joint sweeps: yields (value, gradient...)."""
    return [("reverse", functools.partial(reverse, wrt=wrt, debug=debug, seeded=seeded))] + CLEANUP


def vjp_passes(wrt, debug=False):
    """Split reverse mode: a forward function returning the tape, a backward one taking it."""
    return grad_passes(wrt, debug, seeded=True) + [("split", split), ("dce", dce)]


def jacrev_passes(wrt, debug=False):
    """Jacobian rows by reverse mode, one backward sweep per output component."""
    return grad_passes(wrt, debug, seeded=True) + [("rows", rows_by_reverse)] + CLEANUP


def jacfwd_passes(wrt, like):
    """Jacobian by forward mode, one tangent pass per input component (rows: d out / d x_k)."""
    rows = functools.partial(lambda fn: rows_by_forward(fn, fn.output(ir.TANGENT), like(fn)))
    return jvp_passes(wrt) + [("rows", rows)] + CLEANUP


def hessian_passes(wrt, like, debug=False):
    """Hessian rows by forward over reverse, one Hessian-vector product per input component."""
    rows = functools.partial(lambda fn: rows_by_forward(fn, fn.output(ir.HVP), like(fn)))
    return hvp_passes(wrt, debug) + [("rows", rows)] + CLEANUP


def jvp_passes(wrt):
    """Forward mode: yields (value, tangent)."""
    return [("forward", functools.partial(forward, wrt=wrt))] + CLEANUP


def hvp_passes(wrt, debug=False):
    """Forward over reverse: yields (value, gradient..., tangent of value, Hessian-vector product...)."""
    return grad_passes(wrt, debug) + jvp_passes(wrt)


_UNTYPED_AFTER = {"reverse", "forward", "rows"}


def front(parsed, trees=None):
    """Fence and lower a parsed function: the untyped primal IR (`trees`: see lower)."""
    fence(parsed)
    fn = lower(parsed, trees)
    _after("lower", fn, typed=False)
    return fn


def run(fn, passes):
    """Apply `passes` to `fn` in order, verifying the IR after each."""
    for name, pass_ in passes:
        fn = pass_(fn)
        _after(name, fn, typed=name not in _UNTYPED_AFTER)
    return fn


def strip_sweeps(fn):
    """Drop the sweep markers of a function that is to be differentiated again."""
    fn.body.ops = [op for op in fn.body.ops if op.opname != "sweep"]
    return fn


def _after(name, fn, typed):
    ir.verify(fn, typed=typed)
    if name in os.environ.get("ADC_PRINT_AFTER", "").split(","):
        print(f"--- IR after {name} ---\n{irtext.format_function(fn)}", file=sys.stderr)
