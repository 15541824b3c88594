"""The NumPy and SciPy functions written as templates of other rules (passes/lower/nptemplates.py):
each one's value against NumPy's or SciPy's, its derivatives through the one harness."""
import numpy as np
import pytest
import scipy.special

import adc
from harness import check_grads

R = np.random.default_rng(21)
X = R.uniform(0.2, 0.9, 4)
Y = R.uniform(0.2, 0.9, 4)
M = R.uniform(0.2, 0.9, (3, 3)) + np.eye(3)
NANS = np.array([0.3, np.nan, 0.8, 0.5])
S3 = R.uniform(0.2, 0.9, (2, 3, 3))


def differentiable(x, y, m):
    return (np.nansum(x * y) + np.nanprod(x) + np.nanmean(x * x) + np.nanvar(x * y) + np.nanstd(x) + np.ptp(x * y)
            + np.sum(np.vecdot(m, x[:3])) + np.sum(np.linalg.vecdot(m, m)) + np.sum(np.matvec(m, y[:3]) ** 2)
            + np.sum(np.vecmat(x[:3], m)) + np.sum(np.matrix_transpose(m) * m) + np.sum(np.linalg.matmul(m, m))
            + np.sum(np.linalg.outer(x, y) ** 2) + np.sum(np.linalg.cross(x[:3], y[:3]) ** 2)
            + np.linalg.tensordot(m, m) + np.linalg.vector_norm(m) + np.linalg.matrix_norm(m * x[0])
            + np.sum(np.linalg.svdvals(m)) + np.sum(np.ediff1d(m) ** 2) + np.sum(np.diagflat(x) @ m[0, :].repeat(4)[:4])
            + np.sum(np.ldexp(x, 3)) + np.sum(np.ascontiguousarray(m) * np.asfortranarray(m) * np.asanyarray(m))
            + np.linalg.multi_dot([m, m, m])[0, 1] + np.sum(np.linalg.matrix_power(m, 3)) + np.sum(np.linalg.matrix_power(m, -1))
            + np.sum(np.linalg.matrix_power(m, 0) * m))


def _ag_differentiable(x, y, m):
    import autograd.numpy as anp
    v = x * y
    return (anp.sum(v) + anp.prod(x) + anp.mean(x * x) + anp.var(v) + anp.std(x) + anp.max(v) - anp.min(v)
            + anp.sum(anp.dot(m, x[:3])) + anp.sum(anp.sum(m * m, axis=-1)) + anp.sum(anp.dot(m, y[:3]) ** 2)
            + anp.sum(anp.dot(x[:3], m)) + anp.sum(m.T * m) + anp.sum(anp.dot(m, m))
            + anp.sum(anp.outer(x, y) ** 2) + anp.sum(anp.cross(x[:3], y[:3]) ** 2)
            + anp.sum(m * m) + anp.sqrt(anp.sum(m * m)) + anp.sqrt(anp.sum((m * x[0]) ** 2))
            + anp.sum(anp.linalg.svd(m, full_matrices=False)[1]) + anp.sum(anp.diff(anp.ravel(m)) ** 2)
            + anp.sum(anp.dot(anp.diag(x), anp.repeat(m[0, :], 4)[:4])) + anp.sum(x * 8.0) + anp.sum(m * m * m)
            + anp.dot(anp.dot(m, m), m)[0, 1] + anp.sum(anp.dot(anp.dot(m, m), m)) + anp.sum(anp.linalg.inv(m))
            + anp.sum(anp.eye(3) * m))


def special(x, y):
    s = scipy.special
    return np.sum(s.expm1(x) + s.log1p(x) + s.exp2(x) + s.exp10(x) + s.cbrt(x) + s.sindg(x * 90) + s.cosdg(x * 90)
                  + s.tandg(x * 40) + s.cotdg(x * 40 + 5) + s.entr(x) + s.rel_entr(x, y) + s.kl_div(x, y)
                  + s.huber(0.5, x - y) + s.pseudo_huber(0.5, x - y) + s.round(x * 10) * x)


def _ag_special(x, y):
    import autograd.numpy as anp
    d = anp.pi / 180
    hub = anp.where(anp.abs(x - y) <= 0.5, 0.5 * (x - y) ** 2, 0.5 * (anp.abs(x - y) - 0.25))
    return anp.sum(anp.expm1(x) + anp.log1p(x) + 2.0 ** x + 10.0 ** x + x ** (1.0 / 3) + anp.sin(x * 90 * d)
                   + anp.cos(x * 90 * d) + anp.tan(x * 40 * d) + 1 / anp.tan((x * 40 + 5) * d) - x * anp.log(x)
                   + x * anp.log(x / y) + x * anp.log(x / y) - x + y + hub
                   + 0.25 * (anp.sqrt(1 + ((x - y) / 0.5) ** 2) - 1) + anp.round(x * 10) * x)


def test_templates_differentiate():
    check_grads(differentiable, (X, Y, M), wrt=(0, 1, 2), ag=_ag_differentiable, order=1)


def test_scipy_templates_differentiate():
    check_grads(special, (X, Y), wrt=(0, 1), ag=_ag_special, order=1)


CASES = [(np.nansum, (NANS,)), (np.nanmean, (NANS,)), (np.nanvar, (NANS,)), (np.nanstd, (NANS,)), (np.nanprod, (NANS,)),
         (np.ptp, (M,)), (np.isposinf, (np.array([np.inf, -np.inf, 1.0]),)), (np.isneginf, (np.array([np.inf, -np.inf]),)),
         (np.isreal, (np.array([1.0, 2.0]),)), (np.iscomplex, (np.array([1.0 + 1j, 2.0]),)),
         (np.all, (np.array([1.0, 0.0]),)), (np.any, (np.array([0.0, 0.0]),)), (np.count_nonzero, (np.array([1.0, 0.0, 2.0]),)),
         (np.signbit, (np.array([-0.0, 1.0, -2.0]),)), (np.around, (X * 10,)), (np.rint, (X * 10,)),
         (np.linalg.matrix_norm, (S3,)), (np.linalg.svdvals, (S3,)), (np.linalg.vector_norm, (S3,)),
         (scipy.special.entr, (np.array([-1.0, 0.0, 0.5]),)), (scipy.special.rel_entr, (np.array([0.0, 0.5, -1.0]), np.array([0.0, 0.2, 1.0]))),
         (scipy.special.kl_div, (np.array([0.0, 0.5, 1.0]), np.array([0.3, 0.2, -1.0]))),
         (scipy.special.huber, (np.array([-1.0, 0.5, 0.5]), np.array([0.3, 0.2, 2.0]))),
         (scipy.special.pseudo_huber, (np.array([-1.0, 0.5, 0.0]), np.array([0.3, 0.2, 2.0])))]


def _one(fn):
    return lambda a: fn(a) * 1.0


def _two(fn):
    return lambda a, b: fn(a, b) * 1.0


@pytest.mark.parametrize("case", CASES, ids=[c[0].__name__ for c in CASES])
def test_template_values_are_numpys(case):
    """adc's value (of the function times 1.0: bool and int results as floats) is NumPy's or SciPy's."""
    fn, args = case
    with np.errstate(all="ignore"):
        expected = fn(*args) * 1.0
    f = (_one if len(args) == 1 else _two)(fn)
    with np.errstate(all="ignore"):
        value = adc.vjp(f, wrt=0, backend="python")(*args)[0]
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-15)
