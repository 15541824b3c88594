"""What derivatives compiled for CUDA (backend="cuda") call at run time.

Generated CUDA code imports this module as `rt`: it holds every helper of adc_runtime, and in
place of those that raise, twins that report. A GPU thread cannot raise: each thread has a
`status` row of two int64 (`STATUS_WIDTH`), the first error's code (0: none) and, for a stack
that would overflow, the depth it needed. A check returns True when it failed; the generated
code then returns from the thread at once (nothing is read out of bounds), and the host raises
the error (`ERRORS`) of the first thread that failed, or grows the stacks and runs again.
"""
import math

import numpy as np
from numba.extending import register_jitable

import adc_runtime as _cpu

globals().update({k: v for k, v in vars(_cpu).items() if not k.startswith("_") and k not in ("math", "np")})

STATUS_WIDTH = 2  # per thread: the error code, the stack depth needed
INDEX, DIVISION, POWER, DOMAIN, RANGE, NAN_TO_INT, INF_TO_INT, STACK = range(1, 9)
ERRORS = {INDEX: (IndexError, "index out of bounds"),
          DIVISION: (ZeroDivisionError, "division by zero"),
          POWER: (ZeroDivisionError, "0.0 cannot be raised to a negative power"),
          DOMAIN: (ValueError, "math domain error"),
          RANGE: (OverflowError, "math range error"),
          NAN_TO_INT: (ValueError, "cannot convert float NaN to integer"),
          INF_TO_INT: (OverflowError, "cannot convert float infinity to integer")}


@register_jitable
def fail(status, code):
    """Record `code` unless an error came first; True."""
    if status[0] == 0:
        status[0] = code
    return True


@register_jitable
def full(status, stack, top, n):
    """Whether `n` more entries above `top` overflow this thread's `stack` (the depth it needs is
    recorded, so that the host runs again with stacks that large)."""
    if top + n > stack.shape[0]:
        status[1] = max(status[1], top + n)
        return fail(status, STACK)
    return False


@register_jitable
def check_index(status, i, n):
    if i < -n or i >= n:
        return fail(status, INDEX)
    return False


@register_jitable
def check_loop_index(status, trips, first, last, n):
    if trips > 0:
        return check_index(status, first, n) or check_index(status, last, n)
    return False


@register_jitable
def check_divisor(status, b):
    if b == 0:
        return fail(status, DIVISION)
    return False


@register_jitable
def check_pow(status, a, b):
    if a == 0 and b < 0:
        return fail(status, POWER)
    return False


def _in_domain(f, ok):
    def checked(status, x):
        if not ok(x):
            fail(status, DOMAIN)
            return math.nan
        return f(x)
    checked.__name__ = checked.__qualname__ = f.__name__
    checked.__doc__ = f"math.{f.__name__}(x), reporting CPython's errors"
    return register_jitable(checked)


def _may_overflow(f, beyond, odd):
    """f(x) for a function that overflows past |x| = `beyond` (exp, expm1: above it only; `odd`:
    to -inf below -beyond, as sinh)."""
    def checked(status, x):
        if x > beyond:
            fail(status, RANGE)
            return math.inf
        if x < -beyond and odd is not None:
            fail(status, RANGE)
            return -math.inf if odd else math.inf
        return f(x)
    checked.__name__ = checked.__qualname__ = f.__name__
    checked.__doc__ = f"math.{f.__name__}(x), reporting CPython's errors"
    return register_jitable(checked)


def _integral(f):
    def checked(status, x):
        if math.isnan(x):
            fail(status, NAN_TO_INT)
            return 0
        if math.isinf(x):
            fail(status, INF_TO_INT)
            return 0
        return f(x)
    checked.__name__ = checked.__qualname__ = f.__name__
    checked.__doc__ = f"math.{f.__name__}(x), reporting CPython's errors"
    return register_jitable(checked)


@register_jitable
def pow(status, a, b):  # noqa: A001  (rt.pow is math.pow)
    """math.pow: a negative base to a non-integer power and zero to a negative power are domain
    errors, an overflow a range error."""
    if (a < 0 and math.isfinite(a) and math.isfinite(b) and b != math.floor(b)) or (a == 0 and b < 0):
        fail(status, DOMAIN)
        return math.nan
    y = math.pow(a, b)
    if math.isinf(y) and math.isfinite(a) and math.isfinite(b):
        fail(status, RANGE)
    return y


sin, cos, tan = (_in_domain(getattr(math, _name), _cpu._finite_or_nan) for _name in ("sin", "cos", "tan"))
log, log2, log10 = (_in_domain(getattr(math, _name), _cpu._positive_or_nan) for _name in ("log", "log2", "log10"))
sqrt = _in_domain(math.sqrt, register_jitable(lambda x: not x < 0))
asin, acos = (_in_domain(getattr(math, _name), register_jitable(lambda x: not abs(x) > 1)) for _name in ("asin", "acos"))
acosh = _in_domain(math.acosh, register_jitable(lambda x: not x < 1))
atanh = _in_domain(math.atanh, register_jitable(lambda x: not abs(x) >= 1))
log1p = _in_domain(math.log1p, register_jitable(lambda x: not x <= -1))
_EXP_MAX, _SINH_MAX = 709.782712893384, 710.4758600739439  # the largest x whose exp (sinh, cosh) is finite
exp, expm1 = (_may_overflow(getattr(math, _name), _EXP_MAX, None) for _name in ("exp", "expm1"))
sinh, cosh = _may_overflow(math.sinh, _SINH_MAX, True), _may_overflow(math.cosh, _SINH_MAX, False)
floor, ceil, trunc = (_integral(getattr(math, _name)) for _name in ("floor", "ceil", "trunc"))


# ---------------------------------------------------------------- NumPy's functions of numbers
#
# Numba's CUDA target types NumPy's trigonometric ufuncs on numbers but not these: generated CUDA
# code spells np.<name>(numbers) as rt.np_<name>, with NumPy's values (nan and inf, no errors).

@register_jitable
def _floor(x):
    return x // 1.0 if math.isfinite(x) else x  # a float: math.floor's int would overflow


@register_jitable
def _ceil(x):
    return -((-x) // 1.0) if math.isfinite(x) else x


@register_jitable
def _rint(x):
    r = _floor(x + 0.5)
    if r - x == 0.5 and r - 2.0 * _floor(r / 2.0) != 0:
        r -= 1.0
    return math.copysign(r, x) if math.isfinite(x) else x  # rint(-0.4) is -0.0


@register_jitable
def _cbrt(x):
    y = math.copysign(abs(x) ** (1.0 / 3.0), x)
    if y != 0 and math.isfinite(y):
        y -= (y * y * y - x) / (3.0 * y * y)  # one Newton step to the last bit
    return y


@register_jitable
def _sign(x):
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return x if x != x else 0.0  # nan's sign is nan, a zero's 0.0


def _logaddexp_in(log1p_of):
    """log(b**a + b**c)/log(b) without overflow, for base e (np.logaddexp) and 2 (np.logaddexp2):
    the larger plus log1p_of(-|a - c|)."""
    def logaddexp(a, b):
        if math.isnan(a) or math.isnan(b):
            return a + b
        m = max(a, b)
        if math.isinf(m):
            return m + 0.0 if a == b else m
        return m + log1p_of(-abs(a - b))
    return register_jitable(logaddexp)


_logaddexp = _logaddexp_in(register_jitable(lambda d: math.log1p(math.exp(d))))
_logaddexp2 = _logaddexp_in(register_jitable(lambda d: math.log1p(math.pow(2.0, d)) / math.log(2.0)))


NUMPY = {
    "abs": register_jitable(lambda x: abs(x)), "absolute": register_jitable(lambda x: abs(x)),
    "fabs": register_jitable(lambda x: math.fabs(x)), "add": register_jitable(lambda a, b: a + b),
    "subtract": register_jitable(lambda a, b: a - b), "multiply": register_jitable(lambda a, b: a * b),
    "negative": register_jitable(lambda x: -x), "positive": register_jitable(lambda x: +x),
    "square": register_jitable(lambda x: x * x), "reciprocal": register_jitable(lambda x: 1.0 / x),
    "cbrt": _cbrt, "ceil": _ceil, "floor": _floor, "rint": _rint,
    "trunc": register_jitable(lambda x: _floor(x) if x >= 0 else _ceil(x)),
    "copysign": register_jitable(lambda a, b: math.copysign(a, b)),
    "exp": register_jitable(lambda x: math.exp(x)), "exp2": register_jitable(lambda x: math.pow(2.0, x)),
    "expm1": register_jitable(lambda x: math.expm1(x)), "log1p": register_jitable(lambda x: math.log1p(x)),
    "sqrt": register_jitable(lambda x: math.sqrt(x)),
    "power": register_jitable(lambda a, b: a ** b), "float_power": register_jitable(lambda a, b: float(a) ** b),
    "fmod": register_jitable(lambda a, b: math.fmod(a, b)), "mod": register_jitable(lambda a, b: a % b), "remainder": register_jitable(lambda a, b: a % b),
    "floor_divide": register_jitable(lambda a, b: a // b),
    "isfinite": register_jitable(lambda x: math.isfinite(x)), "isinf": register_jitable(lambda x: math.isinf(x)),
    "signbit": register_jitable(lambda x: math.copysign(1.0, x) < 0), "sign": _sign,
    "logaddexp": _logaddexp, "logaddexp2": _logaddexp2,
}
globals().update({"np_" + _name: _f for _name, _f in NUMPY.items()})


@register_jitable
def math_hypot(a, b):
    """math.hypot (which Numba's CUDA target lacks), scaled so that no square overflows."""
    if math.isinf(a) or math.isinf(b):
        return math.inf
    if math.isnan(a) or math.isnan(b):
        return math.nan
    m = max(abs(a), abs(b))
    if m == 0:
        return m
    return m * math.sqrt((a / m) ** 2 + (b / m) ** 2)


def raise_first(status, what="element"):
    """Raise the error of the first thread whose `status` row (a host array) reports one."""
    failed = np.flatnonzero(status[:, 0])
    if failed.size:
        k = int(failed[0])
        kind, message = ERRORS[int(status[k, 0])]
        raise kind(f"{message} ({what} {k}{' of the batch' if what == 'element' else ''})")
