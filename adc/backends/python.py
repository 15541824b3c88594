"""The python backend: the generated source, run by CPython.

Scalar arithmetic follows NumPy's error model, as the numba backend's does (error_model="numpy"):
float arguments come in as NumPy scalars and `math` reads as NumPy's functions, so a derivative's
0.5 / sqrt(0) is inf on both backends, silently. What the primal raises under CPython the
generated code checks itself (adc/passes/bounds.py), on both backends alike.
"""
import math
import types

import numpy as np

_AS_NUMPY = {"sqrt": np.sqrt, "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p,
             "log2": np.log2, "log10": np.log10, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
             "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
             "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "fabs": np.fabs, "atan2": np.arctan2,
             "hypot": np.hypot, "copysign": np.copysign, "pow": np.power}
numpy_math = types.ModuleType("math", "math, with NumPy's functions (and error model) for the float ones")
numpy_math.__dict__.update({k: v for k, v in vars(math).items() if not k.startswith("__")})
numpy_math.__dict__.update({k: (lambda f: lambda *xs: f(*map(np.float64, xs)))(f) for k, f in _AS_NUMPY.items()})


def compile_python(fn, on_fallback=None):
    run = types.FunctionType(fn.__code__, dict(fn.__globals__, math=numpy_math), fn.__name__, fn.__defaults__,
                             fn.__closure__)

    def call(*args):
        args = [np.float64(a) if type(a) is float else np.complex128(a) if type(a) is complex else a for a in args]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return run(*args)
    call.py_func = fn
    return call
