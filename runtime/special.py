"""Scalar kernels of SciPy's special functions, for generated code that Numba compiles.

Numba has `math.lgamma`, `math.gamma`, `math.erf` and `math.erfc` but nothing of
scipy.special, so the functions adc's SciPy rules call (runtime/scipy.py) are computed
here under Numba, each to about an ulp or a few over its whole domain (tests/test_scipy.py
checks them against SciPy and against mpmath):

- `lgamma`: a series around 2 (the coefficients (zeta(k) - 1) / k) on [1.5, 2.5], reached by
  the recurrence from (0, 10); Stirling's series with its correction above; the reflection
  formula below 0. (The C library's lgamma loses all relative accuracy next to its zeros at
  1 and 2.)
- `digamma`: Taylor series around its positive root and the root next to -1/2; elsewhere the
  recurrence up to 10 and the asymptotic series, and the reflection formula below 0.
- `zeta` (Hurwitz, s > 1): the sum of the first terms and the Euler-Maclaurin tail;
  `polygamma(n, x)` = (-1)^(n+1) n! zeta(n + 1, x).
- `lbeta`: the Stirling form with the log1p of the ratio of the arguments where one is large,
  so no large logarithms cancel; `beta` from gamma functions where they are finite.
- `erfinv`: Halley's iteration on erf (erfc in the tails), from a series or an asymptotic guess.
- `ndtr`, `log_ndtr`, `expit`, `logit`, `log_expit`, `xlogy`, `xlog1py`.
"""
import math

from numba.extending import register_jitable

_LOG_SQRT_2PI = 0.9189385332046728  # log(2 pi) / 2
_EULER = 0.5772156649015329
_NAN, _INF = math.nan, math.inf
_SQRT_HALF = 0.7071067811865476  # sqrt(1/2) rounded; _SQRT_HALF_TAIL the rest
_SQRT_HALF_TAIL = -4.833646656726457e-17
_SPLIT = 134217729.0  # 2^27 + 1: Dekker's split of a double into two halves of 26 bits
_SQRT_HALF_HI = 0.7071067839860916  # _SQRT_HALF split in halves: _HI + _LO
_SQRT_HALF_LO = -2.7995440410322203e-09

# lgamma(2 + z) = sum_k LGAMMA2[k] z^k: (1 - euler) z + sum_{k >= 2} (-1)^k (zeta(k) - 1) / k z^k
_LGAMMA2 = (0.0, 0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
            -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425,
            -0.00022315475845357939, 9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05,
            -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
            -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08,
            -2.2711094608943164e-08, 1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
            -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
            -6.4229645638381e-11, 3.1044247747322276e-11, -1.5021384080754142e-11, 7.275974480239079e-12,
            -3.527742476575915e-12, 1.711991790559618e-12, -8.315385841420285e-13, 4.04220052528944e-13)

# digamma(ROOT + z) = sum_n PSI_ROOT[n] z^n, with ROOT the double nearest the positive zero of digamma
# (PSI_ROOT[0] = digamma(ROOT), PSI_ROOT[n] = polygamma(n, ROOT) / n!); the same at the zero near -1/2
_ROOT = 1.4616321449683622
_PSI_ROOT = (-9.241265521729427e-17, 0.9676722454476212, -0.4427631689835922, 0.2584997609556511,
             -0.16394270544240658, 0.10782405069126241, -0.07219956125645474, 0.04880428816414313,
             -0.033161126474847376, 0.022597648232218118, -0.01542476590494897, 0.010538791616612184,
             -0.007204534386356875, 0.004926781395729858, -0.0033698016554393312, 0.00230512632673493,
             -0.001576936771430199, 0.0010788252019162978, -0.000738070938996006, 0.0005049532658346027,
             -0.0003454680251063082, 0.00023635601564027086, -0.00016170622091974827, 0.00011063372768747428,
             -7.569179582195078e-05, 5.17857579522209e-05, -3.543007094765967e-05, 2.4240066118601362e-05)
_NROOT = -0.5040830082644554
_PSI_NROOT = (7.289763902976895e-17, 8.939798558792134, -0.8093454625306499, 32.258572064915505,
              -2.7610116487908227, 128.27342343090902, -14.706721735530332, 513.2704629562861,
              -75.37700066344615, 2055.5357119463315, -368.5783503832184, 8234.667099203069,
              -1743.3646088673593, 32997.785655255044, -8051.818155363481, 132262.95480834588,
              -36529.945969485576, 530280.3912420176, -163451.7934270022, 2126602.372596875,
              -723318.8861804291, 8530604.878543982, -3172131.31557447, 34228316.69580112,
              -13807481.99726386, 137373435.87411496, -59721085.41129418)

# B_2j / (2j)!, j = 1.., for the Euler-Maclaurin tail of the Hurwitz zeta function
_BERNOULLI_FACT = (1.0 / 12.0, -1.0 / 720.0, 1.0 / 30240.0, -1.0 / 1209600.0, 1.0 / 47900160.0,
                   -691.0 / 1307674368000.0, 1.0 / 74724249600.0, -3617.0 / 10670622842880000.0,
                   43867.0 / 5109094217170944000.0, -174611.0 / 802857662698291200000.0)


@register_jitable
def _horner(coef, z):
    acc = 0.0
    for k in range(len(coef) - 1, -1, -1):
        acc = acc * z + coef[k]
    return acc


@register_jitable
def _stirling_correction(x):
    """lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2) for x >= 10: sum B_2k / (2k (2k - 1) x^(2k - 1))."""
    z = 1.0 / (x * x)
    s = (1.0 / 12.0 - z * (1.0 / 360.0 - z * (1.0 / 1260.0 - z * (1.0 / 1680.0 - z * (
        1.0 / 1188.0 - z * (691.0 / 360360.0 - z * (1.0 / 156.0 - z * (3617.0 / 122400.0))))))))
    return s / x


@register_jitable
def _sinpi_abs(x):
    """|sin(pi x)|, with the argument reduced exactly first."""
    r = x - math.floor(x + 0.5)  # in [-1/2, 1/2]
    return abs(math.sin(math.pi * r))


@register_jitable
def lgamma(x):
    """log |Gamma(x)| (scipy.special.gammaln; -inf at -inf, as SciPy gives it)."""
    if math.isnan(x):
        return x
    if math.isinf(x):
        return x
    if x <= 0.0:
        if x == math.floor(x):
            return _INF
        return math.log(math.pi / _sinpi_abs(x)) - _lgamma_positive(1.0 - x)
    return _lgamma_positive(x)


@register_jitable
def _lgamma_positive(x):
    if x < 0.5:
        return _horner(_LGAMMA2, x) - math.log1p(x) - math.log(x)
    if x < 1.5:
        z = x - 1.0
        return _horner(_LGAMMA2, z) - math.log1p(z)
    if x < 10.0:
        p = 1.0
        while x >= 2.5:
            x -= 1.0
            p *= x
        return math.log(p) + _horner(_LGAMMA2, x - 2.0)
    return (x - 0.5) * math.log(x) - x + _LOG_SQRT_2PI + _stirling_correction(x)


@register_jitable
def _digamma_positive(x):
    if abs(x - _ROOT) < 0.25:
        return _horner(_PSI_ROOT, x - _ROOT)
    y = 0.0
    while x < 10.0:
        y -= 1.0 / x
        x += 1.0
    z = 1.0 / (x * x)
    tail = z * (1.0 / 12.0 - z * (1.0 / 120.0 - z * (1.0 / 252.0 - z * (1.0 / 240.0 - z * (
        1.0 / 132.0 - z * (691.0 / 32760.0 - z * (1.0 / 12.0 - z * (3617.0 / 8160.0))))))))
    return y + math.log(x) - 0.5 / x - tail


@register_jitable
def digamma(x):
    """The logarithmic derivative of the gamma function (scipy.special.digamma, psi)."""
    if math.isnan(x) or x == _INF:
        return x
    if x == -_INF:
        return _NAN
    if x == 0.0:
        return -math.copysign(_INF, x)
    if x < 0.0:
        if x == math.floor(x):
            return _NAN
        if abs(x - _NROOT) < 0.1:
            return _horner(_PSI_NROOT, x - _NROOT)
        r = x - math.trunc(x)  # tan(pi x) = tan(pi r)
        return _digamma_positive(1.0 - x) - math.pi / math.tan(math.pi * r)
    return _digamma_positive(x)


@register_jitable
def zeta(s, q):
    """The Hurwitz zeta function sum_k (q + k)^-s, s > 1 (for q < 0, s an integer)."""
    if math.isnan(s) or math.isnan(q):
        return _NAN
    if s == 1.0:
        return _INF
    if s < 1.0:
        return _NAN
    if q <= 0.0:
        if q == math.floor(q):
            return _INF
        if s != math.floor(s):
            return _NAN
    total = 0.0
    edge = max(12.0, s + 8.0)
    while q < edge:  # the first terms, summed; the tail from q on by Euler-Maclaurin
        total += q ** -s
        q += 1.0
    tail = q ** (1.0 - s) / (s - 1.0) + 0.5 * q ** -s
    rising = s * q ** (-s - 1.0)  # s (s + 1) ... (s + 2j - 2) q^(-s - 2j + 1)
    for j in range(len(_BERNOULLI_FACT)):
        term = _BERNOULLI_FACT[j] * rising
        tail += term
        if abs(term) <= 1e-17 * abs(tail):
            break
        rising *= (s + 2.0 * j + 1.0) * (s + 2.0 * j + 2.0) / (q * q)
    return total + tail


@register_jitable
def polygamma(n, x):
    """The n-th derivative of digamma (scipy.special.polygamma): (-1)^(n+1) n! zeta(n + 1, x)."""
    if n == 0:
        return digamma(x)
    if n < 0 or n != math.floor(n):
        return _NAN
    sign = 1.0 if n % 2 == 1 else -1.0
    return sign * math.gamma(n + 1.0) * zeta(n + 1.0, x)


@register_jitable
def lbeta(a, b):
    """log |B(a, b)| (scipy.special.betaln)."""
    special, value = _beta_special(a, b)
    if special:
        return math.log(abs(value))
    p, q = min(a, b), max(a, b)
    if p < 0.0:
        return lgamma(a) + lgamma(b) - lgamma(a + b)
    if p >= 10.0:  # both large: Stirling's forms, the logarithm of their ratio by log1p
        corr = _stirling_correction(p) + _stirling_correction(q) - _stirling_correction(p + q)
        return (-0.5 * math.log(q) + _LOG_SQRT_2PI + corr + (p - 0.5) * math.log(p / (p + q))
                + q * math.log1p(-p / (p + q)))
    if q >= 10.0:  # one large
        corr = _stirling_correction(q) - _stirling_correction(p + q)
        return lgamma(p) + corr + p - p * math.log(p + q) + (q - 0.5) * math.log1p(-p / (p + q))
    if p < 1e-300:
        return lgamma(p) + (lgamma(q) - lgamma(p + q))
    s, e = _two_sum(p, q)
    return math.log(math.gamma(p) * (math.gamma(q) / math.gamma(s))) - digamma(s) * e


@register_jitable
def beta(a, b):
    """B(a, b) = Gamma(a) Gamma(b) / Gamma(a + b) (scipy.special.beta)."""
    special, value = _beta_special(a, b)
    if special:
        return value
    if a < 0.0 or b < 0.0:
        return _gamma_sign(a) * _gamma_sign(b) * _gamma_sign(a + b) * math.exp(lbeta(a, b))
    if a + b < 171.0:
        p, q = min(a, b), max(a, b)
        s, e = _two_sum(p, q)
        return math.gamma(p) * (math.gamma(q) / math.gamma(s)) * (1.0 - digamma(s) * e)
    return math.exp(lbeta(a, b))


@register_jitable
def _two_sum(a, b):
    """(s, e): s = a + b rounded and e its rounding error, a + b = s + e exactly. Gamma(a + b) is
    Gamma(s) (1 + digamma(s) e): without e a beta function of moderate arguments loses
    digamma(s) s ulps."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@register_jitable
def _is_pole(x):
    return x <= 0.0 and x == math.floor(x) and x != -_INF


@register_jitable
def _gamma_sign(x):
    if x > 0.0 or x == math.floor(x):
        return 1.0
    return -1.0 if math.floor(x) % 2 != 0 else 1.0


@register_jitable
def _beta_special(a, b):
    """(True, B(a, b)) where a, b or a + b is a pole of the gamma function, nan or infinite, as SciPy
    gives it; else (False, 0). For a = -n and b = m in 1..n, the limit Gamma(-n + e) / Gamma(-n + m + e)
    is (-1)^m (n - m)! / n!; elsewhere a pole of a or b makes it infinite, one of a + b zero."""
    if _is_pole(a) and _is_pole(b):
        return True, _INF
    if _is_pole(a) or _is_pole(b):
        n, m = (-a, b) if _is_pole(a) else (-b, a)
        if m == math.floor(m) and 1.0 <= m <= n:
            return True, (-1.0 if m % 2 == 1 else 1.0) * math.gamma(n - m + 1.0) * math.gamma(m) / math.gamma(n + 1.0)
        return True, _INF
    if a == -_INF or b == -_INF:
        return True, _INF
    if math.isnan(a) or math.isnan(b):
        return True, _NAN
    if a == _INF or b == _INF:
        other = b if a == _INF else a
        return True, (_NAN if other == _INF else (0.0 if other > 0.0 else _INF))
    if _is_pole(a + b):
        return True, 0.0
    return False, 0.0


@register_jitable
def erfinv(y):
    """The inverse of erf on (-1, 1) (scipy.special.erfinv)."""
    if math.isnan(y) or y < -1.0 or y > 1.0:
        return _NAN
    if y == 1.0 or y == -1.0:
        return math.copysign(_INF, y)
    if y == 0.0:
        return y
    a = abs(y)
    if a <= 0.5:  # Maclaurin series of erfinv as the first guess; Halley's steps on erf(x) - a
        t = a * a
        x = 0.886226925452758 * a * (1.0 + t * (0.2617993877991494 + t * (0.14393173084921979
                                                                          + t * 0.09766361950392053)))
        for _ in range(6):
            f = math.erf(x) - a
            d = f / (1.1283791670955126 * math.exp(-x * x))
            x -= d / (1.0 + x * d)
            if abs(d) <= 1e-17 * x:
                break
        return math.copysign(x, y)
    q = 1.0 - a  # exact for a >= 1/2; erfc(x) = q by Halley's steps from the asymptotic guess
    w = -math.log(q)
    x = math.sqrt(w)
    x = math.sqrt(max(w - math.log(x * 1.772453850905516), 0.25))
    for _ in range(12):
        f = math.erfc(x) - q
        d = -f / (1.1283791670955126 * math.exp(-x * x))
        x -= d / (1.0 + x * d)
        if abs(d) <= 1e-17 * x:
            break
    return math.copysign(x, y)


@register_jitable
def _half_erfc_scaled(x):
    """erfc(|x| / sqrt(2)) / 2, with the rounding error of |x| / sqrt(2) taken into account (it would
    cost erfc 2 z^2 ulps of relative accuracy at z = |x| / sqrt(2))."""
    a = abs(x)
    z = a * _SQRT_HALF
    if a > 1e150:
        return 0.5 * math.erfc(z)
    t = _SPLIT * a
    hi = t - (t - a)
    lo = a - hi
    err = ((hi * _SQRT_HALF_HI - z) + hi * _SQRT_HALF_LO + lo * _SQRT_HALF_HI) + lo * _SQRT_HALF_LO
    dz = err + a * _SQRT_HALF_TAIL  # |x| / sqrt(2) = z + dz, to about an ulp of dz
    return 0.5 * (math.erfc(z) - 1.1283791670955126 * math.exp(-z * z) * dz)


@register_jitable
def ndtr(x):
    """The standard normal CDF (scipy.special.ndtr)."""
    if math.isnan(x):
        return x
    if abs(x) < 1.0:
        return 0.5 + 0.5 * math.erf(x * _SQRT_HALF)
    tail = _half_erfc_scaled(x)
    return 1.0 - tail if x > 0.0 else tail


@register_jitable
def log_ndtr(x):
    """log of the standard normal CDF (scipy.special.log_ndtr), without underflow in the lower tail."""
    if math.isnan(x):
        return x
    if x >= 1.0:
        return math.log1p(-_half_erfc_scaled(x))
    if x > -1.0:
        return math.log1p(-0.5 * math.erfc(x * _SQRT_HALF))
    z = -x * _SQRT_HALF
    if z < 26.0:
        return math.log(_half_erfc_scaled(x))
    # erfc(z) = exp(-z^2) / (z sqrt(pi)) (1 - 1/(2z^2) + 3/(2z^2)^2 - 15/(2z^2)^3 + ...)
    u = 1.0 / (2.0 * z * z)
    series = 1.0 - u * (1.0 - 3.0 * u * (1.0 - 5.0 * u * (1.0 - 7.0 * u * (1.0 - 9.0 * u * (1.0 - 11.0 * u)))))
    return -z * z + math.log(0.5 * series / (z * 1.772453850905516))


@register_jitable
def expit(x):
    """1 / (1 + exp(-x)) (scipy.special.expit)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@register_jitable
def logit(p):
    """log(p / (1 - p)) (scipy.special.logit); 2 atanh(2p - 1) around 1/2, where 2p - 1 is exact."""
    if 0.3 <= p <= 0.65:
        return 2.0 * math.atanh(2.0 * p - 1.0)
    if p < 0.0 or p > 1.0:
        return _NAN
    if p == 0.0:
        return -_INF
    if p == 1.0:
        return _INF
    return math.log(p / (1.0 - p))


@register_jitable
def log_expit(x):
    """log(expit(x)) (scipy.special.log_expit)."""
    if x < 0.0:
        return x - math.log1p(math.exp(x))
    return -math.log1p(math.exp(-x))


@register_jitable
def xlogy(x, y):
    """x log(y), 0 where x is 0 and y is not nan (scipy.special.xlogy)."""
    if x == 0.0 and not math.isnan(y):
        return 0.0
    return x * math.log(y) if y > 0.0 else (x * -_INF if y == 0.0 else _NAN)


@register_jitable
def xlog1py(x, y):
    """x log(1 + y), 0 where x is 0 and y is not nan (scipy.special.xlog1py)."""
    if x == 0.0 and not math.isnan(y):
        return 0.0
    return x * math.log1p(y) if y > -1.0 else (x * -_INF if y == -1.0 else _NAN)


@register_jitable
def gamma(x):
    """Gamma(x) (scipy.special.gamma)."""
    return math.gamma(x)


@register_jitable
def erf(x):
    return math.erf(x)


@register_jitable
def erfc(x):
    return math.erfc(x)
