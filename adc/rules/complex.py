"""Rules for complex numbers: the parts of a complex value, the rules that need their own
templates for complex arguments, and what every rule does with complex arguments.

The convention is autograd's: the gradient of a real f at z = x + iy is df/dx - i df/dy, so
holomorphic rules read as in the real case. Imported after the other rule modules: it amends
their rules.
"""
import numpy as np

import adc_runtime as rt

from .core import HOLOMORPHIC, OWN, RULES, complex_rules, defrule, first, jvp, vjp
from ..ir import T


# ---------------------------------------------------------------- the parts of a complex number

def _is_complex(x, *rest):
    return x.dtype == "complex128"


def _real_part(x):
    return T("float64", x.ndim)


defrule("np.real", np.real, typer=_real_part)
defrule("np.imag", np.imag, typer=_real_part)
defrule("np.conj", np.conj, np.conjugate, typer=first, linear=True)
defrule("np.angle", np.angle, typer=_real_part)
vjp("np.real")(lambda g, y, x: g)
vjp("np.imag", when=_is_complex)(lambda g, y, x: -1j * g)
vjp("np.imag")(lambda g, y, x: 0.0 * g)
vjp("np.conj")(lambda g, y, x: np.conj(g))
vjp("np.angle", when=_is_complex)(lambda g, y, x: g * np.conj(x * 1j) / (x * np.conj(x)).real)
vjp("np.angle")(lambda g, y, x: 0.0 * g)
jvp("np.real")(lambda y, x, dx: np.real(dx))
jvp("np.imag")(lambda y, x, dx: np.imag(dx))
jvp("np.angle")(lambda y, x, dx: np.imag(dx / x))


def _complex_rule(key, vjp_template, jvp_template):
    """Rules for a complex argument where the real ones do not hold (the function is not holomorphic);
    they go first, so they are chosen for complex arguments."""
    RULES[key].templates.insert(0, (_is_complex, vjp_template))
    RULES[key].jvp_templates.insert(0, (_is_complex, jvp_template))


for _key in ("np.abs", "np.absolute"):
    _complex_rule(_key, lambda g, y, x: g * np.conj(x) / y, lambda y, x, dx: np.real(np.conj(x) * dx) / y)
# |z| of a vector, the spread of complex values: each is real, and d|z|^2 = 2 Re(conj(z) dz)
_complex_rule("np.linalg.norm", lambda g, y, x: g * np.conj(x) / y, lambda y, x, dx: np.real(np.sum(np.conj(x) * dx)) / y)
_complex_rule("np.var", lambda g, y, x: g * 2.0 * np.conj(x - np.mean(x)) / x.size,
              lambda y, x, dx: 2.0 * np.real(np.mean(np.conj(x - np.mean(x)) * dx)))
_complex_rule("np.std", lambda g, y, x: g * np.conj(x - np.mean(x)) / (x.size * y),
              lambda y, x, dx: np.real(np.mean(np.conj(x - np.mean(x)) * dx)) / y)
_complex_rule("rt.var_axis", lambda g, y, x, axis: (
    rt.spread(g, x, axis) * 2.0 * np.conj(x - rt.expand_axis(rt.mean_axis(x, axis), axis)) / x.shape[axis], 0),
    lambda y, x, axis, dx, daxis: (
    2.0 * rt.mean_axis(np.real(np.conj(x - rt.expand_axis(rt.mean_axis(x, axis), axis)) * dx), axis), 0))
_complex_rule("rt.std_axis", lambda g, y, x, axis: (
    rt.spread(g / y, x, axis) * np.conj(x - rt.expand_axis(rt.mean_axis(x, axis), axis)) / x.shape[axis], 0),
    lambda y, x, axis, dx, daxis: (
    rt.mean_axis(np.real(np.conj(x - rt.expand_axis(rt.mean_axis(x, axis), axis)) * dx), axis) / y, 0))


# ---------------------------------------------------------------- what each rule does with complex arguments
# Rules not named here refuse them (by default; linear ones are holomorphic, see core.defrule).

complex_rules(HOLOMORPHIC, *("np." + n for n in (
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "square", "reciprocal", "negative",
    "positive", "power", "float_power", "add", "subtract", "multiply", "divide", "true_divide", "sinc", "sum", "mean", "prod", "transpose", "copy",
    "full", "full_like", "cumsum", "cumprod", "where")),
    "rt.unbroadcast", "rt.unbroadcast_to", "rt.sum_axis", "rt.mean_axis", "rt.prod_axis", "rt.expand_axis", "rt.squeeze_axis",
    "rt.spread")
complex_rules(OWN, "np.abs", "np.absolute", "np.real", "np.imag", "np.conj", "np.angle", "np.linalg.norm",
              "np.var", "np.std", "rt.var_axis", "rt.std_axis")
