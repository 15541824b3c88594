"""`python -m adc show module:function [--wrt 0,1] [--args EXPR]`: print the adjoint adc writes.
`python -m adc rules [NAME] [--markdown]`: list what adc differentiates, with where each rule is.

The derivative is specialized for example arguments: `--args` is a Python
expression evaluated with `np` in scope (default: every parameter 1.0, or
the module's `EXAMPLE_ARGS[function]` when it defines one).
"""
import argparse
import importlib
import inspect
import os
import sys

import numpy as np

from . import api
from .errors import AdcError


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m adc", description="Print the code adc generates.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the derivative of module:function")
    show.add_argument("target", help="module:function, e.g. examples.euler:loss")
    show.add_argument("--mode", default="rev", choices=["rev", "fwd", "hvp", "vjp"],
                      help="rev: the adjoint (default); fwd: the tangent code; hvp: forward over reverse; "
                           "vjp: the split forward and backward functions")
    show.add_argument("--wrt", default="0", help="parameters to differentiate: positions or names, comma separated")
    show.add_argument("--args", default=None, help="example arguments, a Python expression giving a tuple")
    rules = sub.add_parser("rules", help="list the NumPy, SciPy and math callables adc differentiates")
    rules.add_argument("name", nargs="?", default=None, help="show only the names containing this text")
    rules.add_argument("--markdown", action="store_true", help="the README's list, generated")
    opts = parser.parse_args(argv)
    if opts.command == "rules":
        return _rules(opts)
    sys.path.insert(0, os.getcwd())
    module, fn = _target(parser, opts.target)
    args = _example_args(parser, module, fn, opts.args)
    wrt = tuple(int(w) if w.strip().isdigit() else w.strip() for w in opts.wrt.split(","))
    make = {"rev": api.grad, "fwd": api.jvp, "hvp": api.hvp, "vjp": api.vjp}[opts.mode]
    try:
        df = make(fn, wrt=wrt if len(wrt) > 1 else wrt[0], backend="python")
        text = api.source(df, *args)
    except AdcError as exc:
        print(f"python -m adc show: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(text)
    return 0


def _rules(opts):
    """Print the registry: one line per callable (name, kind, file:line), or the README's list."""
    from .rules import registry
    if opts.markdown:
        print(registry.markdown(), end="")
        return 0
    found = [e for e in registry.entries() if opts.name is None or opts.name in e[0]]
    for name, kind, where in found:
        print(f"{name:<36} {kind:<9} {where}")
    if opts.name is None:
        print(f"{registry.count()} NumPy, SciPy and math callables with rules or forms")
    return 0 if found else 1


def _target(parser, target):
    """The module and the function `module:function` names; a usage error (exit status 2) otherwise."""
    module_name, colon, fn_name = target.partition(":")
    if not colon or not module_name or not fn_name:
        parser.error(f"target {target!r}: write module:function, e.g. examples.euler:loss")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        parser.error(f"cannot import module {module_name!r} (from {os.getcwd()}): {exc}")
    fn = module
    for part in fn_name.split("."):
        if not hasattr(fn, part):
            names = ", ".join(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
            parser.error(f"module {module_name!r} has no function {fn_name!r} (it has {names})")
        fn = getattr(fn, part)
    return module, getattr(fn, "f", fn)  # an adc derivative: show the function it wraps


def _example_args(parser, module, fn, expr):
    if expr is not None:
        try:
            value = eval(expr, {"np": np, "numpy": np})
        except Exception as exc:  # noqa: BLE001  (any error of the user's expression)
            parser.error(f"--args {expr!r}: {type(exc).__name__}: {exc}")
        return value if isinstance(value, tuple) else (value,)
    examples = getattr(module, "EXAMPLE_ARGS", {})
    if fn.__name__ in examples:
        return examples[fn.__name__]
    return tuple(1.0 for _ in inspect.signature(fn).parameters)


if __name__ == "__main__":
    sys.exit(main())
