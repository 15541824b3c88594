"""Rules for NumPy functions and array methods.

Elementwise templates work on scalars and arrays alike; a rule whose
adjoint depends on the argument's rank has one template per rank.
"""
import numpy as np

import adc_runtime as rt

from .core import (BY_OBJECT, HOLOMORPHIC, REAL, defrule, elementwise, first, float_of, inexact, jvp, reduction,
                   same_dtype, to_bool, vjp)
from ..errors import AdcTypeError
from ..ir import T, TupleT


def _ufunc(name, vjp_template=None, typer=elementwise, nondiff=False, broadcasting=False, complex=None):
    key = "np." + name
    defrule(key, getattr(np, name), typer=typer, nondiff=nondiff, broadcasting=broadcasting, elementwise=True,
            complex=complex)
    if vjp_template is not None:
        vjp(key)(vjp_template)


def _magnitude(x):
    """abs: a float of x's rank for a complex x, else x's own dtype."""
    return T("float64" if x.dtype == "complex128" else same_dtype(x).dtype, x.ndim)


# ---------------------------------------------------------------- elementwise, one argument

_ufunc("sin", lambda g, y, x: g * np.cos(x))
_ufunc("cos", lambda g, y, x: -g * np.sin(x))
_ufunc("tan", lambda g, y, x: g * (1.0 + y * y))
_ufunc("arcsin", lambda g, y, x: g / np.sqrt(1.0 - x * x))
_ufunc("arccos", lambda g, y, x: -g / np.sqrt(1.0 - x * x))
_ufunc("arctan", lambda g, y, x: g / (1.0 + x * x))
_ufunc("sinh", lambda g, y, x: g * np.cosh(x))
_ufunc("cosh", lambda g, y, x: g * np.sinh(x))
_ufunc("tanh", lambda g, y, x: g * (1.0 - y * y))
_ufunc("arcsinh", lambda g, y, x: g / np.sqrt(x * x + 1.0))
_ufunc("arccosh", lambda g, y, x: g / np.sqrt(x * x - 1.0))
_ufunc("arctanh", lambda g, y, x: g / (1.0 - x * x))
_ufunc("exp", lambda g, y, x: g * y)
_ufunc("exp2", lambda g, y, x: g * y * np.log(2.0))
_ufunc("expm1", lambda g, y, x: g * (y + 1.0))
_ufunc("log", lambda g, y, x: g / x)
_ufunc("log2", lambda g, y, x: g / (x * np.log(2.0)))
_ufunc("log10", lambda g, y, x: g / (x * np.log(10.0)))
_ufunc("log1p", lambda g, y, x: g / (1.0 + x))
_ufunc("sqrt", lambda g, y, x: g * 0.5 / y)
_ufunc("cbrt", lambda g, y, x: g / (3.0 * y * y))
_ufunc("square", lambda g, y, x: 2.0 * g * x)
_ufunc("reciprocal", lambda g, y, x: -g * y * y)
_ufunc("abs", lambda g, y, x: g * np.sign(x), typer=_magnitude)
_ufunc("absolute", lambda g, y, x: g * np.sign(x), typer=_magnitude)
_ufunc("negative", lambda g, y, x: -g, typer=same_dtype)
_ufunc("sign", typer=same_dtype, nondiff=True, complex=REAL)  # sign(z) = z / |z| is not piecewise constant
_ufunc("floor", nondiff=True)
_ufunc("ceil", nondiff=True)
_ufunc("round", nondiff=True)
_ufunc("isnan", typer=to_bool, nondiff=True)
_ufunc("fabs", lambda g, y, x: g * np.sign(x))  # real arguments only, as in NumPy
# the derivative passes where x is finite; nan and inf are replaced by constants
_ufunc("nan_to_num", lambda g, y, x: g * np.isfinite(x), typer=lambda x: T(x.dtype, x.ndim))

# ---------------------------------------------------------------- elementwise, two arguments

_ufunc("arctan2", lambda g, y, a, b: (g * b / (a * a + b * b), -g * a / (a * a + b * b)), broadcasting=True)
_ufunc("hypot", lambda g, y, a, b: (g * a / y, g * b / y), broadcasting=True)
_ufunc("power", lambda g, y, a, b: (g * b * a ** (b - 1), g * y * np.log(a)), typer=same_dtype, broadcasting=True)
_ufunc("maximum", lambda g, y, a, b: (g * (a >= b), g * (a < b)), typer=same_dtype, broadcasting=True)
_ufunc("minimum", lambda g, y, a, b: (g * (a <= b), g * (a > b)), typer=same_dtype, broadcasting=True)

# ---------------------------------------------------------------- reductions and products

defrule("np.sum", np.sum, typer=reduction)
defrule("np.mean", np.mean, typer=inexact)


# a reduction of a number is the number itself (NumPy reduces a 0-d value to itself)
def _number(x, *rest):
    return x.ndim == 0


for _key in ("np.sum", "np.mean"):
    vjp(_key, when=_number)(lambda g, y, x: g)


@vjp("np.sum")
def _(g, y, x):
    return np.full_like(x, g)


@vjp("np.mean")
def _(g, y, x):
    return np.full_like(x, g / x.size)


jvp("np.sum")(lambda y, x, dx: np.sum(dx))
jvp("np.mean")(lambda y, x, dx: np.mean(dx))


defrule("np.transpose", np.transpose, typer=first)


@vjp("np.transpose")
def _(g, y, x):
    return np.transpose(g)


jvp("np.transpose")(lambda y, x, dx: np.transpose(dx))


# ---------------------------------------------------------------- construction

def _shape_rank(shape):
    return len(shape.elems) if hasattr(shape, "elems") else 1


def _alloc(shape):
    return T("float64", _shape_rank(shape))


defrule("np.zeros", np.zeros, typer=_alloc, nondiff=True)
defrule("np.ones", np.ones, typer=_alloc, nondiff=True)
defrule("np.empty", np.empty, typer=_alloc, nondiff=True)
defrule("np.zeros_like", np.zeros_like, typer=first, nondiff=True)
defrule("np.ones_like", np.ones_like, typer=first, nondiff=True)
defrule("np.empty_like", np.empty_like, typer=first, nondiff=True)
defrule("np.full_like", np.full_like, typer=first)
defrule("np.copy", np.copy, typer=first)


@vjp("np.copy")
def _(g, y, x):
    return g


jvp("np.copy")(lambda y, x, dx: np.copy(dx))
vjp("np.full_like")(lambda g, y, x, v: (np.zeros_like(x), np.sum(g)))
jvp("np.full_like")(lambda y, x, v, dx, dv: (np.zeros_like(x), np.full_like(x, dv)))


# ---------------------------------------------------------------- runtime helpers the reverse pass calls

defrule("rt.unbroadcast", rt.unbroadcast, typer=lambda c, x: x)
jvp("rt.unbroadcast")(lambda y, c, x, dc, dx: (rt.unbroadcast(dc, x), np.zeros_like(x)))
defrule("rt.dot_t", rt.dot_t, typer=lambda w, g: T(same_dtype(w, g).dtype, 1))  # codegen's alone (fuse.py)
defrule("rt.add_outer", rt.add_outer, typer=lambda buf, a, b: None, pure=False, scatter=True)  # codegen's alone
defrule("rt.unbroadcast_to", rt.unbroadcast_to, typer=lambda c, shape: T(c.dtype, len(shape.elems)))
jvp("rt.unbroadcast_to")(lambda y, c, shape, dc, dshape: (rt.unbroadcast_to(dc, shape), 0))
defrule("rt.range_len", typer=lambda *t: T("int64"), nondiff=True)
defrule("rt.range_last", typer=lambda *t: T("int64"), nondiff=True)
defrule("rt.check_tag", typer=lambda *t: None, nondiff=True, pure=False)
defrule("rt.stop_gradient", rt.stop_gradient, typer=lambda t: t, nondiff=True)
defrule("rt.seed_count", rt.seed_count, typer=lambda *t: T("int64"), nondiff=True)
defrule("rt.basis", rt.basis, typer=lambda like, k: T("float64", like.ndim), nondiff=True)
for _name in ("checkpoints", "online_checkpoints", "ckpt_advance", "ckpt_close", "ckpt_due", "ckpt_first", "ckpt_held", "ckpt_hold",
              "ckpt_peak", "ckpt_position", "ckpt_report", "ckpt_store", "ckpt_thin", "ckpt_top", "ckpt_turned"):
    # a checkpointed loop's schedule (adc_runtime.checkpoint): an int64 array, and int answers
    defrule("rt." + _name, typer=lambda *t, _n=_name: T("int64", 1 if _n.endswith("checkpoints") else 0), nondiff=True,
            pure=False)
defrule("rt.ckpt_trip", typer=lambda *t: T("int64"), nondiff=True)
# adc.odeint(adjoint="backsolve"): how far the state integrated back misses a row, in tolerances; the warning
defrule("rt.backsolve_miss", rt.backsolve_miss, typer=lambda *t: T("float64"), nondiff=True)
defrule("rt.backsolve_warn", rt.backsolve_warn, typer=lambda *t: T("float64"), nondiff=True, pure=False)
defrule("rt.put_row", rt.put_row, typer=lambda rows, k, n, row: T("float64", row.ndim + 1), nondiff=True, pure=False)


# ---------------------------------------------------------------- reductions with axis= and keepdims=
# np.sum(x, axis=a) is lowered to rt.sum_axis(x, a) (a runtime helper, since Numba has no axis= on most
# reductions); keepdims=True adds rt.expand_axis(y, a). Arrays of rank 1, 2 and 3.

def _reduced(x, axis):
    if x.ndim not in (1, 2, 3):
        raise AdcTypeError(f"reductions with axis= take arrays of 1, 2 or 3 dimensions here, not {x}")
    return T(float_of(x), x.ndim - 1)


def _real_reduced(x, axis):
    return T("float64", _reduced(x, axis).ndim)  # var, std: real for complex arrays too


def _axes_of(x, axes):
    """The type of an axis of a reduction over the tuple `axes` of x's (rt.nth_axis)."""
    if len(axes.elems) > x.ndim:
        raise AdcTypeError(f"axis= names {len(axes.elems)} axes of {x}, which has {x.ndim} (NumPy raises)")
    return T("int64")


def _expanded(y, axis):
    return T(y.dtype if y.ndim or y.dtype == "complex128" else "float64", y.ndim + 1)


for _name in ("sum", "mean", "prod", "max", "min"):
    defrule(f"rt.{_name}_axis", getattr(rt, f"{_name}_axis"), typer=_reduced, shown=f"np.{_name}(..., axis=...)")
defrule("rt.expand_axis", rt.expand_axis, typer=_expanded, shown="np.expand_dims")
defrule("rt.keep_all", rt.keep_all, typer=lambda y, x: T(y.dtype if y.dtype == "complex128" else "float64", x.ndim),
        linear=True, shown="a whole-array reduction with keepdims=True")
def _squeezed(g, axis):
    if isinstance(axis, TupleT) or axis.ndim or axis.dtype != "int64" or not g.ndim:
        raise AdcTypeError(f"np.squeeze of {g} takes an axis (or a tuple of them written out) of an array here")
    return T(g.dtype, g.ndim - 1)


defrule("rt.squeeze_axis", rt.squeeze_axis, typer=_squeezed, shown="np.squeeze")
defrule("rt.spread", rt.spread, typer=lambda g, x, axis: T(float_of(g), x.ndim))
defrule("rt.nth_axis", rt.nth_axis, typer=lambda x, axes, k: _axes_of(x, axes), nondiff=True, shown="a tuple of axes")
defrule("rt.tie_share", rt.tie_share, typer=lambda x, y, axis: T("float64", x.ndim), nondiff=True)

vjp("rt.sum_axis")(lambda g, y, x, axis: (rt.spread(g, x, axis), 0))
vjp("rt.mean_axis")(lambda g, y, x, axis: (rt.spread(g, x, axis) / x.shape[axis], 0))
vjp("rt.prod_axis")(lambda g, y, x, axis: (rt.spread(g * y, x, axis) / x, 0))
vjp("rt.max_axis")(lambda g, y, x, axis: (rt.spread(g, x, axis) * rt.tie_share(x, y, axis), 0))
vjp("rt.min_axis")(lambda g, y, x, axis: (rt.spread(g, x, axis) * rt.tie_share(x, y, axis), 0))
vjp("rt.expand_axis")(lambda g, y, v, axis: (rt.squeeze_axis(g, axis), 0))
vjp("rt.keep_all")(lambda g, out, y, x: (np.sum(g), np.zeros_like(x)))
jvp("rt.keep_all")(lambda out, y, x, dy, dx: rt.keep_all(dy, x))
vjp("rt.squeeze_axis")(lambda g, y, v, axis: (rt.expand_axis(g, axis), 0))
vjp("rt.spread")(lambda g, y, v, x, axis: (rt.sum_axis(g, axis), 0, 0))
jvp("rt.sum_axis")(lambda y, x, axis, dx, daxis: (rt.sum_axis(dx, axis), 0))
jvp("rt.mean_axis")(lambda y, x, axis, dx, daxis: (rt.mean_axis(dx, axis), 0))
jvp("rt.prod_axis")(lambda y, x, axis, dx, daxis: (y * rt.sum_axis(dx / x, axis), 0))
jvp("rt.max_axis")(lambda y, x, axis, dx, daxis: (rt.sum_axis(dx * rt.tie_share(x, y, axis), axis), 0))
jvp("rt.min_axis")(lambda y, x, axis, dx, daxis: (rt.sum_axis(dx * rt.tie_share(x, y, axis), axis), 0))
jvp("rt.expand_axis")(lambda y, v, axis, dv, daxis: (rt.expand_axis(dv, axis), 0))
jvp("rt.squeeze_axis")(lambda y, v, axis, dv, daxis: (rt.squeeze_axis(dv, axis), 0))
jvp("rt.spread")(lambda y, g, x, axis, dg, dx, daxis: (rt.spread(dg, x, axis), 0, 0))

# whole-array max, min, prod (ties share the derivative equally, as in autograd)
defrule("np.max", np.max, np.amax, typer=reduction)
defrule("np.min", np.min, np.amin, typer=reduction)
defrule("np.prod", np.prod, typer=reduction)
for _key in ("np.max", "np.min", "np.prod"):
    vjp(_key, when=_number)(lambda g, y, x: g)
    jvp(_key, when=_number)(lambda y, x, dx: dx)
vjp("np.max")(lambda g, y, x: g * (x == y) / np.sum(x == y))
vjp("np.min")(lambda g, y, x: g * (x == y) / np.sum(x == y))
vjp("np.prod")(lambda g, y, x: g * y / x)
jvp("np.max")(lambda y, x, dx: np.sum(dx * (x == y)) / np.sum(x == y))
jvp("np.min")(lambda y, x, dx: np.sum(dx * (x == y)) / np.sum(x == y))
jvp("np.prod")(lambda y, x, dx: y * np.sum(dx / x))


# ---------------------------------------------------------------- more elementwise functions

_ufunc("add", lambda g, y, a, b: (g, g), typer=same_dtype, broadcasting=True)
_ufunc("subtract", lambda g, y, a, b: (g, -g), typer=same_dtype, broadcasting=True)
_ufunc("multiply", lambda g, y, a, b: (g * b, g * a), typer=same_dtype, broadcasting=True)
_ufunc("divide", lambda g, y, a, b: (g / b, -g * y / b), broadcasting=True)
_ufunc("true_divide", lambda g, y, a, b: (g / b, -g * y / b), broadcasting=True)
_ufunc("fmax", lambda g, y, a, b: (g * (a >= b), g * (a < b)), typer=same_dtype, broadcasting=True)
_ufunc("fmin", lambda g, y, a, b: (g * (a <= b), g * (a > b)), typer=same_dtype, broadcasting=True)
_ufunc("logaddexp", lambda g, y, a, b: (g * np.exp(a - y), g * np.exp(b - y)), broadcasting=True)
_ufunc("logaddexp2", lambda g, y, a, b: (g * np.exp2(a - y), g * np.exp2(b - y)), broadcasting=True)
_ufunc("deg2rad", lambda g, y, x: g * 0.017453292519943295)
_ufunc("rad2deg", lambda g, y, x: g * 57.29577951308232)
_ufunc("radians", lambda g, y, x: g * 0.017453292519943295)
_ufunc("degrees", lambda g, y, x: g * 57.29577951308232)
_ufunc("positive", lambda g, y, x: g, typer=same_dtype)
_ufunc("trunc", nondiff=True)
_ufunc("rint", nondiff=True)
_ufunc("fix", nondiff=True)
_ufunc("floor_divide", typer=same_dtype, nondiff=True, broadcasting=True)
_ufunc("isfinite", typer=to_bool, nondiff=True)
_ufunc("isinf", typer=to_bool, nondiff=True)
_ufunc("signbit", typer=to_bool, nondiff=True)


def _select_type(c, a, b):
    return T(same_dtype(a, b).dtype if same_dtype(a, b).dtype != "int64" else "float64",
             max(c.ndim, a.ndim, b.ndim))


defrule("np.where", np.where, typer=_select_type, broadcasting=True, elementwise=True)
vjp("np.where")(lambda g, y, c, a, b: (0, g * c, g * (1 - c)))
defrule("np.clip", np.clip, typer=lambda x, lo, hi: T("float64", x.ndim), broadcasting=True, elementwise=True)
vjp("np.clip")(lambda g, y, x, lo, hi: (g * (x >= lo) * (x <= hi), g * (x < lo), g * (x > hi)))

defrule("np.argmax", np.argmax, typer=lambda x: T("int64"), nondiff=True)
defrule("np.argmin", np.argmin, typer=lambda x: T("int64"), nondiff=True)

def _of_array(name, typer):
    """`typer` for a function that adc takes on arrays only (Numba's reading of it on a number is not NumPy's)."""
    def check(x, *rest):
        if x.ndim == 0:
            raise AdcTypeError(f"{name} of a number ({x}): NumPy makes a 1-element array of it; write np.array([x])")
        return typer(x, *rest)
    return check


defrule("np.cumsum", np.cumsum, typer=_of_array("np.cumsum", lambda x: T(float_of(x), 1)))


def _no_flattening(x):
    raise AdcTypeError("np.cumprod takes 1-D arrays here; flatten first: np.cumprod(x.ravel())")
vjp("np.cumsum", when=lambda x: x.ndim == 1)(lambda g, y, x: np.cumsum(g[::-1])[::-1])
vjp("np.cumsum", when=lambda x: x.ndim == 2)(lambda g, y, x: rt.reshape(np.cumsum(g[::-1])[::-1], x.shape))
jvp("np.cumsum")(lambda y, x, dx: np.cumsum(dx))


def _cumsum_axis_type(x, axis):
    if x.ndim not in (1, 2) or x.dtype not in ("float64", "complex128"):
        raise AdcTypeError(f"np.cumsum with axis= takes float or complex arrays of 1 or 2 dimensions here, not {x}; "
                           "convert with x.astype(float)")
    return T(x.dtype, x.ndim)


# np.cumsum(x, axis=a): the adjoint sums the cotangent from the end of the axis
defrule("rt.cumsum_axis", rt.cumsum_axis, typer=_cumsum_axis_type, linear=True, shown="np.cumsum(..., axis=...)")
vjp("rt.cumsum_axis")(lambda g, y, x, axis: (rt.flip(rt.cumsum_axis(rt.flip(g, axis), axis), axis), 0))

defrule("np.linalg.norm", np.linalg.norm, typer=lambda x: T("float64"))
vjp("np.linalg.norm", when=_number)(lambda g, y, x: g * np.sign(x))
vjp("np.linalg.norm")(lambda g, y, x: g * x / y)
jvp("np.linalg.norm")(lambda y, x, dx: np.sum(x * dx) / y)


# ---------------------------------------------------------------- spread, cumulative products, more ufuncs

defrule("np.var", np.var, typer=lambda x: T("float64"))
defrule("np.std", np.std, typer=lambda x: T("float64"))
for _key in ("np.var", "np.std"):  # the spread of a number is 0
    vjp(_key, when=_number)(lambda g, y, x: 0.0 * g)
    jvp(_key, when=_number)(lambda y, x, dx: 0.0 * dx)
vjp("np.var")(lambda g, y, x: g * 2.0 * (x - np.mean(x)) / x.size)
vjp("np.std")(lambda g, y, x: g * (x - np.mean(x)) / (x.size * y))
jvp("np.var")(lambda y, x, dx: 2.0 * np.mean((x - np.mean(x)) * dx))
jvp("np.std")(lambda y, x, dx: np.mean((x - np.mean(x)) * dx) / y)
for _name in ("var", "std"):
    defrule(f"rt.{_name}_axis", getattr(rt, f"{_name}_axis"), typer=_real_reduced, shown=f"np.{_name}(..., axis=...)")
vjp("rt.var_axis")(lambda g, y, x, axis: (
    rt.spread(g, x, axis) * 2.0 * (x - rt.expand_axis(rt.mean_axis(x, axis), axis)) / x.shape[axis], 0))
vjp("rt.std_axis")(lambda g, y, x, axis: (
    rt.spread(g / y, x, axis) * (x - rt.expand_axis(rt.mean_axis(x, axis), axis)) / x.shape[axis], 0))
jvp("rt.var_axis")(lambda y, x, axis, dx, daxis: (
    2.0 * rt.mean_axis((x - rt.expand_axis(rt.mean_axis(x, axis), axis)) * dx, axis), 0))
jvp("rt.std_axis")(lambda y, x, axis, dx, daxis: (
    rt.mean_axis((x - rt.expand_axis(rt.mean_axis(x, axis), axis)) * dx, axis) / y, 0))

defrule("np.cumprod", np.cumprod, typer=_of_array("np.cumprod", lambda x: T(float_of(x), 1 if x.ndim == 1 else _no_flattening(x))))
vjp("np.cumprod", when=lambda x: x.ndim == 1)(lambda g, y, x: np.cumsum((g * y)[::-1])[::-1] / x)
jvp("np.cumprod")(lambda y, x, dx: y * np.cumsum(dx / x))
BY_OBJECT[id(np.average)] = "np.mean"

_ufunc("sinc", lambda g, y, x: g * (np.cos(3.141592653589793 * x) - y) / (x + (x == 0.0)))
_ufunc("fmod", lambda g, y, a, b: (g, -g * np.trunc(a / b)), broadcasting=True)
_ufunc("remainder", lambda g, y, a, b: (g, -g * np.floor(a / b)), broadcasting=True)
_ufunc("mod", lambda g, y, a, b: (g, -g * np.floor(a / b)), broadcasting=True)
_ufunc("copysign", lambda g, y, a, b: (g * np.sign(a) * np.sign(y), 0.0 * g), broadcasting=True)
_ufunc("float_power", lambda g, y, a, b: (g * b * a ** (b - 1), g * y * np.log(a)), broadcasting=True)
for _name in ("greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and",
              "logical_or", "logical_xor"):
    _ufunc(_name, typer=to_bool, nondiff=True, broadcasting=True)
_ufunc("logical_not", typer=to_bool, nondiff=True)

# ---------------------------------------------------------------- constants and ranges

def _numbers(n, *xs):
    """np.array of numbers written out, or of arrays of one rank (their stack, as np.stack makes it)."""
    ranks = {x.ndim for x in xs}
    if len(ranks) > 1:
        raise AdcTypeError(f"np.array of a list that mixes numbers and arrays, or arrays of different ranks "
                           f"({', '.join(map(str, xs))}): NumPy takes a list of numbers, or of arrays of one shape. "
                           "hint: np.concatenate((a, np.array([x]))) joins them, np.stack([x, y]) stacks arrays")
    return T(float_of(*xs), ranks.pop() + 1)


defrule("rt.array_zeros", rt.array_zeros, typer=_numbers, nondiff=True, shown="np.array")
defrule("rt.element", rt.element, typer=lambda v, arr: T(arr.dtype, v.ndim), complex=HOLOMORPHIC, shown="np.array")
vjp("rt.element")(lambda g, y, v, arr: (g, 0.0 * g))
jvp("rt.element")(lambda y, v, arr, dv, darr: (dv, 0.0 * y))
defrule("np.eye", np.eye, typer=lambda n: T("float64", 2), nondiff=True)
defrule("np.identity", np.identity, typer=lambda n: T("float64", 2), nondiff=True)
# arange and linspace are affine in their float arguments: start + k * step, start + t_k * (stop - start)
# (their length is piecewise constant in them). arange(stop) is 0, 1, 2, ...: no derivative.
defrule("np.arange", np.arange, typer=lambda *t: T(same_dtype(*t).dtype, 1))
vjp("np.arange", when=lambda *t: len(t) == 1)(lambda g, y, stop: 0.0 * np.sum(g))
vjp("np.arange", when=lambda *t: len(t) == 2)(lambda g, y, start, stop: (np.sum(g), 0.0 * np.sum(g)))
vjp("np.arange", when=lambda *t: len(t) == 3)(lambda g, y, start, stop, step: (
    np.sum(g), 0.0 * np.sum(g), np.sum(g * np.arange(y.shape[0]))))
jvp("np.arange", when=lambda *t: len(t) == 1)(lambda y, stop, dstop: 0.0 * y)
jvp("np.arange", when=lambda *t: len(t) == 2)(lambda y, start, stop, dstart, dstop: (dstart + 0.0 * y, 0.0 * y))
jvp("np.arange", when=lambda *t: len(t) == 3)(lambda y, start, stop, step, dstart, dstop, dstep: (
    dstart + 0.0 * y, 0.0 * y, dstep * np.arange(y.shape[0])))

# np.linspace(a, b, num, endpoint) is lowered to np.linspace(a, b, num) or rt.linspace_open(a, b, num)
for _key, _weights in (("np.linspace", np.linspace), ("rt.linspace_open", rt.linspace_open)):
    defrule(_key, _weights, typer=lambda a, b, n: T(float_of(a, b), 1), complex=HOLOMORPHIC, shown="np.linspace")
vjp("np.linspace")(lambda g, y, a, b, n: (np.sum(g * (1.0 - np.linspace(0.0, 1.0, n))),
                                          np.sum(g * np.linspace(0.0, 1.0, n)), 0))
jvp("np.linspace")(lambda y, a, b, n, da, db, dn: (da * (1.0 - np.linspace(0.0, 1.0, n)), db * np.linspace(0.0, 1.0, n), 0))
vjp("rt.linspace_open")(lambda g, y, a, b, n: (np.sum(g * (1.0 - rt.linspace_open(0.0, 1.0, n))),
                                               np.sum(g * rt.linspace_open(0.0, 1.0, n)), 0))
jvp("rt.linspace_open")(lambda y, a, b, n, da, db, dn: (da * (1.0 - rt.linspace_open(0.0, 1.0, n)),
                                                        db * rt.linspace_open(0.0, 1.0, n), 0))
defrule("np.full", np.full, typer=lambda shape, v: T(v.dtype if v.dtype != "int64" else "float64", _shape_rank(shape)))
vjp("np.full")(lambda g, y, shape, v: (0, np.sum(g)))
jvp("np.full")(lambda y, shape, v, dshape, dv: (0, np.full(y.shape, dv)))
