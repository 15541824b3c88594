"""SciPy's functions: one line per rule and call form through the one harness (python backend, at
order 2), a few families compiled under Numba, the accuracy of the kernels Numba runs
(runtime/special.py) against SciPy, the ways SciPy's objects are named, and what is refused."""
import subprocess
import sys

import autograd.numpy as anp
import autograd.scipy.linalg as asl
import autograd.scipy.special as asp
import autograd.scipy.stats as ast
import numba
import numpy as np
import pytest
import scipy
import scipy.linalg as sl
import scipy.special as sc
import scipy.stats as st
from scipy.special import gammaln
from scipy.stats import norm

import adc
import adc_runtime as rt
from adc.errors import AdcError
from harness import check_grads, check_vjp

R = np.random.default_rng(12)
P = R.uniform(0.2, 0.9, 4)          # in (0, 1)
Q = R.uniform(1.2, 3.5, 4)          # positive, away from the poles
X = R.standard_normal(4)
M = R.standard_normal((3, 4))
A = R.standard_normal((3, 3))       # cov = A A^T + I
L = np.tril(R.uniform(0.5, 1.5, (4, 4))) + 2.0 * np.eye(4)
B2 = R.standard_normal((4, 2))
ALPHA = R.uniform(0.6, 3.0, 3)
DIRICHLET_X = R.dirichlet(ALPHA, size=4).T  # 4 points, one per column, as scipy.stats.dirichlet takes them
K = np.array([3, 0, 5, 1])
S = 0.7


def _cov(a):
    return np.dot(a, a.T) + np.eye(3)


def _cov_ag(a):
    return anp.dot(a, a.T) + anp.eye(3)


def _softmax_ag(x, axis=None):
    e = anp.exp(x - anp.max(x, axis=axis, keepdims=True))
    return e / anp.sum(e, axis=axis, keepdims=True)


def _spd(a):
    return np.dot(a, a.T) + 3.0 * np.eye(3)


def _spd_ag(a):
    return anp.dot(a, a.T) + 3.0 * anp.eye(3)


SPECIAL = [  # (name, function, arguments, autograd's version)
    ("gammaln", lambda x: np.sum(sc.gammaln(x)), (Q,), lambda x: anp.sum(asp.gammaln(x))),
    ("gammaln of negative numbers", lambda x: np.sum(sc.gammaln(-x)), (Q,), lambda x: anp.sum(asp.gammaln(-x))),
    ("digamma", lambda x: np.sum(sc.digamma(x) * x), (Q,), lambda x: anp.sum(asp.digamma(x) * x)),
    ("psi", lambda x: sc.psi(x) ** 2, (S,), lambda x: asp.psi(x) ** 2),
    ("polygamma", lambda x: np.sum(sc.polygamma(1, x) + sc.polygamma(2, x)), (Q,),
     lambda x: anp.sum(asp.polygamma(1, x) + asp.polygamma(2, x))),
    ("gamma", lambda x: np.sum(sc.gamma(x)), (Q,), lambda x: anp.sum(asp.gamma(x))),
    ("beta", lambda a, b: np.sum(sc.beta(a, b)), (Q, P), lambda a, b: anp.sum(asp.beta(a, b))),
    ("betaln broadcast", lambda a, b: np.sum(sc.betaln(a, b)), (M * M + 0.5, Q), lambda a, b: anp.sum(asp.betaln(a, b))),
    ("expit", lambda x: np.sum(sc.expit(x) * x), (X,), lambda x: anp.sum(asp.expit(x) * x)),
    ("logit", lambda p: np.sum(sc.logit(p)), (P,), lambda p: anp.sum(asp.logit(p))),
    ("log_expit", lambda x: np.sum(sc.log_expit(x)), (X,), lambda x: anp.sum(-anp.log1p(anp.exp(-x)))),
    ("erf erfc", lambda x: np.sum(sc.erf(x) * sc.erfc(x)), (X,), lambda x: anp.sum(asp.erf(x) * asp.erfc(x))),
    ("erfinv", lambda p: np.sum(sc.erfinv(p - 0.5)), (P,), lambda p: anp.sum(asp.erfinv(p - 0.5))),
    ("ndtr log_ndtr", lambda x: np.sum(sc.ndtr(x) + sc.log_ndtr(x - 2.0)), (X,),
     lambda x: anp.sum(ast.norm.cdf(x) + ast.norm.logcdf(x - 2.0))),
    ("xlogy", lambda x, y: np.sum(sc.xlogy(x, y)), (X, Q), lambda x, y: anp.sum(x * anp.log(y))),
    ("xlog1py broadcast", lambda x, y: np.sum(sc.xlog1py(x, y)), (M, P), lambda x, y: anp.sum(x * anp.log1p(y))),
    ("logsumexp", lambda x: sc.logsumexp(x), (X,), lambda x: asp.logsumexp(x)),
    ("logsumexp axis keepdims", lambda a: np.sum(sc.logsumexp(a, axis=1) ** 2) + np.sum(sc.logsumexp(a, axis=0, keepdims=True) * a)
     + np.sum(sc.logsumexp(a, keepdims=True) * a),
     (M,), lambda a: anp.sum(asp.logsumexp(a, axis=1) ** 2) + anp.sum(asp.logsumexp(a, axis=0, keepdims=True) * a)
     + anp.sum(asp.logsumexp(a) * a)),
    ("logsumexp b= return_sign=", lambda x, b: sc.logsumexp(x, b=b) + sc.logsumexp(x, b=b - 0.5, return_sign=True)[0]
     + np.sum(sc.logsumexp(np.outer(b, x), axis=-1, b=x * x)),
     (X, Q), lambda x, b: anp.log(anp.sum(b * anp.exp(x))) + anp.log(anp.abs(anp.sum((b - 0.5) * anp.exp(x))))
     + anp.sum(anp.log(anp.sum(x * x * anp.exp(anp.outer(b, x)), axis=-1)))),
    ("softmax log_softmax", lambda a: np.sum(sc.softmax(a, axis=1) ** 2) + np.sum(sc.softmax(a) * a) + np.sum(sc.log_softmax(a, axis=0) * a)
     + np.sum(sc.log_softmax(a[0]) ** 2),
     (M,), lambda a: anp.sum(_softmax_ag(a, 1) ** 2) + anp.sum(_softmax_ag(a) * a)
     + anp.sum((a - asp.logsumexp(a, axis=0, keepdims=True)) * a) + anp.sum((a[0] - asp.logsumexp(a[0])) ** 2)),
]

STATS = [
    ("norm.logpdf", lambda x, m, s: np.sum(st.norm.logpdf(x, m, s)) + np.sum(st.norm.logpdf(x, loc=m)) + np.sum(st.norm.logpdf(x)),
     (X, S, 1.3), lambda x, m, s: anp.sum(ast.norm.logpdf(x, m, s)) + anp.sum(ast.norm.logpdf(x, m)) + anp.sum(ast.norm.logpdf(x))),
    ("norm.pdf cdf logcdf sf logsf", lambda x, m, s: np.sum(st.norm.pdf(x, m, s) + st.norm.cdf(x, m, s) + st.norm.logcdf(x, m, scale=s)
                                                           + st.norm.sf(x, m, s) ** 2 + st.norm.logsf(x, m, s)),
     (X, S, 1.3), lambda x, m, s: anp.sum(ast.norm.pdf(x, m, s) + ast.norm.cdf(x, m, s) + ast.norm.logcdf(x, m, s)
                                          + ast.norm.sf(x, m, s) ** 2 + ast.norm.logsf(x, m, s))),
    ("t.logpdf t.pdf", lambda x, df, m, s: np.sum(st.t.logpdf(x, df, m, s)) + np.sum(st.t.pdf(x, df=df)),
     (X, 3.5, S, 1.3), lambda x, df, m, s: anp.sum(ast.t.logpdf(x, df, m, s)) + anp.sum(ast.t.pdf(x, df))),
    ("gamma.logpdf", lambda x, a, s: np.sum(st.gamma.logpdf(x, a, scale=s)) + np.sum(st.gamma.pdf(x, a)),
     (Q, 2.5, 1.3), lambda x, a, s: anp.sum(ast.gamma.logpdf(x / s, a) - anp.log(s)) + anp.sum(ast.gamma.pdf(x, a))),
    ("beta.logpdf", lambda x, a, b: np.sum(st.beta.logpdf(x, a, b)) + np.sum(st.beta.pdf(x * 0.5 + 1.0, a, b, 1.0, 0.5)),
     (P, 2.5, 1.3), lambda x, a, b: anp.sum(ast.beta.logpdf(x, a, b)) + anp.sum(ast.beta.pdf(x, a, b) / 0.5)),
    ("poisson.logpmf", lambda mu: np.sum(st.poisson.logpmf(K, mu)) + np.sum(st.poisson.pmf(K, mu * 0.5)), (2.5,),
     lambda mu: anp.sum(ast.poisson.logpmf(K, mu)) + anp.sum(ast.poisson.pmf(K, mu * 0.5))),
    ("multivariate_normal.logpdf", lambda x, m, a: st.multivariate_normal.logpdf(x, m, _cov(a))
     + np.sum(st.multivariate_normal.logpdf(np.outer(x, x), mean=m, cov=_cov(a))) + st.multivariate_normal.pdf(x, cov=_cov(a)),
     (P[:3], X[:3], A), lambda x, m, a: ast.multivariate_normal.logpdf(x, m, _cov_ag(a))
     + anp.sum(ast.multivariate_normal.logpdf(anp.outer(x, x), m, _cov_ag(a)))
     + ast.multivariate_normal.pdf(x, anp.zeros(3), _cov_ag(a))),
    ("dirichlet.logpdf", lambda th, al: st.dirichlet.logpdf(sc.softmax(th), al) + np.sum(st.dirichlet.logpdf(DIRICHLET_X, al))
     + st.dirichlet.pdf(DIRICHLET_X[:, 0], al),
     (X[:3], ALPHA), lambda th, al: ast.dirichlet.logpdf(_softmax_ag(th), al)
     + sum(ast.dirichlet.logpdf(DIRICHLET_X[:, i], al) for i in range(4)) + anp.exp(ast.dirichlet.logpdf(DIRICHLET_X[:, 0], al))),
]

LINALG = [
    ("solve_triangular", lambda l, b: np.sum(sl.solve_triangular(l, b, lower=True) ** 2)
     + np.sum(sl.solve_triangular(l.T, b) ** 3) + np.sum(sl.solve_triangular(l, b, trans=1, lower=True) ** 2)
     + np.sum(sl.solve_triangular(l.T, b, trans="T") ** 2),
     (L, X), lambda l, b: anp.sum(asl.solve_triangular(l, b, lower=True) ** 2) + anp.sum(asl.solve_triangular(l.T, b) ** 3)
     + anp.sum(asl.solve_triangular(l, b, trans=1, lower=True) ** 2) + anp.sum(asl.solve_triangular(l.T, b, trans="T") ** 2)),
    ("solve_triangular of a matrix", lambda l, b: np.sum(sl.solve_triangular(l, b, lower=True) ** 2)
     + np.sum(sl.solve_triangular(l.T, b, lower=False) ** 3),
     (L, B2), lambda l, b: anp.sum(asl.solve_triangular(l, b, lower=True) ** 2) + anp.sum(asl.solve_triangular(l.T, b) ** 3)),
    ("cholesky", lambda a: np.sum(sl.cholesky(_spd(a)) ** 3) + np.sum(sl.cholesky(_spd(a), lower=True) * a),
     (A,), lambda a: anp.sum(anp.linalg.cholesky(_spd_ag(a)).T ** 3) + anp.sum(anp.linalg.cholesky(_spd_ag(a)) * a)),
    ("cho_factor cho_solve", lambda a, b: np.sum(sl.cho_solve(sl.cho_factor(_spd(a)), b) ** 2)
     + np.sum(sl.cho_solve(sl.cho_factor(_spd(a), lower=True), b) * b) + np.sum(np.log(np.diag(sl.cho_factor(_spd(a))[0])))
     + np.sum(sl.cho_factor(_spd(a))[0] * a),
     (A, X[:3]), lambda a, b: anp.sum(anp.linalg.solve(_spd_ag(a), b) ** 2) + anp.sum(anp.linalg.solve(_spd_ag(a), b) * b)
     + anp.sum(anp.log(anp.diag(anp.linalg.cholesky(_spd_ag(a)))))
     + anp.sum((anp.triu(anp.linalg.cholesky(_spd_ag(a)).T) + anp.tril(_spd_ag(a), -1)) * a)),
]

LINES = SPECIAL + STATS + LINALG


@pytest.mark.parametrize("line", LINES, ids=[line[0] for line in LINES])
def test_scipy_rule(line):
    name, f, args, ag = line
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt if len(wrt) > 1 else 0, ag=ag, backends=("python",))


def _special_family(x, p, q):
    return np.sum(sc.gammaln(q) * sc.digamma(q) + sc.polygamma(1, q) + sc.gamma(q) * sc.beta(q, p) + sc.betaln(p, q)
                  + sc.expit(x) * sc.logit(p) + sc.log_expit(x) + sc.erf(x) * sc.erfc(x) + sc.erfinv(p - 0.5)
                  + sc.ndtr(x) + sc.log_ndtr(x) + sc.xlogy(x, q) + sc.xlog1py(x, p)) + sc.logsumexp(x * q)


def _special_family_ag(x, p, q):
    return anp.sum(asp.gammaln(q) * asp.digamma(q) + asp.polygamma(1, q) + asp.gamma(q) * asp.beta(q, p) + asp.betaln(p, q)
                   + asp.expit(x) * asp.logit(p) - anp.log1p(anp.exp(-x)) + asp.erf(x) * asp.erfc(x) + asp.erfinv(p - 0.5)
                   + ast.norm.cdf(x) + ast.norm.logcdf(x) + x * anp.log(q) + x * anp.log1p(p)) + asp.logsumexp(x * q)


def _shaped_family(a, x):
    return (np.sum(sc.logsumexp(a, axis=1) ** 2) + np.sum(sc.logsumexp(a, axis=0, keepdims=True) * a)
            + np.sum(sc.softmax(a, axis=1) ** 2) + np.sum(sc.log_softmax(a) * a) + sc.logsumexp(x, b=x * x)
            + np.sum(sc.gammaln(a * a + 1.0)))


def _shaped_family_ag(a, x):
    return (anp.sum(asp.logsumexp(a, axis=1) ** 2) + anp.sum(asp.logsumexp(a, axis=0, keepdims=True) * a)
            + anp.sum(_softmax_ag(a, 1) ** 2) + anp.sum((a - asp.logsumexp(a)) * a) + anp.log(anp.sum(x * x * anp.exp(x)))
            + anp.sum(asp.gammaln(a * a + 1.0)))


def _stats_family(x, m, s, a):
    return (np.sum(norm.logpdf(x, m, s) + st.norm.cdf(x, m, s) + st.norm.logcdf(x, m, s) + st.t.logpdf(x, 3.5, m, s))
            + np.sum(st.gamma.logpdf(x * x + 0.1, 2.5, scale=s) + st.beta.logpdf(sc.expit(x), 2.5, s))
            + np.sum(st.poisson.logpmf(K, s)) + st.multivariate_normal.logpdf(x[:3], m * x[:3], _cov(a))
            + st.dirichlet.logpdf(sc.softmax(x[:3]), ALPHA * s))


def _stats_family_ag(x, m, s, a):
    return (anp.sum(ast.norm.logpdf(x, m, s) + ast.norm.cdf(x, m, s) + ast.norm.logcdf(x, m, s) + ast.t.logpdf(x, 3.5, m, s))
            + anp.sum(ast.gamma.logpdf((x * x + 0.1) / s, 2.5) - anp.log(s) + ast.beta.logpdf(asp.expit(x), 2.5, s))
            + anp.sum(ast.poisson.logpmf(K, s)) + ast.multivariate_normal.logpdf(x[:3], m * x[:3], _cov_ag(a))
            + ast.dirichlet.logpdf(_softmax_ag(x[:3]), ALPHA * s))


def _linalg_family(a, b):
    k = _spd(a)
    c = sl.cho_factor(k)
    return (np.sum(sl.cho_solve(c, b) ** 2) + np.sum(sl.solve_triangular(sl.cholesky(k, lower=True), b, lower=True) ** 2)
            + np.sum(sl.solve_triangular(sl.cholesky(k), b, trans=1) ** 3) + np.sum(np.log(np.diag(c[0]))))


def _linalg_family_ag(a, b):
    k = _spd_ag(a)
    chol = anp.linalg.cholesky(k)
    return (anp.sum(anp.linalg.solve(k, b) ** 2) + anp.sum(asl.solve_triangular(chol, b, lower=True) ** 2)
            + anp.sum(asl.solve_triangular(chol.T, b, trans=1) ** 3) + anp.sum(anp.log(anp.diag(chol))))


FAMILIES = [  # the lines above, a few per family, compiled under Numba (gradient and tangent)
    ("special", _special_family, (X, P, Q), _special_family_ag),
    ("shaped", _shaped_family, (M, X), _shaped_family_ag),
    ("stats", _stats_family, (X, S, 1.3, A), _stats_family_ag),
    ("linalg", _linalg_family, (A, X[:3]), _linalg_family_ag),
]


@pytest.mark.parametrize("family", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_scipy_family_under_numba(family):
    name, f, args, ag = family
    check_grads(f, args, wrt=tuple(range(len(args))), ag=ag, backends=("numba",), order=1)


# ---------------------------------------------------------------- programs: variational inference, a Gaussian process, a GLM

EPS = R.standard_normal(6)
DATA = R.standard_normal(5) * 0.5 + 1.0
XT = np.linspace(0.0, 3.0, 6)
YT = np.sin(XT)
XL = R.standard_normal((8, 3))
YL = (R.uniform(size=8) > 0.5) * 1.0


def elbo(mu, log_sigma):
    """A reparametrised ELBO of a normal model, one sample a trip: the tape holds each trip's z."""
    total = 0.0
    sigma = np.exp(log_sigma)
    for i in range(EPS.shape[0]):
        z = mu + sigma * EPS[i]
        total = total + np.sum(st.norm.logpdf(DATA, z, 1.0)) + norm.logpdf(z, 0.0, 2.0) - st.norm.logpdf(z, mu, sigma)
    return total / EPS.shape[0] + sc.gammaln(sigma + 1.0)


def elbo_ag(mu, log_sigma):
    total = 0.0
    sigma = anp.exp(log_sigma)
    for i in range(EPS.shape[0]):
        z = mu + sigma * EPS[i]
        total = total + anp.sum(ast.norm.logpdf(DATA, z, 1.0)) + ast.norm.logpdf(z, 0.0, 2.0) - ast.norm.logpdf(z, mu, sigma)
    return total / EPS.shape[0] + asp.gammaln(sigma + 1.0)


def gp_nll(log_ell, log_sf):
    """The negative log marginal likelihood of a Gaussian process, through cho_factor and cho_solve."""
    d = XT[:, None] - XT[None, :]
    k = np.exp(2.0 * log_sf) * np.exp(-0.5 * d * d / np.exp(2.0 * log_ell)) + 0.1 * np.eye(6)
    c, low = sl.cho_factor(k, lower=True)
    return 0.5 * np.dot(YT, sl.cho_solve((c, low), YT)) + np.sum(np.log(np.diag(c)))


def gp_nll_ag(log_ell, log_sf):
    d = XT[:, None] - XT[None, :]
    k = anp.exp(2.0 * log_sf) * anp.exp(-0.5 * d * d / anp.exp(2.0 * log_ell)) + 0.1 * anp.eye(6)
    return 0.5 * anp.dot(YT, anp.linalg.solve(k, YT)) + anp.sum(anp.log(anp.diag(anp.linalg.cholesky(k))))


def logistic_regression(w):
    """A Bayesian logistic regression's log posterior, with a Student-t prior."""
    s = XL @ w
    return np.sum(YL * sc.log_expit(s) + (1.0 - YL) * sc.log_expit(-s)) + np.sum(st.t.logpdf(w, 3.0))


def logistic_regression_ag(w):
    s = anp.dot(XL, w)
    return anp.sum(-YL * anp.log1p(anp.exp(-s)) - (1.0 - YL) * anp.log1p(anp.exp(s))) + anp.sum(ast.t.logpdf(w, 3.0))


PROGRAMS = [("elbo", elbo, (0.3, -0.2), elbo_ag), ("gp_nll", gp_nll, (0.1, 0.2), gp_nll_ag),
            ("logistic_regression", logistic_regression, (X[:3],), logistic_regression_ag)]


@pytest.mark.parametrize("program", PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_scipy_program(program):
    name, f, args, ag = program
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt if len(wrt) > 1 else 0, ag=ag, backends=("python",))


def test_scipy_program_in_a_loop_under_numba():
    check_grads(elbo, (0.3, -0.2), wrt=(0, 1), ag=elbo_ag, backends=("numba",), order=1)


def test_vjp_and_jacobians_of_array_valued_scipy_calls():
    check_vjp(lambda a: sc.softmax(a, axis=1), (M,), ag=lambda a: anp.exp(a - asp.logsumexp(a, axis=1, keepdims=True)),
              backends=("python",))
    check_vjp(lambda b: sl.solve_triangular(L, b, lower=True), (X,), ag=lambda b: asl.solve_triangular(L, b, lower=True),
              backends=("python",))


# ---------------------------------------------------------------- the kernels Numba runs, against SciPy

@numba.njit
def _kernels(x, y):
    return (rt.gammaln(x), rt.digamma(x), rt.gamma(x), rt.expit(x), rt.logit(x), rt.log_expit(x), rt.erf(x), rt.erfc(x),
            rt.erfinv(x), rt.ndtr(x), rt.log_ndtr(x), rt.polygamma(1, x), rt.polygamma(3, x), rt.beta(x, y),
            rt.betaln(x, y), rt.xlogy(x, y), rt.xlog1py(x, y))


_SCIPY = (sc.gammaln, sc.digamma, sc.gamma, sc.expit, sc.logit, sc.log_expit, sc.erf, sc.erfc, sc.erfinv, sc.ndtr,
          sc.log_ndtr, lambda x: sc.polygamma(1, x), lambda x: sc.polygamma(3, x), sc.beta, sc.betaln, sc.xlogy, sc.xlog1py)
_NAMES = ("gammaln", "digamma", "gamma", "expit", "logit", "log_expit", "erf", "erfc", "erfinv", "ndtr", "log_ndtr",
          "polygamma(1)", "polygamma(3)", "beta", "betaln", "xlogy", "xlog1py")


def _relative(ours, theirs, floor=1e-300):
    """|ours - theirs| / |theirs|; over max(|theirs|, floor) for a function that crosses zero (floor 1:
    relative to its larger values, absolute next to its zeros, where no relative accuracy is defined)."""
    same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
    with np.errstate(invalid="ignore"):
        return np.where(same, 0.0, np.abs(ours - theirs) / np.maximum(np.abs(theirs), floor))


_CROSSING_ZERO = ("gammaln", "digamma", "betaln", "logit", "xlogy", "xlog1py")


def _grid(lo, hi, n=2000):
    """n points spread over [lo, hi], logarithmically where the range spans decades of one sign."""
    if lo > 0 and hi / lo > 100:
        return np.geomspace(lo, hi, n)
    if hi < 0 and lo / hi > 100:
        return -np.geomspace(-hi, -lo, n)
    return np.linspace(lo, hi, n)


# (range of x, range of y, the functions checked there, relative tolerance): SciPy itself is
# accurate to about 1e-15 in these ranges (elsewhere its log-gamma loses digits next to 1 and 2,
# its erfc and ndtr in the tails and its beta functions of large arguments: the test below checks
# the kernels against mpmath there)
ACCURACY = [
    ((1e-300, 0.5), (0.5, 1.5), ("gammaln", "digamma", "gamma", "logit", "erf", "erfinv", "ndtr", "log_ndtr",
                                 "polygamma(1)", "polygamma(3)", "beta", "betaln", "xlogy", "xlog1py"), 1e-13),
    ((2.5, 170.0), (0.01, 10.0), ("gammaln", "digamma", "gamma", "expit", "log_expit", "erf", "ndtr",
                                 "polygamma(1)", "polygamma(3)", "betaln", "xlogy", "xlog1py"), 1e-13),
    ((170.0, 1e300), (0.5, 100.0), ("gammaln", "digamma", "expit", "log_expit", "ndtr", "xlogy", "xlog1py"), 1e-13),
    ((-40.0, 6.0), (0.5, 100.0), ("expit", "log_expit", "erf", "log_ndtr"), 1e-13),
    ((-6.0, 6.0), (0.5, 100.0), ("erfc", "ndtr"), 1e-13),
    ((-60.5, -0.01), (0.5, 100.0), ("gamma", "polygamma(1)", "polygamma(3)"), 1e-13),
    ((-1.0, 1.0), (0.5, 100.0), ("erfinv",), 1e-13),
    ((1e-8, 1.0), (0.5, 100.0), ("logit",), 1e-13),
]


@pytest.mark.parametrize("case", ACCURACY, ids=[f"x in [{c[0][0]:g}, {c[0][1]:g}]" for c in ACCURACY])
def test_kernels_agree_with_scipy(case):
    (xlo, xhi), (ylo, yhi), names, rtol = case
    x, y = _grid(xlo, xhi), np.geomspace(ylo, yhi, 2000)
    ours = _kernels(x, y)
    for name in names:
        k = _NAMES.index(name)
        theirs = _SCIPY[k](x, y) if name in ("beta", "betaln", "xlogy", "xlog1py") else _SCIPY[k](x)
        err = _relative(ours[k], theirs, 1.0 if name in _CROSSING_ZERO else 1e-300)
        assert err.max() <= rtol, f"{name}: relative error {err.max():.2e} at x = {x[np.argmax(err)]!r}"


def test_kernels_against_mpmath_where_scipy_loses_digits():
    """log-gamma next to its zeros at 1 and 2, digamma next to its zeros, the normal tail, the beta
    functions of large arguments: against mpmath (SciPy is off by up to 1e-9 there)."""
    mp = pytest.importorskip("mpmath")
    mp.mp.prec = 300
    x = np.concatenate([np.linspace(0.9, 1.1, 40), np.linspace(1.9, 2.1, 40), np.linspace(1.3, 1.6, 40),
                        np.linspace(-0.6, -0.4, 40)])
    ours = _kernels(x, x)
    for k, truth in ((0, lambda v: mp.log(abs(mp.gamma(v)))), (1, mp.digamma)):
        want = np.array([float(truth(mp.mpf(v))) for v in x])
        assert _relative(ours[k], want).max() < 1e-14, _NAMES[k]
    z = np.linspace(-38.0, 38.0, 200)
    ours = _kernels(z, z)
    want = np.array([float(mp.ncdf(mp.mpf(v))) for v in z])
    assert _relative(ours[9], want).max() < 1e-14, "ndtr"
    want = np.array([float(mp.log(mp.ncdf(v)) if v < 0 else mp.log1p(-mp.ncdf(-v))) for v in map(mp.mpf, z)])
    assert _relative(ours[10], want).max() < 1e-14, "log_ndtr"
    a, b = np.geomspace(10.0, 1e8, 100), np.geomspace(1e-3, 10.0, 100)
    for fn in (rt.betaln, _kernels):
        got = fn(a, b) if fn is rt.betaln else fn(a, b)[14]  # CPython's rt.betaln and Numba's kernel
        want = np.array([float(mp.log(mp.beta(mp.mpf(u), mp.mpf(v)))) for u, v in zip(a, b)])
        assert _relative(got, want, 1.0).max() < 1e-14


_EDGES = np.array([0.0, -0.0, -1.0, -2.0, 2.0, 0.5, -1.5, np.inf, -np.inf, np.nan])


def test_kernels_at_the_edges_agree_with_scipy():
    """Poles, zeros, infinities and nan, in every pair: the values SciPy gives (but for the sign of
    beta's infinity where both arguments are poles, which has no limit)."""
    x, y = (v.ravel() for v in np.meshgrid(_EDGES, _EDGES))
    ours = _kernels(x, y)
    for k, name in enumerate(_NAMES):
        theirs = _SCIPY[k](x, y) if name in ("beta", "betaln", "xlogy", "xlog1py") else _SCIPY[k](x)
        if name == "beta":
            ours_k, theirs = np.where(np.isinf(ours[k]), np.abs(ours[k]), ours[k]), np.where(np.isinf(theirs), np.abs(theirs), theirs)
        else:
            ours_k = ours[k]
        np.testing.assert_allclose(ours_k, theirs, rtol=1e-13, equal_nan=True, err_msg=name)
    np.testing.assert_allclose(_kernels(np.array([-1.0, -2.0, -3.0]), np.array([1.0, 2.0, 2.0]))[13],
                               sc.beta([-1.0, -2.0, -3.0], [1.0, 2.0, 2.0]))


# ---------------------------------------------------------------- names, objects and refusals

def test_the_ways_scipy_objects_are_named():
    """scipy.stats.norm.logpdf, norm.logpdf (imported), scipy.special.gammaln and gammaln (imported):
    a bound method is a new object at each lookup, so it is found by its function and instance."""
    assert st.norm.logpdf is not st.norm.logpdf

    def f(x):
        return np.sum(scipy.stats.norm.logpdf(x, 0.5, 2.0) + norm.logpdf(x, 0.5, 2.0)
                      + scipy.special.gammaln(x + 3.0) + gammaln(x + 3.0))
    g = adc.grad(f, backend="python")(X)
    np.testing.assert_allclose(g, 2.0 * (-(X - 0.5) / 4.0 + sc.digamma(X + 3.0)), rtol=1e-12)
    np.testing.assert_allclose(adc.grad(sc.gammaln, backend="python")(2.5), sc.digamma(2.5), rtol=1e-14)


def test_adc_does_not_import_scipys_modules():
    """adc ties SciPy's objects to its rules once the user's code imports them (importing
    scipy.stats alone takes a second)."""
    code = "import sys, adc, adc_runtime; assert not {'scipy.special', 'scipy.stats', 'scipy.linalg'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_dirichlet_raises_as_scipy_does(backend):
    def f(alpha):
        return st.dirichlet.logpdf(np.array([0.2, 0.3, 0.4]), alpha)
    with pytest.raises(ValueError, match="simplex"):
        st.dirichlet.logpdf(np.array([0.2, 0.3, 0.4]), ALPHA)
    with pytest.raises(ValueError, match="simplex"):
        adc.grad(f, backend=backend)(ALPHA)


DENSITIES = [lambda x, a, s: st.gamma.logpdf(x, a, scale=s), lambda x, a, s: st.beta.logpdf(x, a, 2.0, 0.0, s),
             lambda x, a, s: st.norm.logpdf(x, 0.0, s), lambda x, a, s: st.t.logpdf(x, a, 0.0, s),
             lambda x, a, s: st.poisson.logpmf(x, a), lambda x, a, s: st.norm.cdf(x, a, s)]


@pytest.mark.parametrize("density", DENSITIES, ids=["gamma", "beta", "norm", "t", "poisson", "norm.cdf"])
def test_densities_mask_as_scipy_does(density):
    """-inf outside the support, nan for invalid parameters or a nan point: the values SciPy gives."""
    value_and_grad = adc.value_and_grad(density, wrt=1, backend="python")
    with np.errstate(all="ignore"):
        for x, a, s in ((-0.5, 2.0, 1.0), (0.0, 2.0, 1.0), (1.0, 2.0, 1.0), (0.5, 1.0, 1.0), (1.5, 2.0, 1.0),
                        (0.5, -1.0, 1.0), (0.5, 2.0, -1.0), (0.5, 2.0, 0.0), (np.nan, 2.0, 1.0), (3.0, 0.0, 1.0)):
            np.testing.assert_allclose(value_and_grad(x, a, s)[0], density(x, a, s), rtol=1e-13,
                                       err_msg=f"at x={x}, a={a}, scale={s}")


REFUSED = [
    (lambda x: np.sum(st.norm.ppf(x)), "scipy.stats.norm.ppf, which adc has no derivative rule for"),
    (lambda x: np.sum(st.norm.ppf(x, loc=1.0)), "scipy.stats.norm.ppf, which adc has no derivative rule for"),
    (lambda x: np.sum(st.expon.logpdf(x)), "scipy.stats.expon.logpdf"),
    (lambda x: np.sum(st.norm(0.0, 1.0).logpdf(x)), "a frozen scipy.stats distribution"),
    (lambda x: np.sum(sc.logsumexp(x, axis=(0,))), "axis=(0,)"),
    (lambda x: np.sum(sc.softmax(x, axis=x.shape[0] - 5)), "a computed axis="),
    (lambda x: np.sum(sc.polygamma(1.0, x)), "integer order n"),
    (lambda x: np.sum(sl.solve_triangular(L, x, unit_diagonal=True)), "unit_diagonal=True"),
    (lambda x: np.sum(sl.cho_solve(L, x)), "the pair (c, lower) of cho_factor"),
    (lambda x: st.multivariate_normal.logpdf(x, x, L, allow_singular=True), "allow_singular=True"),
    (lambda x: np.sum(st.norm.logpdf(x, scales=2.0)), "the keyword scales= of scipy.stats.norm.logpdf"),
    (lambda x: np.sum(sc.gammaln(x + 1j)), "scipy.special.gammaln for complex arguments"),
    (lambda x: sc.logsumexp(x[0]), "logsumexp and log_softmax of a number"),
    (lambda x: np.abs(sc.logsumexp(x + 1j)), "scipy.special.logsumexp for complex arguments"),
    (lambda x: np.sum(st.norm.logpdf(x + 1j)), "for complex arguments"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c[1] for c in REFUSED])
def test_refused_with_a_reason(case):
    f, message = case
    with pytest.raises(AdcError) as info:
        adc.grad(f, backend="python")(X)
    assert message in str(info.value), str(info.value)
