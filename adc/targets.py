"""What adc can differentiate, and with respect to which parameters.

Contract: `function_of(f)` takes a callable that is not an adc derivative
nor a functools.partial (adc.derivative unwraps those) and returns the Python
function whose source adc reads: the function itself, a Numba dispatcher's
`py_func`, or, for a one-argument NumPy ufunc or math function with a
derivative rule, a one-line wrapper written to the cache. Anything else is
an AdcError saying what adc takes. `normalize_wrt(wrt, names, f)` turns a
position, a parameter name or a tuple of them into a tuple of positions
among `names`, or raises the AdcError naming what is wrong.
"""
import inspect
import types as pytypes

import numpy as np

from . import cache, externs, rules
from .errors import AdcError


def function_of(f):
    """The Python function adc reads to differentiate the callable `f`."""
    if isinstance(f, np.vectorize):
        raise AdcError(f"adc cannot differentiate the np.vectorize object of {externs.name_of(f.pyfunc)}: it maps "
                       "its function over arrays in NumPy's own loop. hint: differentiate the function itself "
                       "(written with array operations, or with a for loop over the elements)")
    if inspect.isfunction(getattr(f, "py_func", None)) and not inspect.isfunction(f):
        return f.py_func  # a Numba dispatcher: its Python source
    if inspect.isfunction(f):
        return f
    if isinstance(f, (np.ufunc, pytypes.BuiltinFunctionType)) and _one_argument(f) and rules.key_of(f) is not None:
        return _wrapper_of(f)
    what = f"{type(f).__name__} {externs.name_of(f)}" if callable(f) else repr(f)
    raise AdcError(f"adc differentiates Python functions (def or lambda, a functools.partial of one, a "
                   f"numba.njit function) and one-argument NumPy and math functions; got the {what}")


def normalize_wrt(wrt, names, f):
    """The positions among `names` that `wrt` (a position, a name, or a tuple of them) selects."""
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in names:
                raise AdcError(f"wrt={w!r}: {f.__qualname__} has no parameter {w!r} (it has {', '.join(names)})")
            w = names.index(w)
        if not isinstance(w, int) or not -len(names) <= w < len(names):
            raise AdcError(f"wrt={w!r} is out of range for {f.__qualname__}({', '.join(names)})")
        out.append(w % len(names))
    return tuple(out)


def _one_argument(f):
    if isinstance(f, np.ufunc):
        return f.nin == 1 and f.nout == 1
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return False
    return len(params) == 1 and all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


_WRAPPERS = {}


def _wrapper_of(f):
    """A Python function of one argument that calls `f` (np.sin, math.sin), written to the cache."""
    if id(f) not in _WRAPPERS:
        home, name = externs.home(f), f.__name__
        if home is None:
            raise AdcError(f"adc cannot find the module of {name} to call it from generated code")
        text = f"import {home}\n\n\ndef {name}(x):\n    return {home}.{name}(x)\n"
        _WRAPPERS[id(f)] = getattr(cache.import_module(cache.write_module(f"_call_{name}", text)), name)
    return _WRAPPERS[id(f)]
