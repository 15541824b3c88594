"""The rule table: one line per differentiable NumPy/math rule, through the one harness, in
reverse and forward mode and at order 2, on both backends (so each rule compiles under Numba),
with broadcasting cases."""
import math
import operator

import autograd.numpy as anp
import numpy as np
import pytest

import adc
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

IDX = np.array([2, 0, 2, 1])
SQ = np.eye(4) * 2.0 + R.uniform(-0.3, 0.3, (4, 4))
V3 = R.uniform(0.2, 0.9, 3)
M3 = R.uniform(0.2, 0.9, (2, 3))
W6 = np.arange(6.0)
pytestmark = pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated:DeprecationWarning")  # still NumPy's


def _cumprod_ag(x):
    return anp.array([anp.prod(x[:k + 1]) for k in range(x.shape[0])])


def _cross_ag(a, b):
    return anp.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1], a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                      a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


# Lines checked on the python backend, each at order 2; `FAMILIES` below compiles them under Numba in groups
# (one Numba compile per mode and family keeps the suite's time in bounds).
ARRAY_RULES = [
    ("np.reshape", lambda a: np.sum(np.reshape(a, (4, 3)) ** 3), (M,)),
    ("x.reshape", lambda a: np.sum(a.reshape(2, 6) ** 3 * np.arange(12.0).reshape(2, 6)), (M,)),
    ("np.ravel x.flatten", lambda a: np.sum(np.sin(np.ravel(a)) * a.flatten()), (M,)),
    ("np.concatenate", lambda x, y: np.sum(np.concatenate((x, y * 2.0, x)) ** 3), (P, Q)),
    ("np.concatenate axis=1", lambda a: np.sum(np.concatenate([a, a * a], axis=1) ** 2), (M,)),
    ("np.stack", lambda x, y: np.sum(np.stack((x, y), axis=1) ** 3), (P, Q)),
    ("np.hstack", lambda x, y: np.sum(np.hstack((x, y)) ** 3 * np.arange(8.0)), (P, Q)),
    ("np.vstack", lambda x, y: np.sum(np.vstack((x, y)) ** 3 * np.arange(4.0)), (P, Q)),
    ("np.tile", lambda x: np.sum(np.tile(x, 3) ** 3 * np.arange(12.0)), (P,)),
    ("np.repeat", lambda x: np.sum(np.repeat(x, 2) ** 3 * np.arange(8.0)), (P,)),
    ("np.flip", lambda x: np.sum(np.flip(x) * np.arange(4.0) * x), (P,),
     lambda x: anp.sum(x[::-1] * anp.arange(4.0) * x)),
    ("np.flip axis", lambda a: np.sum(np.flip(a, axis=1) * a), (M,), lambda a: anp.sum(a[:, ::-1] * a)),
    ("np.fliplr np.flipud", lambda a: np.sum(np.fliplr(a) * np.flipud(a) * a), (M,),
     lambda a: anp.sum(a[:, ::-1] * a[::-1] * a)),
    ("np.roll", lambda x: np.sum(np.roll(x, 1) * np.arange(4.0) * x), (P,)),
    ("np.diag", lambda x: np.sum(np.diag(x) ** 2 + np.diag(np.outer(x, x) ** 2)), (P,)),
    ("np.diag of a matrix that is not square", lambda a: np.sum(np.diag(a, 1) ** 2) + np.sum(np.diag(a, -1) ** 3)
     + np.sum(np.diag(a) ** 2),
     (M,), lambda a: anp.sum(a[[0, 1, 2], [1, 2, 3]] ** 2) + anp.sum(a[[1, 2], [0, 1]] ** 3)
     + anp.sum(a[[0, 1, 2], [0, 1, 2]] ** 2)),  # autograd's own np.diag adjoint is square here
    ("np.triu np.tril", lambda a: np.sum(np.triu(np.dot(a.T, a), 1) ** 2) + np.sum(np.tril(a) ** 3), (M,)),
    ("np.expand_dims", lambda x: np.sum(np.expand_dims(x, 0) * M * x), (P,)),
    ("np.squeeze", lambda x: np.sum(np.squeeze(np.outer(x, np.ones(1)), axis=1) ** 3), (P,)),
    ("np.swapaxes", lambda a: np.sum(np.swapaxes(a, 0, 1) * M.T * a.T), (M,)),
    ("np.diff", lambda x: np.sum(np.diff(x * x) ** 2), (P,)),
    ("np.sort", lambda x: np.sum(np.sort(x) * np.arange(4.0) * x), (P,)),
    ("x[int array]", lambda x: np.sum(x[IDX] ** 3 * np.arange(4.0)), (P,)),
    ("x[mask]", lambda x: np.sum(x[x > 0.5] ** 3), (P,)),
    ("A[int array]", lambda a: np.sum(a[IDX[:2]] ** 3), (M,)),
    ("np.std np.var", lambda x: np.std(x) + np.var(x * x), (P,)),
    ("std var axis", lambda a: np.sum(np.std(a, axis=1)) + np.sum(np.var(a, axis=0) * 2.0), (M,)),
    ("cumsum axis", lambda a: np.sum(np.cumsum(a, axis=0) ** 2 * M) + np.sum(np.cumsum(a, axis=1) * M)
     + np.sum(a.cumsum(axis=-1) ** 3) + np.sum(np.cumsum(a[0], axis=0) ** 2), (M,)),
    ("std var ddof", lambda a: np.var(a, ddof=1) + np.std(a, ddof=2) + np.sum(np.var(a, axis=0, ddof=1))
     + np.sum(np.std(a, axis=1, ddof=1, keepdims=True) * a), (M,)),
    ("norm axis", lambda a: np.sum(np.linalg.norm(a, axis=1)) + np.sum(np.linalg.norm(a, axis=0, keepdims=True) * a),
     (M,), lambda a: anp.sum(anp.sqrt(anp.sum(a * a, axis=1))) + anp.sum(anp.sqrt(anp.sum(a * a, axis=0, keepdims=True)) * a)),
    ("np.trace of a matrix that is not square, offsets", lambda a: np.trace(a, offset=1) * np.trace(a) + np.trace(a, -1) ** 2
     + a.trace(offset=2), (M,)),
    ("x.std x.var x.clip", lambda a: a.std() + a.var() + a.clip(0.3, 0.7).sum() * a.sum(), (M,)),
    ("np.cumprod", lambda x: np.sum(np.cumprod(x) * np.arange(4.0)), (P,),
     lambda x: anp.sum(_cumprod_ag(x) * anp.arange(4.0))),
    ("x.cumsum", lambda a: np.sum(a.T.cumsum() * a.flatten()) + np.sum(a[0].cumsum() * a[1]), (M,)),
    ("np.inner", lambda a, b: np.sum(np.inner(a, b) ** 2), (M, M)),
    ("np.vdot", lambda x, y: np.vdot(x, y) ** 2, (P, Q), lambda x, y: anp.dot(x, y) ** 2),
    ("np.kron", lambda a: np.sum(np.kron(a, a.T) ** 2), (M,)),
    ("np.einsum", lambda a, b: np.sum(np.einsum("ij,kj->ik", a, b) ** 2) + np.einsum("ij,ij", a, b), (M, M)),
    ("np.einsum trace diag", lambda a: np.einsum("ii", a) * np.sum(np.einsum("ii->i", a) ** 2), (SQ,),
     lambda a: anp.trace(a) * anp.sum(anp.diag(a) ** 2)),  # autograd's einsum cannot differentiate "ii->i"
    ("np.tensordot", lambda a, x: np.sum(np.tensordot(a, x, axes=1) ** 2), (M, P)),
    ("np.sinc", lambda x: np.sum(np.sinc(x)), (P,)),
    ("np.fmod np.remainder", lambda x, y: np.sum(np.fmod(x, y * 0.3) + np.remainder(x, 0.3) * x), (P, Q),
     lambda x, y: anp.sum(x - anp.floor(x / (y * 0.3)) * y * 0.3 + (x - anp.floor(x / 0.3) * 0.3) * x)),
    ("np.copysign", lambda x: np.sum(np.copysign(x, -1.0) * x), (P,), lambda x: anp.sum(-anp.abs(x) * x)),
    ("np.float_power", lambda x, y: np.sum(np.float_power(x, y)), (P, Q), lambda x, y: anp.sum(x ** y)),
    ("np.full", lambda s: np.sum(np.full((2, 3), s) * np.arange(6.0).reshape(2, 3)) * s, (S,)),
    ("np.array", lambda s, x: np.sum(np.array([s, 2.0 * s, x[0] * s]) ** 2 * x[1:]), (S, P)),
    # construction from float arguments: linear in them, so the derivative is not zero
    ("np.linspace", lambda s: np.sum(np.linspace(s, 2.0 * s + 1.0, 5) ** 2) + np.sum(np.linspace(s, 3.0, 4, endpoint=False) ** 3),
     (S,), lambda s: anp.sum((s + (s + 1.0) * anp.arange(5) / 4.0) ** 2) + anp.sum((s + (3.0 - s) * anp.arange(4) / 4.0) ** 3)),
    ("np.arange of floats", lambda s: np.sum(np.arange(s, 3.0) ** 2) + np.sum(np.arange(0.1, 3.0, s) ** 3) * np.sum(np.arange(4.0)),
     (S,), lambda s: anp.sum((s + anp.arange(3)) ** 2) + anp.sum((0.1 + s * anp.arange(5)) ** 3) * 6.0),
    ("np.full_like", lambda s, x: np.sum(np.full_like(x, s) ** 2 * x), (S, P), lambda s, x: anp.sum(s ** 2 * x)),
    # reductions of a number are the number (std and var: 0), as in NumPy
    ("reductions of a number", lambda s: np.sum(s) * np.mean(s) + np.prod(s) * np.max(s) * np.min(s) + np.std(s)
     + np.var(s) + np.sum(np.ravel(s) ** 2), (S,), lambda s: 2.0 * s ** 2 + s ** 3),
    ("np.tile by a tuple", lambda a: np.sum(np.tile(a, (2, 1)) ** 3 * np.arange(24.0).reshape(6, 4))
     + np.sum(np.tile(a[0], (2, 3)) ** 2), (M,)),
    # NumPy as people write it (issue 12): promotions, splits, moving axes, keyword forms, numbers, Python's arithmetic
    ("np.atleast_1d 2d 3d", lambda x, s: np.sum(np.atleast_1d(x) ** 3) + np.sum(np.atleast_2d(x) ** 2 * M)
     + np.sum(np.atleast_3d(x) ** 3) + np.sum(np.atleast_1d(s) ** 2) * np.sum(np.atleast_2d(s) ** 3)
     + np.sum(np.atleast_3d(np.outer(x, x)) ** 2) + np.sum(np.atleast_2d(M * x) ** 3), (P, S)),
    ("np.atleast_2d of several", lambda x, a: np.sum(np.atleast_2d(x, a)[0] * np.atleast_2d(x, a)[1] ** 2), (P, M),
     lambda x, a: anp.sum(anp.reshape(x, (1, 4)) * a ** 2)),
    ("np.split count", lambda x: np.sum(np.split(x, 2)[0] ** 3 * np.split(x, 2)[1]), (P,)),
    ("np.split indices axis", lambda a: np.sum(np.split(a, [1, 3], axis=1)[1] ** 3) + np.sum(np.split(a, [1])[1] ** 2)
     + np.sum(np.split(a, [2, 1], axis=-1)[2] ** 2), (M,),
     lambda a: anp.sum(a[:, 1:3] ** 3) + anp.sum(a[1:] ** 2) + anp.sum(a[:, 1:] ** 2)),
    ("np.array_split", lambda x: np.sum(np.array_split(x, 3)[0] ** 3) + np.sum(np.array_split(x, 3)[2] ** 2 * 3.0)
     + np.sum(np.array_split(np.outer(x, x), 3, axis=1)[1] ** 2), (P,),
     lambda x: anp.sum(x[:2] ** 3) + anp.sum(x[3:] ** 2 * 3.0) + anp.sum(anp.outer(x, x)[:, 2:3] ** 2)),
    ("np.hsplit np.vsplit", lambda a, x: np.sum(np.hsplit(a, 2)[1] ** 3) + np.sum(np.vsplit(a, [1])[1] ** 2)
     + np.sum(np.hsplit(x, [1, 3])[1] ** 3), (M, P),
     lambda a, x: anp.sum(a[:, 2:] ** 3) + anp.sum(a[1:] ** 2) + anp.sum(x[1:3] ** 3)),
    ("np.column_stack np.row_stack", lambda x, a: np.sum(np.column_stack((x, a.T, x * x)) ** 3 * np.arange(20.0).reshape(4, 5))
     + np.sum(np.row_stack((x, a)) ** 2), (P, M),
     lambda x, a: anp.sum(anp.concatenate((x[:, None], a.T, (x * x)[:, None]), axis=1) ** 3 * anp.arange(20.0).reshape(4, 5))
     + anp.sum(anp.vstack((x, a)) ** 2)),
    ("np.rot90", lambda a: np.sum(np.rot90(a) * M.T * a.T) + np.sum(np.rot90(a, 2) ** 3 * M)
     + np.sum(np.rot90(a, k=-1) * M.T) + np.sum(np.rot90(a, 4) * a) + np.sum(np.rot90(a, 3) ** 2 * M.T), (M,)),
    ("np.append", lambda x, a: np.sum(np.append(x, x * x) ** 3 * np.arange(8.0)) + np.sum(np.append(a, a * a, axis=0) ** 2)
     + np.sum(np.append(a, x[:3]) ** 3) + np.sum(np.append(x, 2.0) ** 2) + np.sum(np.append(x, [x[0] * 2.0, 3.0]) ** 3),
     (P, M),
     lambda x, a: anp.sum(anp.concatenate((x, x * x)) ** 3 * anp.arange(8.0)) + anp.sum(anp.concatenate((a, a * a)) ** 2)
     + anp.sum(anp.concatenate((anp.ravel(a), x[:3])) ** 3) + anp.sum(anp.concatenate((x, anp.array([2.0]))) ** 2)
     + anp.sum(x ** 3) + (x[0] * 2.0) ** 3 + 27.0),
    ("np.fabs", lambda x: np.sum(np.fabs(x - 0.5) * x) + np.fabs(x[0] - 0.6), (P,), lambda x: anp.sum(anp.abs(x - 0.5) * x) + anp.abs(x[0] - 0.6)),
    ("np.moveaxis np.rollaxis", lambda a: np.sum(np.moveaxis(a, 0, -1) * M.T * a.T) + np.sum(np.rollaxis(a, 1) ** 3 * M.T)
     + np.sum(np.moveaxis(a, 1, 1) ** 2 * M) + np.sum(np.rollaxis(a, 1, 2) ** 2 * M), (M,),
     lambda a: anp.sum(a.T * M.T * a.T) + anp.sum(a.T ** 3 * M.T) + anp.sum(a ** 2 * M) + anp.sum(a ** 2 * M)),
    ("np.cross", lambda x, y: np.sum(np.cross(x, y) ** 2 * W6[:3]) + np.sum(np.cross(M3 * x, y) ** 3)
     + np.sum(np.cross(x, M3 * y) * M3), (V3, V3 * 0.5 + 0.1),
     lambda x, y: anp.sum(_cross_ag(x, y) ** 2 * anp.arange(3.0)) + anp.sum(_cross_ag(M3 * x, y) ** 3)
     + anp.sum(_cross_ag(x, M3 * y) * M3)),
    ("np.diagonal", lambda a: np.sum(np.diagonal(a) ** 2) + np.sum(np.diagonal(a, 1) ** 3) + np.sum(np.diagonal(a, offset=-1) ** 2)
     + np.sum(a.diagonal(2) ** 3) + np.sum(a.diagonal() * a[0, :3]), (M,),
     lambda a: anp.sum(a[[0, 1, 2], [0, 1, 2]] ** 2) + anp.sum(a[[0, 1, 2], [1, 2, 3]] ** 3) + anp.sum(a[[1, 2], [0, 1]] ** 2)
     + anp.sum(a[[0, 1], [2, 3]] ** 3) + anp.sum(a[[0, 1, 2], [0, 1, 2]] * a[0, :3])),
    ("np.nan_to_num np.real_if_close", lambda x: np.sum(np.nan_to_num(np.where(x > 0.6, x, np.nan)) * x) + np.sum(np.minimum(np.nan_to_num(np.where(x > 0.4, x, np.inf)), 2.0) * x) + np.sum(np.real_if_close(x * x) ** 2)
     + np.nan_to_num(x[0] * 2.0) ** 2, (P,), lambda x: anp.sum(anp.where(x > 0.6, x, 0.0) * x) + anp.sum(anp.minimum(anp.where(x > 0.4, x, 1e300), 2.0) * x)
     + anp.sum((x * x) ** 2) + (x[0] * 2.0) ** 2),
    ("builtin sum", lambda x, a: sum(x) * sum(x * x) + np.sum(sum(a) ** 2) + sum((x[0], x[1] * 2.0, x[2] ** 2))
     + sum([x[3], x[0]], 1.5) + np.sum(sum(a, x)), (P, M),
     lambda x, a: anp.sum(x) * anp.sum(x * x) + anp.sum(anp.sum(a, axis=0) ** 2) + x[0] + x[1] * 2.0 + x[2] ** 2
     + x[3] + x[0] + 1.5 + anp.sum(x + anp.sum(a, axis=0))),
    ("min and max of several numbers", lambda x: min(x[0], x[1], x[2]) * 2.0 + max(x[0], x[1], x[3] * 2.0, x[2])
     + min(x[1], 0.5 * x[2]) ** 2, (P,), lambda x: x[0] * 2.0 + x[2] + (0.5 * x[2]) ** 2),  # once an internal error
    ("operator module", lambda x, a: np.sum(operator.add(x, x * x) * operator.mul(x, 2.0)) + np.sum(operator.sub(a, x) ** 2)
     + np.sum(operator.truediv(x, x + 1.0)) + operator.neg(x[0]) * operator.pow(x[1], 3.0)
     + np.sum(operator.matmul(a, x) ** 2) + operator.pos(x[2]) + np.sum(operator.neg(x)), (P, M),
     lambda x, a: anp.sum((x + x * x) * (x * 2.0)) + anp.sum((a - x) ** 2) + anp.sum(x / (x + 1.0)) - x[0] * x[1] ** 3.0
     + anp.sum(anp.dot(a, x) ** 2) + x[2] - anp.sum(x)),
    ("np.roll np.repeat axis", lambda a: np.sum(np.roll(a, 1, axis=0) * M * a) + np.sum(np.roll(a, -3, axis=1) ** 3 * M)
     + np.sum(np.roll(a[0], 2, axis=0) * a[1]) + np.sum(np.repeat(a, 2, axis=0) ** 3 * np.arange(24.0).reshape(6, 4))
     + np.sum(np.repeat(a, 3, axis=-1) ** 2) + np.sum(a.repeat(2, axis=1) ** 3) + np.sum(np.repeat(a[0], 2, axis=0) ** 3)
     + np.sum(np.roll(a, 2, axis=None) * M) + np.sum(np.repeat(a, 2, axis=None) ** 3) + np.sum(np.append(a, a, axis=None) ** 3),
     (M,), lambda a: anp.sum(anp.roll(a, 2) * M) + 4.0 * anp.sum(a ** 3) + anp.sum(anp.roll(a, 1, axis=0) * M * a) + anp.sum(anp.roll(a, -3, axis=1) ** 3 * M)
     + anp.sum(anp.roll(a[0], 2, axis=0) * a[1]) + anp.sum(anp.repeat(a, 2, axis=0) ** 3 * anp.arange(24.0).reshape(6, 4))
     + anp.sum(anp.repeat(a, 3, axis=1) ** 2) + anp.sum(anp.repeat(a, 2, axis=1) ** 3) + anp.sum(anp.repeat(a[0], 2) ** 3)),
     # autograd's adjoint of np.repeat along axis=-1 is wrong: its reference says axis=1
    ("axis tuples", lambda a: np.sum(a * a, axis=(0, 1)) + np.mean(a, axis=(1, 0)) * np.prod(a, axis=(0, -1))
     + np.max(a * a, axis=(-2, -1)) + np.var(a, axis=(0, 1), ddof=1) + np.std(a, axis=(0, 1))
     + np.sum(np.sum(a, axis=(0, 1), keepdims=True) * a) + np.linalg.norm(a, axis=(0, 1)) + np.sum(np.sum(a, axis=(1,)) ** 2),
     (M,), lambda a: anp.sum(a * a) + anp.mean(a) * anp.prod(a) + anp.max(a * a) + anp.var(a, ddof=1) + anp.std(a)
     + anp.sum(anp.sum(a) * a) + anp.sqrt(anp.sum(a * a)) + anp.sum(anp.sum(a, axis=1) ** 2)),
    ("np.transpose with axes", lambda a: np.sum(np.transpose(a, (0, 1)) ** 2 * M) + np.sum(np.transpose(a, (1, 0)) ** 3 * M.T)
     + np.sum(a.transpose((-1, 0)) * M.T) + np.sum(np.transpose(np.atleast_3d(a), (2, 0, 1)) ** 2 * M)
     + np.sum(np.transpose(a, axes=None) * M.T), (M,),  # (0, 1) once transposed the cotangent all the same
     lambda a: anp.sum(a ** 2 * M) + anp.sum(a.T ** 3 * M.T) + anp.sum(a.T * M.T) + anp.sum(a ** 2 * M) + anp.sum(a * M)),
    ("reductions with the axis by position", lambda a, x: np.sum(np.sum(a, 0) ** 2) + np.sum(np.mean(a, 1) ** 3)
     + np.sum(np.max(a * a, 0)) + np.sum(np.min(a, -1) ** 2) + np.sum(np.prod(a, 0)) + np.sum(np.std(a, 1))
     + np.sum(np.var(a, 0, ddof=1)) + np.sum(a.sum(1) ** 2) + np.sum(a.mean(0) ** 3) + np.sum(np.average(a, 0) ** 2)
     + np.sum(np.linalg.norm(a, None, 1)) + np.sum(a, (0, 1)) + np.sum(np.diff(x, 2) ** 2 * np.arange(2.0))
     + np.sum(np.diff(x, 0) * x) + np.sum(np.diff(x, n=3) ** 2), (M, P),  # np.sum(a, 0) was once typed a number
     lambda a, x: anp.sum(anp.sum(a, 0) ** 2) + anp.sum(anp.mean(a, 1) ** 3) + anp.sum(anp.max(a * a, 0))
     + anp.sum(anp.min(a, -1) ** 2) + anp.sum(anp.prod(a, 0)) + anp.sum(anp.std(a, 1)) + anp.sum(anp.var(a, 0, ddof=1))
     + anp.sum(anp.sum(a, 1) ** 2) + anp.sum(anp.mean(a, 0) ** 3) + anp.sum(anp.mean(a, 0) ** 2)
     + anp.sum(anp.sqrt(anp.sum(a * a, 1))) + anp.sum(a) + anp.sum(anp.diff(x, 2) ** 2 * anp.arange(2.0))
     + anp.sum(x * x) + anp.sum(anp.diff(x, 3) ** 2)),
    ("np.outer of numbers and matrices", lambda x, s, a: np.sum(np.outer(s, x) ** 2 * M[:1]) + np.sum(np.outer(x, s) ** 3)
     + np.sum(np.outer(s, s * 2.0) ** 2) + np.sum(np.outer(a, x[:2]) ** 2 * np.arange(24.0).reshape(12, 2))
     + np.sum(np.outer(x, a) ** 3) + np.sum(np.outer(a, s) ** 2), (P, S, M),
     lambda x, s, a: anp.sum((s * x[None, :]) ** 2 * M[:1]) + anp.sum((x * s) ** 3) + 4.0 * s ** 4
     + anp.sum(anp.outer(anp.ravel(a), x[:2]) ** 2 * anp.arange(24.0).reshape(12, 2))
     + anp.sum(anp.outer(x, anp.ravel(a)) ** 3) + anp.sum((a * s) ** 2)),  # once the adjoint of a 1-D argument
    ("products with numbers", lambda a, s: np.sum(np.dot(a, 2.0) * a) + np.sum(np.dot(s, a) ** 2) + np.dot(s, s)
     + np.inner(s, 3.0) * np.inner(s, s) + np.sum(np.inner(a, s) ** 2) + np.sum(np.inner(s, a[0])) + np.mean(3.5) * np.mean(s),
     (M, S), lambda a, s: anp.sum(a * 2.0 * a) + anp.sum((s * a) ** 2) + s * s + s * 3.0 * s * s + anp.sum((a * s) ** 2)
     + anp.sum(s * a[0]) + 3.5 * s),
]


def tile_in_loop(a):
    s = 0.0
    for k in range(3):
        s = s + np.sum(np.tile(a * (k + 1.0), (2, 1)) ** 3) + np.sum(np.reshape(a, (4, 3)) ** 3) * k
    return s


def test_shape_tuples_in_a_loop():
    """np.tile and np.reshape with tuples written out, in a loop (the tuples are not taped)."""
    check_grads(tile_in_loop, (M,), order=1)


def splits_in_a_loop(a):
    s = 0.0
    u = a * 1.0
    for k in range(3):
        left, right = np.split(u * (k + 1.0), 2, axis=1)
        s = s + np.sum(left ** 3 * right) + sum(np.hsplit(right, [1])[1][k]) + np.sum(np.roll(u, k, axis=0) * a)
        u = np.column_stack((right, left)) * 0.5 + np.rot90(np.atleast_2d(u), 2)
    return s


def test_splits_in_a_loop():
    """The parts of np.split (views), np.column_stack, np.roll along an axis and np.rot90 in a loop: taped
    where the backward sweep reads them."""
    check_grads(splits_in_a_loop, (M,), order=1)


def test_errors_name_the_users_call():
    """A typer's refusal names np.cumsum / np.tile as written, not the runtime helper adc calls."""
    import adc
    from adc.errors import AdcError

    def cumsum_of_number(s):
        return np.sum(np.cumsum(s))

    def tile_3d(a):
        return np.sum(np.tile(a, (2, 1, 1)))

    for f, arg, name in ((cumsum_of_number, S, "np.cumsum"), (tile_3d, M, "np.tile")):
        with pytest.raises(AdcError) as info:
            adc.grad(f, backend="python")(arg)
        first = str(info.value).split("\n")[0]
        assert name in first and "rt." not in first, first

FAMILIES = [  # the lines above, a few per function, compiled under Numba (gradient, tangent, and order 2)
    ("keyword variants", lambda a: (np.sum(np.cumsum(a, axis=0) ** 2 * M) + np.sum(np.cumsum(a, axis=1) * M)
                                    + np.var(a, ddof=1) + np.sum(np.std(a, axis=1, ddof=1))
                                    + np.sum(np.linalg.norm(a, axis=0)) + np.trace(a, offset=1) * np.trace(a)),
     (M,), lambda a: (anp.sum(anp.cumsum(a, axis=0) ** 2 * M) + anp.sum(anp.cumsum(a, axis=1) * M)
                      + anp.var(a, ddof=1) + anp.sum(anp.std(a, axis=1, ddof=1))
                      + anp.sum(anp.sqrt(anp.sum(a * a, axis=0))) + anp.trace(a, offset=1) * anp.trace(a))),
    ("shape", lambda a, x: (np.sum(np.reshape(a, (4, 3)) ** 3) + np.sum(a.reshape(2, 6) ** 3)
                            + np.sum(np.sin(np.ravel(a)) * a.flatten()) + np.sum(np.swapaxes(a, 0, 1) * a.T)
                            + np.sum(np.expand_dims(x, 0) * a * x)
                            + np.sum(np.squeeze(np.outer(x, np.ones(1)), axis=1) ** 3)), (M, P)),
    ("joins", lambda x, y: (np.sum(np.concatenate((x, y * 2.0, x)) ** 3) + np.sum(np.stack((x, y), axis=1) ** 3)
                            + np.sum(np.hstack((x, y)) ** 3) + np.sum(np.vstack((x, y)) ** 3)
                            + np.sum(np.concatenate((np.outer(x, y), np.outer(y, y)), axis=1) ** 2)
                            + np.sum(np.concatenate((x, np.outer(x, y)[:, 0])) ** 2)  # mixed layouts
                            + np.sum(np.array([x[0], y[1] * x[2]]) ** 2)), (P, Q)),
    ("copies", lambda x: (np.sum(np.tile(x, 3) ** 3 * np.arange(12.0)) + np.sum(np.repeat(x, 2) ** 3)
                          + np.sum(np.flip(x) * x) + np.sum(np.roll(x, 1) * x) + np.sum(np.diag(x) ** 2)
                          + np.sum(np.diff(x * x) ** 2) + np.sum(np.triu(np.outer(x, x), 1) ** 2)
                          + np.sum(np.tril(np.outer(x, x)) ** 3) + np.sum(np.flip(np.outer(x, x), axis=1) * x)),
     (P,), lambda x: (anp.sum(anp.tile(x, 3) ** 3 * anp.arange(12.0)) + anp.sum(anp.repeat(x, 2) ** 3)
                      + anp.sum(x[::-1] * x) + anp.sum(anp.roll(x, 1) * x) + anp.sum(anp.diag(x) ** 2)
                      + anp.sum(anp.diff(x * x) ** 2) + anp.sum(anp.triu(anp.outer(x, x), 1) ** 2)
                      + anp.sum(anp.tril(anp.outer(x, x)) ** 3) + anp.sum(anp.outer(x, x)[:, ::-1] * x))),
    ("select", lambda x: (np.sum(np.sort(x) * np.arange(4.0) * x) + np.sum(x[IDX] ** 3 * np.arange(4.0))
                          + np.sum(x[x > 0.5] ** 3)), (P,)),
    ("spread", lambda a: (a.std() + a.var() + np.sum(np.std(a, axis=1)) + np.sum(np.var(a, axis=0))
                          + np.sum(np.cumprod(a[0]) * np.arange(4.0)) + np.sum(a.T.cumsum() * a.flatten())),
     (M,), lambda a: (anp.std(a) + anp.var(a) + anp.sum(anp.std(a, axis=1)) + anp.sum(anp.var(a, axis=0))
                      + anp.sum(_cumprod_ag(a[0]) * anp.arange(4.0)) + anp.sum(anp.cumsum(a.T) * a.flatten()))),
    ("products", lambda a, b: (np.sum(np.inner(a, b) ** 2) + np.sum(np.kron(a, b.T) ** 2)
                               + np.sum(np.einsum("ij,kj->ik", a, b) ** 2) + np.einsum("ij,ij", a, b)
                               + np.sum(np.tensordot(a, b[0], axes=1) ** 2)), (M, M)),
    ("rest", lambda a, x: (np.sum(np.fliplr(a) * np.flipud(a) * a) + np.sum(np.full((2, 3), x[0]) ** 2)
                           + np.vdot(x, x) ** 2 + np.sum(a[IDX[:2]] ** 3) + np.sum(np.remainder(x, 0.3) * x)
                           + np.einsum("ii", a[:, :3]) * np.sum(np.einsum("ii->i", a[:, :3]) ** 2)),
     (M, P), lambda a, x: (anp.sum(a[:, ::-1] * a[::-1] * a) + 6.0 * x[0] ** 2 + anp.dot(x, x) ** 2
                           + anp.sum(a[IDX[:2]] ** 3) + anp.sum((x - anp.floor(x / 0.3) * 0.3) * x)
                           + anp.trace(a[:, :3]) * anp.sum(anp.diag(a[:, :3]) ** 2))),
    ("ufuncs", lambda x, y: np.sum(np.sinc(x) + np.fmod(x, y * 0.3) + np.copysign(x, -1.0) * x
                                   + np.float_power(x, y)), (P, Q),
     lambda x, y: anp.sum(anp.sinc(x) + x - anp.floor(x / (y * 0.3)) * y * 0.3 - anp.abs(x) * x + x ** y)),
    ("splits and promotions", lambda x, a: (np.sum(np.atleast_1d(x) ** 3) + np.sum(np.atleast_2d(x) ** 2 * a)
        + np.sum(np.atleast_3d(x[0]) ** 3) + np.sum(np.atleast_3d(a) ** 2) + np.sum(np.atleast_2d(x[1], a)[0] ** 2)
        + np.sum(np.split(x, 2)[0] ** 3 * np.split(x, 2)[1]) + np.sum(np.split(a, [1, 3], axis=1)[1] ** 3)
        + np.sum(np.split(a, [2, 1], axis=-1)[2] ** 2) + np.sum(np.array_split(x, 3)[2] ** 2)
        + np.sum(np.hsplit(a, 2)[1] ** 3) + np.sum(np.vsplit(a, [1])[1] ** 2) + np.sum(np.hsplit(x, [1, 3])[1] ** 3)
        + np.sum(np.column_stack((x, a.T, x * x)) ** 3) + np.sum(np.row_stack((x, a)) ** 2)
        + np.sum(np.append(x, x * x) ** 3) + np.sum(np.append(a, a * a, axis=0) ** 2) + np.sum(np.append(x, 2.0) ** 2)
        + np.sum(np.hstack((x, x[0])) ** 2)),
     (P, M), lambda x, a: (anp.sum(x ** 3) + anp.sum(x ** 2 * a) + x[0] ** 3 + anp.sum(a ** 2) + x[1] ** 2
        + anp.sum(x[:2] ** 3 * x[2:]) + anp.sum(a[:, 1:3] ** 3) + anp.sum(a[:, 1:] ** 2) + anp.sum(x[3:] ** 2)
        + anp.sum(a[:, 2:] ** 3) + anp.sum(a[1:] ** 2) + anp.sum(x[1:3] ** 3)
        + anp.sum(x ** 3) + anp.sum(a ** 3) + anp.sum(x ** 6) + anp.sum(x ** 2) + anp.sum(a ** 2)
        + anp.sum(x ** 3) + anp.sum(x ** 6) + anp.sum(a ** 2) + anp.sum(a ** 4) + anp.sum(x ** 2) + 4.0
        + anp.sum(x ** 2) + x[0] ** 2)),
    ("axes", lambda a: (np.sum(np.rot90(a) * a.T) + np.sum(np.rot90(a, 2) ** 3 * a) + np.sum(np.rot90(a, k=-1) ** 2 * a.T)
        + np.sum(np.moveaxis(a, 0, -1) * a.T) + np.sum(np.rollaxis(a, 1) ** 3 * a.T) + np.sum(np.rollaxis(a, 1, 2) ** 2)
        + np.sum(np.roll(a, 1, axis=0) * a) + np.sum(np.roll(a, -3, axis=1) ** 3 * a) + np.sum(np.roll(a[0], 2, axis=0) * a[1])
        + np.sum(np.repeat(a, 2, axis=0) ** 3) + np.sum(np.repeat(a, 3, axis=-1) ** 2) + np.sum(np.repeat(a[0], 2, axis=0) ** 3)
        + np.sum(np.diagonal(a) ** 2) + np.sum(np.diagonal(a, 1) ** 3) + np.sum(a.diagonal(-1) ** 2)
        + np.sum(np.flip(a, axis=-2) * a) + np.sum(np.cumsum(a, axis=-2) * a)
        + np.sum(np.concatenate((a, a * a), axis=-2) ** 2 * np.arange(24.0).reshape(6, 4))
        + np.sum(np.transpose(a, (0, 1)) ** 2 * a) + np.sum(np.transpose(np.atleast_3d(a), (2, 0, 1)) ** 3)
        + np.sum(np.sum(a, 0) ** 2) + np.sum(np.mean(a, -1) ** 3) + np.sum(np.diff(a[0], 2) ** 2)),
     (M,), lambda a: (anp.sum(anp.rot90(a) * a.T) + anp.sum(anp.rot90(a, 2) ** 3 * a) + anp.sum(anp.rot90(a, -1) ** 2 * a.T)
        + anp.sum(a.T * a.T) + anp.sum(a.T ** 3 * a.T) + anp.sum(a ** 2)
        + anp.sum(anp.roll(a, 1, axis=0) * a) + anp.sum(anp.roll(a, -3, axis=1) ** 3 * a) + anp.sum(anp.roll(a[0], 2) * a[1])
        + 2.0 * anp.sum(a ** 3) + 3.0 * anp.sum(a ** 2) + 2.0 * anp.sum(a[0] ** 3)
        + anp.sum(a[[0, 1, 2], [0, 1, 2]] ** 2) + anp.sum(a[[0, 1, 2], [1, 2, 3]] ** 3) + anp.sum(a[[1, 2], [0, 1]] ** 2)
        + anp.sum(a[::-1] * a) + anp.sum(anp.cumsum(a, axis=0) * a)  # axis=-2 once read as the columns under Numba
        + anp.sum(anp.concatenate((a, a * a), axis=0) ** 2 * anp.arange(24.0).reshape(6, 4))
        + anp.sum(a ** 3) + anp.sum(a ** 3)
        + anp.sum(anp.sum(a, 0) ** 2) + anp.sum(anp.mean(a, 1) ** 3) + anp.sum(anp.diff(a[0], 2) ** 2))),
    ("python arithmetic and numbers", lambda x, a: (np.sum(np.fabs(x - 0.5) * x) + np.sum(np.cross(x[:3], x[1:]) ** 2)
        + np.sum(np.cross(a[:, :3], x[1:]) ** 3) + np.sum(np.nan_to_num(np.where(x > 0.6, x, np.nan)) * x) + np.sum(np.minimum(np.nan_to_num(np.where(x > 0.4, x, np.inf)), 2.0) * x)
        + np.sum(np.real_if_close(x * x) ** 2) + sum(x) * sum(x * x) + np.sum(sum(a) ** 2) + sum((x[0], x[1] * 2.0))
        + np.sum(operator.add(x, x * x) * operator.mul(x, 2.0)) + np.sum(operator.sub(a, x) ** 2)
        + np.sum(operator.truediv(x, x + 1.0)) + operator.neg(x[0]) * operator.pow(x[1], 3.0) + np.sum(operator.matmul(a, x) ** 2)
        + np.sum(a * a, axis=(0, 1)) + np.mean(a, axis=(1, 0)) * np.max(a, axis=(-2, -1)) + np.var(a, axis=(0, 1), ddof=1)
        + np.sum(np.sum(a, axis=(0, 1), keepdims=True) * a) + np.linalg.norm(a, axis=(0, 1))
        + np.sum(np.dot(a, 2.0) * a) + np.sum(np.dot(x[0], a) ** 2) + np.inner(x[1], 3.0) * np.inner(x[0], x[2])
        + np.sum(np.inner(a, x[3]) ** 2) + np.mean(3.5) * np.mean(x[0])
        + np.sum(np.outer(x[0], x) ** 2) + np.sum(np.outer(a, x[:2]) ** 3) + min(x[0], x[1], x[2]) * max(x[0], x[1], x[2])),
     (P, M), lambda x, a: (anp.sum(anp.abs(x - 0.5) * x) + anp.sum(_cross_ag(x[:3], x[1:]) ** 2)
        + anp.sum(_cross_ag(a[:, :3], x[1:]) ** 3) + anp.sum(anp.where(x > 0.6, x, 0.0) * x) + anp.sum(anp.minimum(anp.where(x > 0.4, x, 1e300), 2.0) * x)
        + anp.sum((x * x) ** 2) + anp.sum(x) * anp.sum(x * x) + anp.sum(anp.sum(a, axis=0) ** 2) + x[0] + x[1] * 2.0
        + anp.sum((x + x * x) * (x * 2.0)) + anp.sum((a - x) ** 2)
        + anp.sum(x / (x + 1.0)) - x[0] * x[1] ** 3.0 + anp.sum(anp.dot(a, x) ** 2)
        + anp.sum(a * a) + anp.mean(a) * anp.max(a) + anp.var(a, ddof=1)
        + anp.sum(anp.sum(a) * a) + anp.sqrt(anp.sum(a * a))
        + anp.sum(a * 2.0 * a) + anp.sum((x[0] * a) ** 2) + x[1] * 3.0 * x[0] * x[2]
        + anp.sum((a * x[3]) ** 2) + 3.5 * x[0]
        + anp.sum((x[0] * x) ** 2) + anp.sum(anp.outer(anp.ravel(a), x[:2]) ** 3) + anp.min(x[:3]) * anp.max(x[:3]))),
]


@pytest.mark.parametrize("rule", RULES, ids=[r[0] for r in RULES])
def test_rule(rule):
    name, f, args = rule[:3]
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt if len(wrt) > 1 else 0, ag=rule[3] if len(rule) > 3 else None)


@pytest.mark.parametrize("rule", ARRAY_RULES, ids=[r[0] for r in ARRAY_RULES])
def test_array_rule(rule):
    name, f, args = rule[:3]
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt if len(wrt) > 1 else 0, ag=rule[3] if len(rule) > 3 else None,
                backends=("python",))


@pytest.mark.parametrize("family", FAMILIES, ids=[r[0] for r in FAMILIES])
def test_rule_family_under_numba(family):
    name, f, args = family[:3]
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt if len(wrt) > 1 else 0, ag=family[3] if len(family) > 3 else None,
                backends=("numba",), order=1)


def test_rule_count():
    """The issue asks for at least 150 NumPy functions and array methods with rules."""
    import importlib
    lower, npcalls = (importlib.import_module(f"adc.passes.lower.{m}") for m in ("calls", "npcalls"))
    from adc.rules.core import BY_OBJECT
    names = {f"{prefix}{n}" for mod, prefix in ((np, "np."), (np.linalg, "np.linalg.")) for n in dir(mod)
             if id(getattr(mod, n)) in BY_OBJECT or getattr(mod, n) in list(npcalls.JOINS) + list(npcalls.DECOMPOSITIONS)
             + [np.einsum, np.tensordot, np.linalg.svd]}
    methods = {f"ndarray.{m}" for m in list(lower._METHODS) + list(lower._ATTRIBUTES)}
    assert len(names | methods) >= 150, sorted(names | methods)


def _sum_axis_3(A):
    return np.sum(np.sum(A, axis=3))


def _mean_axis_1(x):
    return np.mean(x, axis=1)


def _flip_axis_2(A):
    return np.sum(np.flip(A, axis=2) * A)


def _cumsum_axis_1(x):
    return np.sum(np.cumsum(x, axis=1) * x)


def _roll_axis_2(A):
    return np.sum(np.roll(A, 1, axis=-3) * A)


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_axis_out_of_range_raises_as_numpy_does(backend):
    """NumPy raises AxisError (a ValueError); the compiled reductions must not wrap the axis around."""
    for f, x in ((_sum_axis_3, np.ones((2, 3))), (_mean_axis_1, np.ones(3)), (_flip_axis_2, np.ones((2, 3))),
                 (_cumsum_axis_1, np.ones(3)), (_roll_axis_2, np.ones((2, 3)))):
        with pytest.raises(ValueError, match="out of bounds"):
            adc.grad(f, backend=backend)(x)
