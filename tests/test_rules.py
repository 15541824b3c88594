"""The rule table: one line per differentiable NumPy/math rule, through the one harness, in
reverse and forward mode and at order 2, on both backends (so each rule compiles under Numba),
with broadcasting cases."""
import math

import autograd.numpy as anp
import numpy as np
import pytest

from harness import check_grads

R = np.random.default_rng(11)
P = R.uniform(0.2, 0.9, 4)        # in (0, 1): every function below is defined and smooth here
Q = R.uniform(0.2, 0.9, 4)
M = R.uniform(0.2, 0.9, (3, 4))
S = 0.6

RULES = [
    ("np.sin", lambda x: np.sum(np.sin(x)), (P,)),
    ("np.cos", lambda x: np.sum(np.cos(x)), (P,)),
    ("np.tan", lambda x: np.sum(np.tan(x)), (P,)),
    ("np.arcsin", lambda x: np.sum(np.arcsin(x)), (P,)),
    ("np.arccos", lambda x: np.sum(np.arccos(x)), (P,)),
    ("np.arctan", lambda x: np.sum(np.arctan(x)), (P,)),
    ("np.sinh", lambda x: np.sum(np.sinh(x)), (P,)),
    ("np.cosh", lambda x: np.sum(np.cosh(x)), (P,)),
    ("np.tanh", lambda x: np.sum(np.tanh(x)), (P,)),
    ("np.arcsinh", lambda x: np.sum(np.arcsinh(x)), (P,)),
    ("np.arccosh", lambda x: np.sum(np.arccosh(x + 1.5)), (P,)),
    ("np.arctanh", lambda x: np.sum(np.arctanh(x)), (P,)),
    ("np.exp", lambda x: np.sum(np.exp(x)), (P,)),
    ("np.exp2", lambda x: np.sum(np.exp2(x)), (P,)),
    ("np.expm1", lambda x: np.sum(np.expm1(x)), (P,)),
    ("np.log", lambda x: np.sum(np.log(x)), (P,)),
    ("np.log2", lambda x: np.sum(np.log2(x)), (P,)),
    ("np.log10", lambda x: np.sum(np.log10(x)), (P,)),
    ("np.log1p", lambda x: np.sum(np.log1p(x)), (P,)),
    ("np.sqrt", lambda x: np.sum(np.sqrt(x)), (P,)),
    ("np.cbrt", lambda x: np.sum(np.cbrt(x)), (P,), lambda x: anp.sum(x ** (1.0 / 3.0))),
    ("np.square", lambda x: np.sum(np.square(x)), (P,)),
    ("np.reciprocal", lambda x: np.sum(np.reciprocal(x)), (P,)),
    ("np.abs", lambda x: np.sum(np.abs(x - 0.5)), (P,)),
    ("np.negative", lambda x: np.sum(np.negative(x) * x), (P,)),
    ("np.deg2rad", lambda x: np.sum(np.deg2rad(x) * x), (P,)),
    ("np.rad2deg", lambda x: np.sum(np.rad2deg(x) * x), (P,)),
    ("np.arctan2", lambda x, y: np.sum(np.arctan2(x, y)), (P, Q)),
    ("np.arctan2 broadcast", lambda x, y: np.sum(np.arctan2(x, y)), (M, Q)),
    ("np.hypot", lambda x, y: np.sum(np.hypot(x, y)), (P, Q)),
    ("np.power", lambda x, y: np.sum(np.power(x, y)), (P, Q)),
    ("np.power scalar", lambda x, y: np.sum(np.power(x, y)), (P, S)),
    ("np.maximum", lambda x, y: np.sum(np.maximum(x, y)), (P, Q)),
    ("np.minimum", lambda x, y: np.sum(np.minimum(x, y)), (P, Q)),
    ("np.fmax", lambda x, y: np.sum(np.fmax(x, y)), (P, Q)),
    ("np.fmin", lambda x, y: np.sum(np.fmin(x, y)), (P, Q)),
    ("np.logaddexp", lambda x, y: np.sum(np.logaddexp(x, y)), (P, Q)),
    ("np.logaddexp2", lambda x, y: np.sum(np.logaddexp2(x, y)), (P, Q)),
    ("np.add broadcast", lambda x, y: np.sum(np.add(x, y) ** 2), (M, Q)),
    ("np.subtract", lambda x, y: np.sum(np.subtract(x, y) ** 2), (P, Q)),
    ("np.multiply broadcast", lambda x, y: np.sum(np.multiply(x, y) ** 2), (M, S)),
    ("np.divide", lambda x, y: np.sum(np.divide(x, y)), (P, Q)),
    ("np.where", lambda x, y: np.sum(np.where(x > 0.5, x * y, y * y)), (P, Q)),
    ("np.clip", lambda x: np.sum(np.clip(x, 0.3, 0.7) * x), (P,)),
    ("np.sum axis", lambda a: np.sum(np.sum(a, axis=1) ** 2), (M,)),
    ("np.mean axis keepdims", lambda a: np.sum(np.mean(a, axis=0, keepdims=True) * a), (M,)),
    ("np.prod", lambda x: np.prod(x), (P,)),
    ("np.max", lambda x: np.max(x * x), (P,)),
    ("np.min axis", lambda a: np.sum(np.min(a, axis=1) ** 2), (M,)),
    ("np.cumsum", lambda x: np.sum(np.cumsum(x) ** 2), (P,)),
    ("np.dot", lambda a, x: np.sum(np.dot(a, x) ** 2), (M, P)),
    ("np.outer", lambda x, y: np.sum(np.outer(x, y) ** 2), (P, Q)),
    ("np.transpose", lambda a: np.sum(np.transpose(a) * M.T), (M,)),
    ("np.linalg.norm", lambda x: np.linalg.norm(x), (P,)),
    ("math.sin", lambda x: math.sin(x), (S,)),
    ("math.cos", lambda x: math.cos(x), (S,)),
    ("math.tan", lambda x: math.tan(x), (S,)),
    ("math.asin", lambda x: math.asin(x), (S,)),
    ("math.acos", lambda x: math.acos(x), (S,)),
    ("math.atan", lambda x: math.atan(x), (S,)),
    ("math.sinh", lambda x: math.sinh(x), (S,)),
    ("math.cosh", lambda x: math.cosh(x), (S,)),
    ("math.tanh", lambda x: math.tanh(x), (S,)),
    ("math.asinh", lambda x: math.asinh(x), (S,)),
    ("math.acosh", lambda x: math.acosh(x + 1.5), (S,)),
    ("math.atanh", lambda x: math.atanh(x), (S,)),
    ("math.exp", lambda x: math.exp(x), (S,)),
    ("math.expm1", lambda x: math.expm1(x), (S,)),
    ("math.log", lambda x: math.log(x), (S,)),
    ("math.log1p", lambda x: math.log1p(x), (S,)),
    ("math.log2", lambda x: math.log2(x), (S,)),
    ("math.log10", lambda x: math.log10(x), (S,)),
    ("math.sqrt", lambda x: math.sqrt(x), (S,)),
    ("math.fabs", lambda x: math.fabs(x - 0.3), (S,)),
    ("math.erf", lambda x: math.erf(x), (S,)),
    ("math.atan2", lambda x: math.atan2(x, 0.4), (S,)),
    ("math.hypot", lambda x: math.hypot(x, 0.4), (S,)),
    ("math.pow", lambda x: math.pow(x, 2.5), (S,)),
    ("abs min max", lambda x: abs(x - 1.0) * max(x, 0.2) + min(x, 0.3), (S,)),
    ("% //", lambda x: x % 0.25 + x // 0.25 * x, (S,), lambda x: x % 0.25 + anp.floor(x / 0.25) * x),
]


@pytest.mark.parametrize("rule", RULES, ids=[r[0] for r in RULES])
def test_rule(rule):
    name, f, args = rule[:3]
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt if len(wrt) > 1 else 0, ag=rule[3] if len(rule) > 3 else None)
