"""What generated code calls for SciPy functions (adc/rules/scipy.py has their derivative rules).

Under CPython each special function is scipy.special's own (imported on first use); under
Numba, which has no scipy.special, an overload maps the kernel of runtime/special.py over
numbers and arrays of any rank (broadcasting the arguments of the binary ones). Also here:
triangular solves (scipy.linalg.solve_triangular), the masks of scipy.stats densities
(`density`), the shift of a log-sum-exp (`finite_max`) and the checks SciPy makes of a
Dirichlet density's arguments, raising as SciPy does.
"""
import math

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from . import special as _kernel

_NUMBER = (types.Float, types.Integer, types.Boolean)


def _scipy(module="special"):
    import importlib
    return importlib.import_module("scipy." + module)


def _scalar(out):
    """A 0-d result as a number, as NumPy's ufuncs give it."""
    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out


def _unary_overload(kernel):
    """`kernel` mapped over a number or an array (one loop over its elements: cheap to compile)."""
    def typer(x):
        if isinstance(x, _NUMBER):
            return lambda x: kernel(np.float64(x))
        if isinstance(x, types.Array):
            def impl(x):
                flat = np.ascontiguousarray(x).reshape(x.size)
                out = np.empty(x.size)
                for i in range(x.size):
                    out[i] = kernel(np.float64(flat[i]))
                return out.reshape(x.shape)
            return impl
        return None
    return typer


@register_jitable
def _span(n, m):
    """The length of an axis of lengths n and m broadcast together."""
    if n == m or m == 1:
        return n
    if n == 1:
        return m
    raise ValueError("operands could not be broadcast together")


def _matrix(x):
    return x


@overload(_matrix)
def _matrix_numba(x):
    if x.ndim == 1:
        return lambda x: np.ascontiguousarray(x).reshape((1, x.shape[0]))
    return lambda x: x


def _binary_overload(kernel):
    """`kernel` mapped over two numbers or arrays, broadcast as NumPy broadcasts them: loops written
    out for arrays of 1 and 2 dimensions (Numba's broadcast_to and ndindex cost seconds to compile),
    those for more dimensions."""
    def typer(a, b):
        if isinstance(a, _NUMBER) and isinstance(b, _NUMBER):
            return lambda a, b: kernel(np.float64(a), np.float64(b))
        if isinstance(a, types.Array) and isinstance(b, _NUMBER):
            def left(a, b):
                flat, out = np.ascontiguousarray(a).reshape(a.size), np.empty(a.size)
                for i in range(a.size):
                    out[i] = kernel(np.float64(flat[i]), np.float64(b))
                return out.reshape(a.shape)
            return left
        if isinstance(a, _NUMBER) and isinstance(b, types.Array):
            def right(a, b):
                flat, out = np.ascontiguousarray(b).reshape(b.size), np.empty(b.size)
                for i in range(b.size):
                    out[i] = kernel(np.float64(a), np.float64(flat[i]))
                return out.reshape(b.shape)
            return right
        if not (isinstance(a, types.Array) and isinstance(b, types.Array)):
            return None
        if max(a.ndim, b.ndim) > 2:
            def general(a, b):
                shape = np.broadcast_shapes(np.shape(a), np.shape(b))
                aa, bb = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
                out = np.empty(shape)
                for idx in np.ndindex(shape):
                    out[idx] = kernel(np.float64(aa[idx]), np.float64(bb[idx]))
                return out
            return general

        if a.ndim == 1 and b.ndim == 1:
            def vectors(a, b):
                n = _span(a.shape[0], b.shape[0])
                out = np.empty(n)
                for i in range(n):
                    out[i] = kernel(np.float64(a[i if a.shape[0] > 1 else 0]), np.float64(b[i if b.shape[0] > 1 else 0]))
                return out
            return vectors

        def matrices(a, b):
            p, q = _matrix(a), _matrix(b)
            rows, cols = _span(p.shape[0], q.shape[0]), _span(p.shape[1], q.shape[1])
            out = np.empty((rows, cols))
            for i in range(rows):
                ip, iq = (i if p.shape[0] > 1 else 0), (i if q.shape[0] > 1 else 0)
                for j in range(cols):
                    out[i, j] = kernel(np.float64(p[ip, j if p.shape[1] > 1 else 0]),
                                       np.float64(q[iq, j if q.shape[1] > 1 else 0]))
            return out
        return matrices
    return typer


def _special(name, kernel, nargs, scipy_name=None):
    """rt.`name`: scipy.special.`scipy_name` under CPython, `kernel` mapped over the arguments under Numba."""
    home = scipy_name or name
    if nargs == 1:
        def f(x):
            return getattr(_scipy(), home)(x)
    else:
        def f(a, b):
            return _scalar(getattr(_scipy(), home)(a, b))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"scipy.special.{home}, also under Numba"
    overload(f)(_unary_overload(kernel) if nargs == 1 else _binary_overload(kernel))
    return f


gammaln = _special("gammaln", _kernel.lgamma, 1)
digamma = _special("digamma", _kernel.digamma, 1)
gamma = _special("gamma", _kernel.gamma, 1)
expit = _special("expit", _kernel.expit, 1)
logit = _special("logit", _kernel.logit, 1)
log_expit = _special("log_expit", _kernel.log_expit, 1)
erf = _special("erf", _kernel.erf, 1)
erfc = _special("erfc", _kernel.erfc, 1)
erfinv = _special("erfinv", _kernel.erfinv, 1)
ndtr = _special("ndtr", _kernel.ndtr, 1)
log_ndtr = _special("log_ndtr", _kernel.log_ndtr, 1)
polygamma = _special("polygamma", _kernel.polygamma, 2)
_scipy_beta = _special("beta", _kernel.beta, 2)
_scipy_betaln = _special("betaln", _kernel.lbeta, 2)


def betaln(a, b):
    """scipy.special.betaln, but where one argument is past 10 and the other positive: there SciPy
    multiplies gamma functions of a rounded a + b, or past 171 subtracts large log-gamma values (a
    relative error up to 1e-9, at betaln(1e4, 0.5)), and this takes Stirling's forms, as the Numba
    kernel does (runtime/special.py)."""
    out = _scipy_betaln(a, b)
    p, q = np.minimum(a, b), np.maximum(a, b)
    large = (p > 0) & (q >= 10.0) & (q < np.inf)
    if np.any(large):
        out = np.where(large, _lbeta_large(np.where(large, p, 1.0), np.where(large, q, 200.0)), out)
    return _scalar(out)


def beta(a, b):
    """scipy.special.beta, but exp(betaln) where betaln takes Stirling's forms."""
    out = _scipy_beta(a, b)
    p, q = np.minimum(a, b), np.maximum(a, b)
    large = (p > 0) & (q >= 10.0) & (q < np.inf)
    if np.any(large):
        out = np.where(large, np.exp(_lbeta_large(np.where(large, p, 1.0), np.where(large, q, 200.0))), out)
    return _scalar(out)


def _lbeta_large(p, q):
    """log B(p, q) for 0 < p <= q, q >= 10, as runtime/special.py's lbeta computes it."""
    r = p / (p + q)
    stirling = _kernel._stirling_correction
    both = (-0.5 * np.log(q) + _kernel._LOG_SQRT_2PI + stirling(np.maximum(p, 10.0)) + stirling(q) - stirling(p + q)
            + (p - 0.5) * np.log(r) + q * np.log1p(-r))
    one = _scipy().gammaln(p) + stirling(q) - stirling(p + q) + p - p * np.log(p + q) + (q - 0.5) * np.log1p(-r)
    return np.where(p >= 10.0, both, one)


overload(betaln)(_binary_overload(_kernel.lbeta))
overload(beta)(_binary_overload(_kernel.beta))
xlogy = _special("xlogy", _kernel.xlogy, 2)
xlog1py = _special("xlog1py", _kernel.xlog1py, 2)


# ---------------------------------------------------------------- scipy.stats: masks of a density

def density(lp, ok, inside):
    """A log-density `lp` where the parameters are valid (`ok`) and the point in the support
    (`inside`); -inf outside the support, nan for invalid parameters (scipy.stats' convention)."""
    return _scalar(np.where(ok, np.where(inside, lp, -np.inf), np.nan))


@register_jitable
def _inside1(lp, inside):
    return lp if inside != 0.0 else -np.inf


@register_jitable
def _valid1(lp, ok):
    return lp if ok != 0.0 else np.nan


def _inside(lp, inside):
    pass


def _valid(lp, ok):
    pass


overload(_inside)(_binary_overload(_inside1))
overload(_valid)(_binary_overload(_valid1))


@overload(density)
def _density_numba(lp, ok, inside):
    return lambda lp, ok, inside: _valid(_inside(lp, inside), ok)


# ---------------------------------------------------------------- scipy.special.logsumexp: the shift

def finite_max(a):
    """The largest element of `a`, or 0 where it is not finite: log-sum-exp subtracts it first."""
    m = np.max(a)
    return m if np.isfinite(m) else 0.0


def finite_max_axis(a, axis):
    """finite_max along `axis` (arrays of 1 and 2 dimensions)."""
    m = np.max(a, axis=axis)
    return np.where(np.isfinite(m), m, 0.0) if np.ndim(m) else (m if np.isfinite(m) else 0.0)


@overload(finite_max)
def _finite_max_numba(a):
    def impl(a):
        m = np.max(a)
        return m if math.isfinite(m) else 0.0
    return impl


@overload(finite_max_axis)
def _finite_max_axis_numba(a, axis):
    from . import max_axis

    if a.ndim == 1:
        def impl1(a, axis):
            m = max_axis(a, axis)
            return m if np.isfinite(m) else 0.0
        return impl1

    def impl2(a, axis):
        m = max_axis(a, axis)
        for i in range(m.shape[0]):
            if not math.isfinite(m[i]):
                m[i] = 0.0
        return m
    return impl2


def keep_all(y, a):
    """Number `y` as an array of `a`'s rank with every axis of length 1 (keepdims=True of a whole-array reduction)."""
    return np.reshape(y, (1,) * np.ndim(a))


@overload(keep_all)
def _keep_all_numba(y, a):
    if a.ndim == 1:
        return lambda y, a: np.full(1, y)
    return lambda y, a: np.full((1, 1), y)


# ---------------------------------------------------------------- scipy.linalg: triangular solves

def solve_lower(a, b):
    """scipy.linalg.solve_triangular(a, b, lower=True): reads the lower triangle of `a` only."""
    return _scipy("linalg").solve_triangular(a, b, lower=True)


def solve_upper(a, b):
    """scipy.linalg.solve_triangular(a, b, lower=False): reads the upper triangle of `a` only."""
    return _scipy("linalg").solve_triangular(a, b, lower=False)


@register_jitable
def _check_triangular(a, b):
    if a.shape[0] != a.shape[1]:
        raise ValueError("expected square matrix")
    if a.shape[0] != b.shape[0]:
        raise ValueError("shapes of a and b are incompatible")
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if not math.isfinite(a[i, j]):
                raise ValueError("array must not contain infs or NaNs")
    for v in b.ravel():
        if not math.isfinite(v):
            raise ValueError("array must not contain infs or NaNs")
    for i in range(a.shape[0]):
        if a[i, i] == 0.0:
            raise np.linalg.LinAlgError("singular matrix: resolution failed at a zero on the diagonal")


@register_jitable
def _substitute(a, b, lower):
    """x with a x = b, by forward (lower) or backward substitution; b of one or two dimensions
    (its columns solved one after another, element by element: cheap to compile)."""
    _check_triangular(a, b)
    n = a.shape[0]
    x = np.empty(b.shape)
    flat = x.reshape(b.size)
    cols = b.size // max(n, 1)
    source = np.ascontiguousarray(b).reshape(b.size)
    for c in range(cols):
        for step in range(n):
            i = step if lower else n - 1 - step
            lo, hi = (0, i) if lower else (i + 1, n)
            acc = source[i * cols + c]
            for j in range(lo, hi):
                acc -= a[i, j] * flat[j * cols + c]
            flat[i * cols + c] = acc / a[i, i]
    return x


@overload(solve_lower)
def _solve_lower_numba(a, b):
    return lambda a, b: _substitute(a, b, True)


@overload(solve_upper)
def _solve_upper_numba(a, b):
    return lambda a, b: _substitute(a, b, False)


# ---------------------------------------------------------------- scipy.stats.dirichlet: SciPy's checks

def dirichlet_check(x, alpha):
    """Raise the ValueError scipy.stats.dirichlet raises for these arguments (adc takes x with one
    entry per alpha: a point of shape (k,), or k rows of points)."""
    if np.ndim(alpha) != 1:
        raise ValueError("Parameter vector 'a' must be one dimensional")
    if np.any(alpha <= 0):
        raise ValueError("All parameters must be greater than 0")
    if np.shape(x)[0] != np.shape(alpha)[0]:
        raise ValueError("Vector 'x' must have one entry per alpha (adc does not complete a vector of "
                         "k - 1 entries)")
    _dirichlet_points(x, alpha)


@register_jitable
def _dirichlet_points(x, alpha):
    """SciPy's checks of points x, k rows of n points (a point of k entries is n = 1), in its order."""
    k, n = alpha.shape[0], x.size // alpha.shape[0]
    flat = np.ascontiguousarray(x).reshape(x.size)
    for v in flat:
        if v < 0:
            raise ValueError("Each entry in 'x' must be greater than or equal to zero.")
    for v in flat:
        if v > 1:
            raise ValueError("Each entry in 'x' must be smaller or equal one.")
    for i in range(k):
        for p in range(n):
            if flat[i * n + p] == 0 and alpha[i] < 1:
                raise ValueError("Each entry in 'x' must be greater than zero if its alpha is less than one.")
    for p in range(n):
        total = 0.0
        for i in range(k):
            total += flat[i * n + p]
        if abs(total - 1.0) > 10e-10:
            raise ValueError("The input vector 'x' must lie within the normal simplex.")


@overload(dirichlet_check)
def _dirichlet_check_numba(x, alpha):
    def impl(x, alpha):
        for a in alpha:
            if a <= 0:
                raise ValueError("All parameters must be greater than 0")
        if x.shape[0] != alpha.shape[0]:
            raise ValueError("Vector 'x' must have one entry per alpha")
        _dirichlet_points(x, alpha)
    return impl
