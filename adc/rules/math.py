"""Rules for Python's operators, builtins and the `math` module.

Each template reads like the calculus it encodes: `g` is the cotangent of
the output `y`, and the template returns one contribution per input.
"""
import math

import numpy as np

from .core import HOLOMORPHIC, OWN, RULES, complex_rules, defrule, elementwise, first, jvp, same_dtype, scalar_only, to_int, vjp
from ..ir import T

# ---------------------------------------------------------------- operators

defrule("add", typer=same_dtype, broadcasting=True, elementwise=True)
defrule("sub", typer=same_dtype, broadcasting=True, elementwise=True)
defrule("mul", typer=same_dtype, broadcasting=True, elementwise=True)
defrule("div", typer=elementwise, broadcasting=True, elementwise=True)
defrule("pow", typer=same_dtype, broadcasting=True, elementwise=True)
defrule("mod", typer=same_dtype, broadcasting=True, elementwise=True)
defrule("floordiv", typer=same_dtype, broadcasting=True, nondiff=True)
defrule("neg", typer=first, elementwise=True)


complex_rules(HOLOMORPHIC, "add", "sub", "mul", "div", "pow", "neg")
for _key, _op in (("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/"), ("pow", "**"), ("mod", "%"),
                  ("floordiv", "//"), ("neg", "unary -")):
    RULES[_key].shown = _op


@vjp("add")
def _(g, y, a, b):
    return g, g


@vjp("sub")
def _(g, y, a, b):
    return g, -g


@vjp("mul")
def _(g, y, a, b):
    return g * b, g * a


@vjp("div")
def _(g, y, a, b):
    return g / b, -g * y / b


@vjp("pow")
def _(g, y, a, b):
    return g * b * a ** (b - 1), g * y * np.log(a)


@vjp("mod")
def _(g, y, a, b):
    return g, -g * np.floor(a / b)


@vjp("neg")
def _(g, y, a):
    return -g


# ---------------------------------------------------------------- builtins

defrule("abs", abs, typer=lambda x: T("float64") if x.dtype == "complex128" else x, elementwise=True)
complex_rules(OWN, "abs")
defrule("max", max, typer=scalar_only(same_dtype), elementwise=True)
defrule("min", min, typer=scalar_only(same_dtype), elementwise=True)


@vjp("abs", when=lambda x: x.dtype == "complex128")
def _(g, y, x):
    return g * x.conjugate() / y


jvp("abs", when=lambda x: x.dtype == "complex128")(lambda y, x, dx: (x.conjugate() * dx).real / y)


@vjp("abs")
def _(g, y, x):
    return g * np.sign(x)


@vjp("max")
def _(g, y, a, b):
    return (g if a >= b else 0.0), (0.0 if a >= b else g)


@vjp("min")
def _(g, y, a, b):
    return (g if a <= b else 0.0), (0.0 if a <= b else g)


# ---------------------------------------------------------------- math

def _scalar(name, vjp_template=None, typer=elementwise, nondiff=False):
    key = "math." + name
    defrule(key, getattr(math, name), typer=scalar_only(typer), nondiff=nondiff, elementwise=True)
    if vjp_template is not None:
        vjp(key)(vjp_template)


_scalar("sin", lambda g, y, x: g * math.cos(x))
_scalar("cos", lambda g, y, x: -g * math.sin(x))
_scalar("tan", lambda g, y, x: g * (1.0 + y * y))
_scalar("asin", lambda g, y, x: g / math.sqrt(1.0 - x * x))
_scalar("acos", lambda g, y, x: -g / math.sqrt(1.0 - x * x))
_scalar("atan", lambda g, y, x: g / (1.0 + x * x))
_scalar("sinh", lambda g, y, x: g * math.cosh(x))
_scalar("cosh", lambda g, y, x: g * math.sinh(x))
_scalar("tanh", lambda g, y, x: g * (1.0 - y * y))
_scalar("asinh", lambda g, y, x: g / math.sqrt(x * x + 1.0))
_scalar("acosh", lambda g, y, x: g / math.sqrt(x * x - 1.0))
_scalar("atanh", lambda g, y, x: g / (1.0 - x * x))
_scalar("exp", lambda g, y, x: g * y)
_scalar("expm1", lambda g, y, x: g * (y + 1.0))
_scalar("log", lambda g, y, x: g / x)
_scalar("log1p", lambda g, y, x: g / (1.0 + x))
_scalar("log2", lambda g, y, x: g / (x * math.log(2.0)))
_scalar("log10", lambda g, y, x: g / (x * math.log(10.0)))
_scalar("sqrt", lambda g, y, x: g * 0.5 / y)
_scalar("fabs", lambda g, y, x: g * math.copysign(1.0, x))
_scalar("erf", lambda g, y, x: g * 1.1283791670955126 * math.exp(-x * x))
_scalar("erfc", lambda g, y, x: -g * 1.1283791670955126 * math.exp(-x * x))
_scalar("atan2", lambda g, y, a, b: (g * b / (a * a + b * b), -g * a / (a * a + b * b)))
_scalar("hypot", lambda g, y, a, b: (g * a / y, g * b / y))
_scalar("pow", lambda g, y, a, b: (g * b * a ** (b - 1), g * y * math.log(a)))
_scalar("floor", typer=to_int, nondiff=True)
_scalar("ceil", typer=to_int, nondiff=True)
_scalar("trunc", typer=to_int, nondiff=True)
_scalar("copysign", lambda g, y, a, b: (g * math.copysign(1.0, a) * math.copysign(1.0, b), 0.0))
