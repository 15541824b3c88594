"""The pipeline: one explicit, ordered list of passes per derivative kind.

Each pass has one job and a docstring stating its contract. `run` calls
them in order, verifies the IR after each, and prints it after the passes
named in ADC_PRINT_AFTER (comma separated).
"""
import os
import sys

from .. import ir
from .dce import dce
from .fence import fence
from .infer import infer
from .lower import lower
from .reverse import reverse
from .simplify import simplify

PRIMAL = [("infer", infer), ("simplify", simplify)]
GRAD = [("reverse", reverse), ("infer", infer), ("simplify", simplify), ("dce", dce)]


def front(parsed):
    """Fence and lower a parsed function: the untyped primal IR."""
    fence(parsed)
    fn = lower(parsed)
    _after("lower", fn, typed=False)
    return fn


def run(fn, passes, **options):
    """Apply `passes` to `fn` in order; the options go to the passes that take them."""
    for name, pass_ in passes:
        fn = pass_(fn, **options) if name == "reverse" else pass_(fn)
        _after(name, fn, typed=name != "reverse")
    return fn


def _after(name, fn, typed):
    ir.verify(fn, typed=typed)
    if name in os.environ.get("ADC_PRINT_AFTER", "").split(","):
        print(f"--- IR after {name} ---\n{ir.format_function(fn)}", file=sys.stderr)
