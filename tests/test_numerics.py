"""What the primal raises, every derivative raises, on every backend; adc's own derivative
expressions give inf and nan (adc/passes/bounds.py, runtime check helpers, the backends' error model).

Numba's own bounds checks are turned off here (the test suite turns them on elsewhere), so what
is tested is adc's checks, as users run them.
"""
import math
import warnings

import numba.core.config
import numpy as np
import pytest

import adc
from adc.backends.numba_cpu import reason
from harness import check_grads

BACKENDS = ("python", "numba")
MODES = ("grad", "jvp", "vjp", "hvp")


@pytest.fixture(autouse=True, scope="module")
def numba_checks_off():
    saved = numba.core.config.BOUNDSCHECK
    numba.core.config.BOUNDSCHECK = None
    yield
    numba.core.config.BOUNDSCHECK = saved


_BUILT = {}


def derivative(f, mode, backend):
    """One derivative per (function, mode, backend), shared by the tests (Numba compiles once)."""
    key = (f, mode, backend)
    if key not in _BUILT:
        make = {"grad": adc.grad, "jvp": adc.jvp, "vjp": adc.vjp, "hvp": adc.hvp}[mode]
        _BUILT[key] = make(f, wrt=0, backend=backend)
    return _BUILT[key]


def run(f, args, mode, backend):
    """The derivative's result at `args` (a vjp pulls back a cotangent of ones)."""
    df = derivative(f, mode, backend)
    with warnings.catch_warnings():
        warnings.simplefilter("error", adc.AdcFallbackWarning)
        if mode in ("jvp", "hvp"):
            return df(*args, np.ones_like(args[0]) if isinstance(args[0], np.ndarray) else 1.0)
        if mode == "vjp":
            value, pullback = df(*args)
            return value, pullback(np.ones_like(value) if np.ndim(value) else 1.0)
        return df(*args)


def primal_error(f, args):
    try:
        f(*args)
    except Exception as exc:  # noqa: BLE001
        return type(exc)
    return None


def assert_raises_as_primal(f, args, expected):
    assert primal_error(f, args) is expected, "the case does not raise as meant under CPython"
    for backend in BACKENDS:
        for mode in MODES:
            with pytest.raises(expected):
                run(f, args, mode, backend)
                pytest.fail(f"{mode} on {backend}: no {expected.__name__} at {args[1:]}")


# ---------------------------------------------------------------- indices

def shifted_read(x, k):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i + k]  # affine: checked once on loop entry
    return s


def shifted_write(x, k):
    buf = np.zeros(x.shape[0] + 1)
    for i in range(x.shape[0]):
        buf[i + k] = x[i] * x[i]  # k = -1 wraps around, as Python does
    return np.sum(buf * buf)


def shifted_write_ag(x, k):
    import autograd.numpy as anp
    return anp.sum((x * x) ** 2)


def pick(x, k):
    return x[k] * x[0] + x[-1]


def guarded(x, k):
    s = 0.0
    for i in range(x.shape[0]):
        if i + k < x.shape[0]:
            s += x[i] * x[i + k]  # conditional: in range where it runs, never hoisted
    return s


def nested(A, k):
    s = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1] - 1):
            s += A[i, j] * A[i, j + k] * A[j + k, i]
    return s


def in_while(x, k):
    s, i = 0.0, 0
    while s < 100.0 and i < 3:
        s += x[i * k] * x[i * k]
        i += 1
    return s


X = np.array([0.5, -1.2, 0.8, 1.5, 2.0])


@pytest.mark.parametrize("f,k", [(shifted_read, 1), (shifted_write, 2), (pick, 10 ** 6), (pick, 5), (pick, -6),
                                 (nested, 2), (in_while, 3)],
                         ids=["read-past-end", "write-past-end", "huge-index", "index-n", "index-minus-n-1",
                              "nested-affine", "while-loop"])
def test_out_of_range_raises_index_error(f, k):
    x = np.arange(16.0).reshape(4, 4) / 7 if f is nested else X
    assert_raises_as_primal(f, (x, k), IndexError)


def test_write_past_end_leaves_neighbours_alone():
    before = X.copy()
    neighbour = np.ones(4)
    for backend in BACKENDS:
        with pytest.raises(IndexError):
            run(shifted_write, (X, 2), "grad", backend)
    assert np.array_equal(X, before) and np.array_equal(neighbour, np.ones(4))


def test_negative_indices_follow_python():
    for k in (-1, -5, 4):
        want = pick(X, k)
        for backend in BACKENDS:
            value, g = adc.value_and_grad(pick, backend=backend)(X, k)
            expect = np.zeros_like(X)
            expect[k] += X[0]
            expect[0] += X[k]
            expect[-1] += 1.0
            assert value == want and np.allclose(g, expect), (backend, k)


def test_in_range_affine_loops_do_not_raise():
    check_grads(shifted_read, (X, 0), order=2)
    check_grads(shifted_write, (X, 1), ag=shifted_write_ag, order=1)
    check_grads(shifted_write, (X, -1), ag=shifted_write_ag, order=1)
    check_grads(guarded, (X, 2), order=1)
    for backend in BACKENDS:  # the same derivatives as the failing cases, at an index in range
        for mode in MODES:
            run(shifted_read, (X, 0), mode, backend)
            run(nested, (np.arange(16.0).reshape(4, 4) / 7, 1), mode, backend)
            run(in_while, (X, 2), mode, backend)


def test_loop_index_checked_on_loop_entry():
    source = adc.source(adc.grad(shifted_read, backend="python"), X, 1)
    forward = source.split("# backward sweep")[0]
    loop = forward.index("for i in range")
    assert "rt.check_loop_index" in forward[:loop], source
    assert "rt.check_index" not in forward[loop:], source


def test_gather_out_of_range():
    def gather(x, idx):
        return np.sum(x[idx] * x[idx])
    good, bad = np.array([0, 4, -5]), np.array([0, 5])
    for backend in BACKENDS:
        g = adc.grad(gather, backend=backend)
        assert np.allclose(g(X, good), autograd_gather(X, good))
        with pytest.raises(IndexError):
            g(X, bad)


def autograd_gather(x, idx):
    out = np.zeros_like(x)
    np.add.at(out, idx, 2 * x[idx])
    return out


# ---------------------------------------------------------------- math domains

DOMAIN_FNS = ["log", "sqrt", "acos", "asin", "acosh", "atanh", "log1p", "log2", "log10", "sin", "exp", "cosh"]


def domain(x, k):
    if k == 0:
        return math.log(x)
    elif k == 1:
        return math.sqrt(x)
    elif k == 2:
        return math.acos(x)
    elif k == 3:
        return math.asin(x)
    elif k == 4:
        return math.acosh(x)
    elif k == 5:
        return math.atanh(x)
    elif k == 6:
        return math.log1p(x)
    elif k == 7:
        return math.log2(x)
    elif k == 8:
        return math.log10(x)
    elif k == 9:
        return math.sin(x)
    elif k == 10:
        return math.exp(x)
    elif k == 11:
        return math.cosh(x)
    elif k == 12:
        return math.sinh(x)
    return math.expm1(x)


def pow2(x, k):
    if k == 0:
        return math.pow(x, -1.0)
    elif k == 1:
        return math.pow(x, 0.5)
    return math.pow(x, 2000.0)


@pytest.mark.parametrize("k,x", [(0, -1.0), (0, 0.0), (1, -1.0), (2, 2.0), (3, -2.0), (4, 0.5), (5, 1.0),
                                 (6, -1.0), (7, 0.0), (8, -3.0), (9, math.inf), (10, 1000.0), (11, 1000.0),
                                 (11, -1000.0), (12, -711.0), (13, 709.8)],
                         ids=lambda v: str(v))
def test_math_domain_and_range_errors(k, x):
    assert_raises_as_primal(domain, (x, k), primal_error(domain, (x, k)))


@pytest.mark.parametrize("k,x", [(0, 0.0), (1, -1.0), (2, 10.0)], ids=["zero-to-minus-1", "minus-1-to-half",
                                                                      "overflow"])
def test_math_pow_errors(k, x):
    assert_raises_as_primal(pow2, (x, k), primal_error(pow2, (x, k)))


def test_overflow_twins_near_the_edge():
    """exp, expm1, sinh and cosh test their argument first and CPython's rule on the result only
    past |x| = 709: just inside the edge is a value, just past it an OverflowError, on both backends."""
    for k in (10, 11, 12, 13):
        for x in (709.78, -709.78, 709.7827128933841, -710.5, -math.inf, math.inf, math.nan):
            try:
                expected = domain(x, k)
            except OverflowError:
                assert_raises_as_primal(domain, (x, k), OverflowError)
                continue
            for backend in BACKENDS:
                value, _ = run(domain, (x, k), "jvp", backend)
                assert value == expected or (math.isnan(value) and math.isnan(expected)), (k, x, backend)


def test_math_in_domain_gradients():
    for k, x in [(0, 2.0), (1, 0.7), (2, 0.3), (5, -0.4), (6, 0.2), (10, 1.3)]:
        check_grads(domain, (x, k), order=1)


def test_math_inside_a_loop_raises_on_its_trip():
    def logs(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += math.log(x[i])
        return s
    bad = np.array([1.0, 2.0, -1.0])
    for backend in BACKENDS:
        with pytest.raises(ValueError, match="math domain error"):
            adc.grad(logs, backend=backend)(bad)
        assert np.allclose(adc.grad(logs, backend=backend)(np.array([1.0, 2.0, 4.0])), [1.0, 0.5, 0.25])


def test_numpy_functions_stay_nan():
    def nplog(x):
        return np.sum(np.log(x)) + np.log(x[0])
    x = np.array([-1.0, 2.0])
    for backend in BACKENDS:
        for mode in MODES:
            out = run(nplog, (x,), mode, backend)
            if mode in ("jvp", "vjp"):
                assert np.isnan(out[0]), (mode, backend)
            if mode == "grad":  # np.log's derivative is defined at -1: no error anywhere
                assert np.allclose(out, [2 / x[0], 1 / x[1]]), backend


# ---------------------------------------------------------------- division by zero

def divide(x, k):
    if k == 0:
        return x / (x - 1.0)
    elif k == 1:
        return x // (x - 1.0)
    return x % (x - 1.0) + (x - 1.0) ** -2.0


@pytest.mark.parametrize("k", [0, 1, 2], ids=["div", "floordiv", "mod-and-pow"])
def test_scalar_division_by_zero_raises(k):
    assert_raises_as_primal(divide, (1.0, k), ZeroDivisionError)


def sqrt_at(x, k):
    return math.sqrt(x) + x ** 0.5 * k - math.acos(x - 1.0)


def test_derivative_expressions_give_inf():
    """adc's own expressions: 0.5 / sqrt(0) is inf and the primal is fine, on both backends."""
    for backend in BACKENDS:
        g = run(sqrt_at, (0.0, 1), "grad", backend)
        assert g == math.inf, backend
        _, t = run(sqrt_at, (0.0, 1), "jvp", backend)
        assert t == math.inf, backend
        _, gv = run(sqrt_at, (0.0, 1), "vjp", backend)
        assert gv == math.inf, backend
        assert not np.isfinite(run(sqrt_at, (0.0, 1), "hvp", backend)), backend


def test_array_division_by_zero_follows_numpy():
    def ratio(x, y):
        return np.sum(x / y)
    x, y = np.array([1.0, 2.0]), np.array([0.0, 1.0])
    for backend in BACKENDS:
        value, g = adc.value_and_grad(ratio, backend=backend)(x, y)
        assert value == math.inf and g[0] == math.inf and g[1] == 1.0, backend


# ---------------------------------------------------------------- refusals and messages

def test_range_of_a_float_is_refused():
    def floats(x, n):
        s = 0.0
        for i in range(n):
            s += x * i
        return s
    for backend in BACKENDS:
        with pytest.raises(adc.AdcError, match=r"range\(\) of a non-integer") as info:
            adc.grad(floats, backend=backend)(1.0, 2.5)
        assert isinstance(info.value, TypeError)
        assert "for i in range(n):" in str(info.value)


def test_fallback_reason_names_the_typing_error_and_line():
    import numba

    def bad(x):
        y = x + 1.0
        return y + "a"
    try:
        numba.njit(bad)(1.0)
    except numba.core.errors.NumbaError as exc:
        text = reason(exc)
    assert "Failed in" not in text
    assert "No implementation of function" in text or "Cannot" in text or "unsupported" in text.lower(), text
    assert 'return y + "a"' in text, text


def test_checked_math_twins_raise_as_cpython():
    """Compiled, each runtime twin raises what CPython's math function raises, at every edge."""
    import itertools

    import numba
    import adc_runtime as rt
    edges = [0.0, -0.0, 0.5, 1.0, -1.0, 2.0, -2.0, 709.0, 710.0, -1000.0, 1e308, math.inf, -math.inf, math.nan]
    for name in ("sin", "cos", "tan", "asin", "acos", "acosh", "atanh", "log", "log1p", "log2", "log10", "sqrt",
                 "exp", "expm1", "sinh", "cosh", "pow", "floor", "ceil", "trunc"):
        twin = getattr(rt, name)
        arity = 2 if name == "pow" else 1
        compiled = numba.njit((lambda a, b: twin(a, b)) if arity == 2 else (lambda a: twin(a)))
        for args in itertools.product(edges, repeat=arity):
            want = primal_error(getattr(math, name), args)
            assert primal_error(compiled, args) is want, (name, args)
            if want is None and name not in ("floor", "ceil", "trunc"):
                assert np.array_equal(compiled(*args), getattr(math, name)(*args), equal_nan=True), (name, args)


def newton_rows(a, b):
    total = 0.0
    for k in range(a.shape[0]):
        x, it = 1.0, 0
        while abs(x * x * x + a[k] * x - b[k]) > 1e-12 and it < 50:
            x = x - (x * x * x + a[k] * x - b[k]) / (3.0 * x * x + a[k])
            it += 1
        total = total + x * x
    return total


def body_reads_past_end(x, k):
    s = 0.0
    while s > 1.0:  # never true: the body, and its read x[k], never run
        s = s + x[k]
    return s + x[0]


def test_a_while_tests_invariant_index_is_checked_once_before_the_loop():
    a, b = np.array([1.0, 2.0, 0.5]), np.array([0.3, -1.0, 2.0])
    source = adc.source(adc.grad(newton_rows, backend="python"), a, b)
    forward = source.split("# backward sweep")[0]
    assert "rt.check_index" not in forward[forward.index("while True"):], source
    check_grads(newton_rows, (a, b), wrt=(0, 1), order=1)
    assert_raises_as_primal(newton_rows, (a, b[:2]), IndexError)


def test_an_index_only_a_while_body_reads_is_not_checked_when_the_body_never_runs():
    for backend in BACKENDS:
        assert adc.grad(body_reads_past_end, backend=backend)(X, 99)[0] == 1.0
