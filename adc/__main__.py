"""`python -m adc show module:function [--wrt 0,1] [--args EXPR]`: print the adjoint adc writes.

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
    opts = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    module_name, _, fn_name = opts.target.partition(":")
    module = importlib.import_module(module_name)
    fn = getattr(module, fn_name)
    fn = getattr(fn, "f", fn)  # an adc derivative: show the function it wraps
    args = _example_args(module, fn, opts.args)
    wrt = tuple(int(w) if w.strip().isdigit() else w.strip() for w in opts.wrt.split(","))
    make = {"rev": api.grad, "fwd": api.jvp, "hvp": api.hvp, "vjp": api.vjp}[opts.mode]
    df = make(fn, wrt=wrt if len(wrt) > 1 else wrt[0], backend="python")
    print(api.source(df, *args))


def _example_args(module, fn, expr):
    if expr is not None:
        value = eval(expr, {"np": np, "numpy": np})
        return value if isinstance(value, tuple) else (value,)
    examples = getattr(module, "EXAMPLE_ARGS", {})
    if fn.__name__ in examples:
        return examples[fn.__name__]
    return tuple(1.0 for _ in inspect.signature(fn).parameters)


if __name__ == "__main__":
    main()
