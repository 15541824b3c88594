"""scipy.stats densities, as call forms over scipy.special's rules and NumPy's.

Contract: `forms(stats)` maps the methods of scipy.stats' distributions adc differentiates
(bound methods of the module's distribution instances) to their `Form`: its parameters with
SciPy's defaults and how its call is lowered (a template applied to the bound arguments).
`is_distribution`, `name_of` and `refuse` serve scicalls.py.

Each density is SciPy's formula for standardized z = np.divide(x - loc, scale), less log(scale), masked
as scipy.stats masks it (`rt.density`): -inf outside the support, nan where the parameters are
invalid (scale <= 0, a shape <= 0, mu < 0) or the point is nan. A pdf or pmf is the exponential
of its logarithm. multivariate_normal.logpdf goes through the Cholesky factor of cov (SciPy uses
an eigendecomposition: the values agree to rounding for a positive-definite cov) and
dirichlet.logpdf raises where SciPy's checks of x and alpha raise. Differences from SciPy:
t with df = inf is not the normal density here (nan), a 2-D x of multivariate_normal with one
row gives one value in an array (SciPy squeezes it to a number), and dirichlet's x must have
one entry per alpha (SciPy also completes k - 1 entries).

The templates divide with np.divide: a division by a zero scale is nan, as in SciPy, where
`/` of two numbers would raise ZeroDivisionError as Python's does.
"""
import sys

import numpy as np

import adc_runtime as rt

REQUIRED = object()  # a parameter without a default


class Form:
    """A SciPy call: its parameters ((name, default) in order), which of them must be constants,
    and `lower(lw, node, bound)`, given the bound arguments by name."""

    def __init__(self, params, lower, consts=()):
        self.params, self.lower, self.consts = params, lower, tuple(consts)


# ---------------------------------------------------------------- the densities, standardized

def _norm_logpdf(x, loc, scale):
    z = np.divide(x - loc, scale)
    return rt.density(-0.5 * z * z - 0.9189385332046728 - np.log(scale), scale > 0, True)  # log(2 pi) / 2


def _norm_cdf(x, loc, scale):
    return rt.density(rt.ndtr(np.divide(x - loc, scale)), scale > 0, True)


def _norm_logcdf(x, loc, scale):
    return rt.density(rt.log_ndtr(np.divide(x - loc, scale)), scale > 0, True)


def _norm_sf(x, loc, scale):
    return rt.density(rt.ndtr(np.divide(loc - x, scale)), scale > 0, True)


def _norm_logsf(x, loc, scale):
    return rt.density(rt.log_ndtr(np.divide(loc - x, scale)), scale > 0, True)


def _t_logpdf(x, df, loc, scale):
    """log(Gamma((df + 1) / 2) / Gamma(df / 2)) = log Gamma(1/2) - betaln(df / 2, 1/2): no large
    logarithms cancel for a large df."""
    z = np.divide(x - loc, scale)
    lp = (0.5723649429247001 - rt.betaln(0.5 * df, 0.5) - 0.5 * (np.log(df) + 1.1447298858494002)
          - 0.5 * (df + 1.0) * np.log1p(np.divide(z * z, df)) - np.log(scale))
    return rt.density(lp, np.logical_and(df > 0, scale > 0), True)


def _gamma_logpdf(x, a, loc, scale):
    z = np.divide(x - loc, scale)
    lp = rt.xlogy(a - 1.0, z) - z - rt.gammaln(a) - np.log(scale)
    ok = np.logical_and(np.logical_and(a > 0, scale > 0), np.logical_not(np.isnan(z)))
    return rt.density(lp, ok, z >= 0)


def _beta_logpdf(x, a, b, loc, scale):
    z = np.divide(x - loc, scale)
    lp = rt.xlog1py(b - 1.0, -z) + rt.xlogy(a - 1.0, z) - rt.betaln(a, b) - np.log(scale)
    ok = np.logical_and(np.logical_and(np.logical_and(a > 0, b > 0), scale > 0), np.logical_not(np.isnan(z)))
    return rt.density(lp, ok, np.logical_and(z >= 0, z <= 1))


def _poisson_logpmf(k, mu, loc):
    """k is data: the pmf is not differentiable in it."""
    j = rt.stop_gradient(k - loc)
    lp = rt.xlogy(j, mu) - rt.gammaln(j + 1.0) - mu
    return rt.density(lp, np.logical_and(mu >= 0, np.logical_not(np.isnan(j))), np.logical_and(j >= 0, np.floor(j) == j))


def _mvn_logpdf(x, mean, cov):
    """x of shape (d,) (one point: a number) or (n, d) (n points: n values)."""
    factor = np.linalg.cholesky(cov)
    z = rt.solve_lower(factor, np.transpose(x - mean))
    return -0.5 * rt.sum_axis(z * z, 0) - np.sum(np.log(np.diag(factor))) - 0.9189385332046728 * cov.shape[0]


def _dirichlet_logpdf(x, alpha):
    """x of shape (k,) (one point) or (k, n) (n points, as SciPy takes them)."""
    lnb = np.sum(rt.gammaln(alpha)) - rt.gammaln(np.sum(alpha))
    return rt.sum_axis(np.transpose(rt.xlogy(alpha - 1.0, np.transpose(x))), 0) - lnb


# ---------------------------------------------------------------- lowering

def _apply(template, names, exp=False, check=None):
    """A form's `lower`: `template` applied to the bound arguments `names` (exponentiated for a
    pdf or pmf), after the call `check` of SciPy's checks, if any."""
    def lower(lw, node, bound):
        args = [bound[n] for n in names]
        if check is not None:
            lw.b.emit("call", args, nresults=0, attrs={"fn": check, "check": True})
        out = lw.apply_template(template, args)
        return lw.call_rule(node, np.exp, [out]) if exp else out
    return lower


def _mvn(exp):
    def lower(lw, node, bound):
        if bound["allow_singular"] is not False:
            lw.fail(node, "multivariate_normal with allow_singular=True", "adc takes a positive-definite cov")
        if bound["cov"] is None:
            lw.fail(node, "multivariate_normal without cov", "pass cov, a 2-D array")
        mean = bound["mean"] if bound["mean"] is not None else lw.b.const(0.0)
        out = lw.apply_template(_mvn_logpdf, [bound["x"], mean, bound["cov"]])
        return lw.call_rule(node, np.exp, [out]) if exp else out
    return lower


_LOC_SCALE = (("loc", 0.0), ("scale", 1.0))
_X = (("x", REQUIRED),)
_NORM = {"logpdf": _norm_logpdf, "cdf": _norm_cdf, "logcdf": _norm_logcdf, "sf": _norm_sf, "logsf": _norm_logsf}


def forms(stats):
    """scipy.stats' methods adc differentiates -> their forms."""
    out = {}

    def density(dist, shapes, template, extra=_LOC_SCALE, log="logpdf", plain="pdf"):
        params = _X + tuple((s, REQUIRED) for s in shapes) + extra
        names = [p[0] for p in params]
        out[getattr(dist, log)] = Form(params, _apply(template, names))
        out[getattr(dist, plain)] = Form(params, _apply(template, names, exp=True))
    for method, template in _NORM.items():
        out[getattr(stats.norm, method)] = Form(_X + _LOC_SCALE, _apply(template, ["x", "loc", "scale"]))
    out[stats.norm.pdf] = Form(_X + _LOC_SCALE, _apply(_norm_logpdf, ["x", "loc", "scale"], exp=True))
    density(stats.t, ("df",), _t_logpdf)
    density(stats.gamma, ("a",), _gamma_logpdf)
    density(stats.beta, ("a", "b"), _beta_logpdf)
    poisson = (("k", REQUIRED), ("mu", REQUIRED), ("loc", 0.0))
    out[stats.poisson.logpmf] = Form(poisson, _apply(_poisson_logpmf, ["k", "mu", "loc"]))
    out[stats.poisson.pmf] = Form(poisson, _apply(_poisson_logpmf, ["k", "mu", "loc"], exp=True))
    mvn = _X + (("mean", None), ("cov", None), ("allow_singular", False))
    out[stats.multivariate_normal.logpdf] = Form(mvn, _mvn(False), consts=("allow_singular",))
    out[stats.multivariate_normal.pdf] = Form(mvn, _mvn(True), consts=("allow_singular",))
    dirichlet = _X + (("alpha", REQUIRED),)
    out[stats.dirichlet.logpdf] = Form(dirichlet, _apply(_dirichlet_logpdf, ["x", "alpha"], check="rt.dirichlet_check"))
    out[stats.dirichlet.pdf] = Form(dirichlet, _apply(_dirichlet_logpdf, ["x", "alpha"], exp=True,
                                                      check="rt.dirichlet_check"))
    return out


_SUPPORTED = "norm (logpdf, pdf, cdf, logcdf, sf, logsf), t, gamma, beta (logpdf, pdf), poisson (logpmf, pmf), " \
             "multivariate_normal (logpdf, pdf) and dirichlet (logpdf, pdf)"


def is_distribution(obj):
    """A distribution of scipy.stats (norm, multivariate_normal, ..., or a frozen one)."""
    stats = sys.modules.get("scipy.stats")
    if stats is None or not type(obj).__module__.startswith("scipy.stats"):
        return False
    bases = tuple(getattr(stats, n) for n in ("rv_continuous", "rv_discrete") if hasattr(stats, n))
    multi = sys.modules.get("scipy.stats._multivariate")
    frozen = sys.modules.get("scipy.stats._distn_infrastructure")
    bases += tuple(getattr(m, n) for m, n in ((multi, "multi_rv_generic"), (multi, "multi_rv_frozen"),
                                             (frozen, "rv_frozen")) if m is not None and hasattr(m, n))
    return isinstance(obj, bases)


def name_of(dist):
    return getattr(dist, "name", None) or type(dist).__name__.removesuffix("_gen")


def refuse(lw, node, fn):
    """A call of scipy.stats adc has no form for: a frozen distribution, or a method it lacks."""
    owner = getattr(fn, "__self__", None)
    if owner is None or not hasattr(fn, "__func__") or "frozen" in type(owner).__name__:
        lw.fail(node, "a frozen scipy.stats distribution", "call the distribution's method with its parameters: "
                "scipy.stats.norm.logpdf(x, loc, scale)")
    lw.fail(node, f"scipy.stats.{name_of(owner)}.{fn.__name__}, which adc has no derivative rule for",
            f"adc differentiates scipy.stats' {_SUPPORTED}; write others with NumPy and scipy.special")
