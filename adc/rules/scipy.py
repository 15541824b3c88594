"""Rules for SciPy: scipy.special's differentiable functions, and the helpers of SciPy's call forms.

Each special function is a rule keyed to its runtime twin (`rt.gammaln`): generated code calls
scipy.special itself under CPython and adc_runtime's kernels under Numba, which has no
scipy.special (runtime/scipy.py, runtime/special.py). The rules are elementwise: a template is
its derivative at a number and at an array alike, and the binary ones undo broadcasting. The
derivatives are written with the rules themselves (digamma is gammaln's, polygamma(1, .) is
digamma's), so second derivatives go through them too.

scipy.special's objects are tied to these keys when adc first meets an object without a rule
after scipy.special is imported (`core.LOADERS`): adc does not import SciPy itself.

SciPy's other functions are call forms, spelled with these rules and NumPy's
(passes/lower/scicalls.py, scistats.py): logsumexp, softmax and log_softmax shift by a maximum
that no derivative flows through (`rt.finite_max`); the densities of scipy.stats mask the value
as SciPy does (`rt.density`); scipy.linalg's triangular solves are `rt.solve_lower` and
`rt.solve_upper`, whose adjoints read only the triangle they solve with.

Where a derivative is undefined these rules do what the formula gives, as NumPy's do: xlogy's
derivative in y at x = 0 is 0 / y (nan at y = 0), the gamma function's derivatives are infinite
at its poles, logit's at 0 and 1.
"""
import sys

import numpy as np

import adc_runtime as rt

from ..errors import AdcTypeError
from ..ir import T
from .core import BY_OBJECT, LOADERS, REAL, defrule, elementwise, float_of, jvp, vjp

_SPECIAL = []  # (name in scipy.special, rule key): tied by `_load` once scipy.special is imported


def _special(name, template, nargs=1, aliases=(), typer=elementwise):
    key = "rt." + name
    defrule(key, getattr(rt, name), typer=typer, elementwise=True, broadcasting=nargs > 1,
            shown=f"scipy.special.{name}")
    vjp(key)(template)
    _SPECIAL.extend((n, key) for n in (name,) + aliases)


def _polygamma_type(n, x):
    if getattr(n, "dtype", None) not in ("int64", "bool"):
        raise AdcTypeError("scipy.special.polygamma takes an integer order n (polygamma(1, x)); "
                           "for n = 0, call scipy.special.digamma")
    return elementwise(n, x)


# ---------------------------------------------------------------- gamma and beta functions

_special("gammaln", lambda g, y, x: g * rt.digamma(x))
_special("digamma", lambda g, y, x: g * rt.polygamma(1, x), aliases=("psi",))
_special("polygamma", lambda g, y, n, x: (0, g * rt.polygamma(n + 1, x)), nargs=2, typer=_polygamma_type)
_special("gamma", lambda g, y, x: g * y * rt.digamma(x))
_special("beta", lambda g, y, a, b: (g * y * (rt.digamma(a) - rt.digamma(a + b)),
                                     g * y * (rt.digamma(b) - rt.digamma(a + b))), nargs=2)
_special("betaln", lambda g, y, a, b: (g * (rt.digamma(a) - rt.digamma(a + b)),
                                       g * (rt.digamma(b) - rt.digamma(a + b))), nargs=2)

# ---------------------------------------------------------------- logistic, error and normal functions

_special("expit", lambda g, y, x: g * y * (1.0 - y))
_special("logit", lambda g, y, x: g / (x * (1.0 - x)))
_special("log_expit", lambda g, y, x: g * rt.expit(-x))
_special("erf", lambda g, y, x: g * 1.1283791670955126 * np.exp(-x * x))  # 2 / sqrt(pi)
_special("erfc", lambda g, y, x: -g * 1.1283791670955126 * np.exp(-x * x))
_special("erfinv", lambda g, y, x: g * 0.886226925452758 * np.exp(y * y))  # sqrt(pi) / 2
_special("ndtr", lambda g, y, x: g * 0.3989422804014327 * np.exp(-0.5 * x * x))  # 1 / sqrt(2 pi)
_special("log_ndtr", lambda g, y, x: g * 0.3989422804014327 * np.exp(-0.5 * x * x - y))

# ---------------------------------------------------------------- x log(y)

_special("xlogy", lambda g, y, a, b: (g * np.log(b), g * a / b), nargs=2)
_special("xlog1py", lambda g, y, a, b: (g * np.log1p(b), g * a / (1.0 + b)), nargs=2)


def _load():
    """Tie scipy.special's functions to their rules, once scipy.special is imported."""
    module = sys.modules.get("scipy.special")
    if module is None:
        return
    for name, key in _SPECIAL:
        obj = getattr(module, name, None)
        if obj is not None:
            BY_OBJECT[id(obj)] = key
    LOADERS.remove(_load)


LOADERS.append(_load)


# ---------------------------------------------------------------- the helpers of SciPy's call forms

def _broadcast(*types):
    return T("float64", max(t.ndim for t in types))


def _whole(a):
    if a.ndim == 0:
        raise AdcTypeError(f"scipy.special.logsumexp and log_softmax of a number ({a}): pass an array")
    return T("float64")


def _axis_reduced(a, axis):
    if a.ndim not in (1, 2):
        raise AdcTypeError(f"reductions along an axis take arrays of 1 or 2 dimensions here, not {a}")
    return T("float64", a.ndim - 1)


# a log-density where the parameters are valid and the point in the support: -inf outside, nan if invalid
defrule("rt.density", rt.density, typer=_broadcast, broadcasting=True, elementwise=True, shown="a scipy.stats density")
vjp("rt.density")(lambda g, y, lp, ok, inside: (g * np.logical_and(ok, inside), 0, 0))
# the shift of a log-sum-exp: its value cancels, so no derivative flows through it
defrule("rt.finite_max", rt.finite_max, typer=_whole, nondiff=True, complex=REAL, shown="scipy.special.logsumexp")
defrule("rt.finite_max_axis", rt.finite_max_axis, typer=_axis_reduced, nondiff=True, complex=REAL,
        shown="scipy.special.logsumexp")
defrule("rt.keep_all", rt.keep_all, typer=lambda y, a: T(float_of(y), a.ndim), shown="keepdims=True")
vjp("rt.keep_all")(lambda g, y, v, a: (np.sum(g), 0))
jvp("rt.keep_all")(lambda y, v, a, dv, da: (rt.keep_all(dv, a), 0))
defrule("rt.dirichlet_check", rt.dirichlet_check, typer=lambda x, alpha: None, nondiff=True, pure=False, complex=REAL,
        shown="scipy.stats.dirichlet.logpdf")


# ---------------------------------------------------------------- triangular solves

def _triangular_type(a, b):
    if a.ndim != 2 or b.ndim not in (1, 2):
        raise AdcTypeError("scipy.linalg's triangular solves take a square 2-D array and a right-hand side "
                           f"of 1 or 2 dimensions, not {a} and {b}")
    return T(float_of(a, b), b.ndim)


for _key in ("rt.solve_lower", "rt.solve_upper"):
    defrule(_key, getattr(rt, _key[3:]), typer=_triangular_type, shown="scipy.linalg.solve_triangular")

# x = A^-1 b reads one triangle of A: b_bar = A^-T g, A_bar = -(b_bar x^T) on that triangle


@vjp("rt.solve_lower", when=lambda a, b: b.ndim == 1)
def _(g, y, a, b):
    b_bar = rt.solve_upper(np.transpose(a), g)
    return -np.tril(np.outer(b_bar, y)), b_bar


@vjp("rt.solve_lower", when=lambda a, b: b.ndim == 2)
def _(g, y, a, b):
    b_bar = rt.solve_upper(np.transpose(a), g)
    return -np.tril(np.dot(b_bar, np.transpose(y))), b_bar


@vjp("rt.solve_upper", when=lambda a, b: b.ndim == 1)
def _(g, y, a, b):
    b_bar = rt.solve_lower(np.transpose(a), g)
    return -np.triu(np.outer(b_bar, y)), b_bar


@vjp("rt.solve_upper", when=lambda a, b: b.ndim == 2)
def _(g, y, a, b):
    b_bar = rt.solve_lower(np.transpose(a), g)
    return -np.triu(np.dot(b_bar, np.transpose(y))), b_bar


jvp("rt.solve_lower")(lambda y, a, b, da, db: (-rt.solve_lower(a, np.dot(np.tril(da), y)), rt.solve_lower(a, db)))
jvp("rt.solve_upper")(lambda y, a, b, da, db: (-rt.solve_upper(a, np.dot(np.triu(da), y)), rt.solve_upper(a, db)))
