"""The pipeline: one explicit, ordered list of passes per derivative kind.

Each pass has one job and a docstring stating its contract. `run` calls
them in order, verifies the IR after each, and prints it after the passes
named in ADC_PRINT_AFTER (comma separated).
"""
import functools
import os
import sys

from .. import ir
from .dce import dce
from .fence import fence
from .forward import forward
from .infer import infer
from .lower import lower
from .reverse import reverse
from .simplify import simplify

PRIMAL = [("infer", infer), ("simplify", simplify)]
CLEANUP = [("infer", infer), ("simplify", simplify), ("dce", dce)]


def grad_passes(wrt, debug=False):
    """Reverse mode, joint sweeps: yields (value, gradient...)."""
    return [("reverse", functools.partial(reverse, wrt=wrt, debug=debug))] + CLEANUP


def jvp_passes(wrt):
    """Forward mode: yields (value, tangent)."""
    return [("forward", functools.partial(forward, wrt=wrt))] + CLEANUP


def hvp_passes(wrt, debug=False):
    """Forward over reverse: yields (value, gradient..., tangent of value, Hessian-vector product...)."""
    return grad_passes(wrt, debug) + jvp_passes(wrt)


_UNTYPED_AFTER = {"reverse", "forward"}


def front(parsed):
    """Fence and lower a parsed function: the untyped primal IR."""
    fence(parsed)
    fn = lower(parsed)
    _after("lower", fn, typed=False)
    return fn


def run(fn, passes):
    """Apply `passes` to `fn` in order, verifying the IR after each."""
    for name, pass_ in passes:
        fn = pass_(fn)
        _after(name, fn, typed=name not in _UNTYPED_AFTER)
    return fn


def _after(name, fn, typed):
    ir.verify(fn, typed=typed)
    if name in os.environ.get("ADC_PRINT_AFTER", "").split(","):
        print(f"--- IR after {name} ---\n{ir.format_function(fn)}", file=sys.stderr)
