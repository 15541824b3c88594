"""Constructs lowering once got silently wrong: each either gives Python's value and derivative
(checked through the harness, both backends, every mode) or is refused with an AdcSyntaxError."""
import math
import os

import autograd.numpy as anp
import numpy as np
import pytest

import adc
from adc.errors import AdcSyntaxError
from harness import check_grads


# ---------------------------------------------------------------- tuples

def tuple_at(a, b, c, i):
    x = a, b, c
    return x[i] * x[i] + a


def tuple_of_pairs_at(a, b, i):
    x = (a * a, np.sin(a)), (b, a * b)
    return x[i][1] * x[i][0]


def tuple_of_arrays_at(a, b, i):
    x = (a, b * 2.0)
    return np.sum(x[i] ** 2)


@pytest.mark.parametrize("i", [1, -1])
def test_tuple_indexed_at_run_time(i):
    grads = check_grads(tuple_at, (0.7, 1.3, -0.4, i), wrt=(0, 1, 2))
    k = i % 3
    expected = [1.0, 0.0, 0.0]
    expected[k] += 2 * (0.7, 1.3, -0.4)[k]
    for backend, g in grads.items():
        np.testing.assert_allclose(np.array(g) / 1.7, expected, err_msg=backend)


def test_tuple_of_tuples_and_of_arrays_indexed_at_run_time():
    check_grads(tuple_of_pairs_at, (0.6, 1.1, 1), wrt=(0, 1))
    check_grads(tuple_of_arrays_at, (np.array([0.3, -1.2]), np.array([2.0, 0.5]), 0), wrt=(0, 1), order=1)


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_tuple_index_out_of_range_raises_index_error(backend):
    df = adc.grad(tuple_at, backend=backend)
    for i in (3, -4):
        with pytest.raises(IndexError):
            df(1.0, 2.0, 3.0, i)


def tuple_mixed(a, b, i):
    x = (a, b * 2.0)
    return np.sum(x[i])


def test_tuple_of_mixed_kinds_indexed_at_run_time_is_refused():
    with pytest.raises(AdcSyntaxError, match="tuple indexed at run time, of types float64"):
        adc.grad(tuple_mixed, backend="python")(np.ones(2), 1.0, 0)


def tuple_branch(a, b, c):
    if c > 0:
        x = (a, b * b)
    else:
        x = (b, a)
    return x[0] * 2.0 + x[1]


def tuple_returned_on_two_paths(a, b):
    u, v = _swap_if_negative(a, b)
    return u * 3.0 + v


def _swap_if_negative(a, b):
    if a < 0:
        return b, a
    return a, b * b


def tuple_joined(a):
    t = (a, 2.0 * a)
    t += (a * a,)
    t = t + (a,) * 2
    return t[2] * t[0] + t[4]


def test_tuples_through_branches_and_joins():
    check_grads(tuple_branch, (0.6, 1.4, 1.0), wrt=(0, 1))
    check_grads(tuple_branch, (0.6, 1.4, -1.0), wrt=(0, 1), backends=("python",))
    check_grads(tuple_returned_on_two_paths, (-0.6, 1.4), wrt=(0, 1))
    check_grads(tuple_joined, (0.8,), backends=("python",))


def tuple_in_loop(a, n):
    x = (a, 0.0)
    for i in range(n):
        x = (x[1] + a, x[0])
    return x[0]


def tuple_element_write(a):
    x = (a, a)
    x[0] += 1.0
    return x[0]


def test_tuple_rebound_in_a_loop():
    check_grads(tuple_in_loop, (0.7, 3), backends=("python",))


def test_assignment_to_a_tuple_element_is_refused():
    with pytest.raises(AdcSyntaxError, match="assignment to an element of a tuple"):
        adc.grad(tuple_element_write, backend="python")(1.0)


# ---------------------------------------------------------------- functions returning functions

make_power = lambda y: lambda x: np.power(x, y)  # noqa: E731


def call_returned_lambda(x, y):
    return make_power(y)(x)


def _scaled_by(a):
    def scale(x):
        return x * a
    return scale


def call_returned_def(x, a):
    f = _scaled_by(a * a)
    a = 100.0  # the closure reads the callee's a, not this one
    return f(x)


def late_and_default(x):
    c = 1.0
    late = lambda z: z * c  # noqa: E731
    early = lambda z, w=c: z * w  # noqa: E731
    c = 5.0
    s = 0.0
    for i in range(3):
        k = lambda z: z * i  # noqa: E731
        s = s + k(x)
    return late(x) + early(x) * x + s


def test_functions_returning_functions():
    check_grads(call_returned_lambda, (1.7, 2.5), wrt=(0, 1))
    check_grads(call_returned_def, (1.3, 0.4), wrt=(0, 1), backends=("python",))
    grads = check_grads(late_and_default, (0.9,), backends=("python",))
    np.testing.assert_allclose(grads["python"][0] / 1.7, 5.0 + 2 * 0.9 + 3.0)


def choose_in_branch(x, c):
    f = np.sin
    if c > 0:
        f = np.cos
    return f(x)


def choose_in_loop(x):
    f = np.sin
    s = 0.0
    for i in range(2):
        s = s + f(x)
        f = np.cos
    return s


@pytest.mark.parametrize("f, args, what", [
    (make_power, (2.0,), "a function that returns a function"),
    (choose_in_branch, (1.0, 1.0), "bound to different functions or objects on the paths of an if"),
    (choose_in_loop, (1.0,), "'f' rebound to another function or object in a loop"),
])
def test_function_value_refusals(f, args, what):
    with pytest.raises(AdcSyntaxError, match=what) as info:
        adc.grad(f, backend="python")(*args)
    assert info.value.filename == __file__


# ---------------------------------------------------------------- range steps

def reversed_with_break(x, n):
    s = 0.0
    for i in range(n - 1, -1, -1):
        if x[i] < 0:
            break
        s = s + x[i] * x[i]
    return s


def reversed_with_return(x, n):
    s = 0.0
    for i in range(n - 1, -(1), 1 * -1):
        if x[i] < 0:
            return s
        s = s + x[i] * x[i]
    return s


def run_time_step_with_break(x, n, k):
    s = 0.0
    for i in range(n - 1, -1, k):
        if x[i] < 0:
            break
        s = s + x[i] * x[i]
    return s


X = np.array([1.0, -2.0, 3.0, 4.0])


def test_reversed_range_with_break_or_return():
    check_grads(reversed_with_break, (X, 4))
    check_grads(reversed_with_return, (X, 4), backends=("python",))
    check_grads(run_time_step_with_break, (X, 4, -2))


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_run_time_step_zero_raises_value_error(backend):
    with pytest.raises(ValueError, match="must not be zero"):
        adc.grad(run_time_step_with_break, backend=backend)(X, 4, 0)


def constant_step_zero(x):
    s = 0.0
    for i in range(0, 3, 0):
        s = s + x
    return s


def test_constant_step_zero_is_refused():
    with pytest.raises(AdcSyntaxError, match="range with step 0"):
        adc.grad(constant_step_zero, backend="python")(1.0)


# ---------------------------------------------------------------- arithmetic as Python does it

def python_arithmetic(x, n):
    chained = x * 2.0 if 0.0 < x < n else x * 3.0
    ints = x * (n // 2) + x * (n % 3) + x * (-7 // 2) + x * (-7 % 3)
    floats = x * (-7.5 // 2.0) + (-x) % 2.0 + x % 0.7
    sum = x * (True + 1)  # a name that shadows a builtin
    abs = 2.0
    return chained + ints + floats + sum * abs


def test_python_arithmetic():
    check_grads(python_arithmetic, (1.3, -7))
    check_grads(python_arithmetic, (1.3, 5), backends=("python",))


def int_power(x, n):
    return x * 2 ** n


def test_integer_power_with_a_possibly_negative_exponent_is_refused():
    with pytest.raises(AdcSyntaxError, match="integer raised to an integer power"):
        adc.grad(int_power, backend="python")(1.5, -1)


def for_else(x):
    for i in range(3):
        x = x * 2.0
    else:
        x = x + 1.0
    return x


def while_else(x):
    while x < 3.0:
        x = x * 2.0
    else:
        x = x + 1.0
    return x


@pytest.mark.parametrize("f, what", [(for_else, "for ... else"), (while_else, "while ... else")])
def test_loop_else_is_refused(f, what):
    with pytest.raises(AdcSyntaxError, match=what):
        adc.grad(f, backend="python")(1.0)


# ---------------------------------------------------------------- forward mode: arrays made varied by writes

def scale_first(y, s):
    y[0] = y[0] * s
    return np.sum(y * y)


def scale_slice(y, s):
    y[0:1] = y[0:1] * s
    return np.sum(y * y)


def add_through_alias(y, s):
    u = y
    u[1] += s * s
    return np.sum(y * y)


def scale_in_loop(y, s):
    for i in range(2):
        y[i] = y[i] * s
    return np.sum(y * y)


@pytest.mark.parametrize("f, ag", [
    (scale_first, lambda y, s: np.sum(np.concatenate([y[:1] * s, y[1:]]) ** 2)),
    (scale_slice, lambda y, s: np.sum(np.concatenate([y[:1] * s, y[1:]]) ** 2)),
    (add_through_alias, lambda y, s: np.sum(np.concatenate([y[:1], y[1:2] + s * s, y[2:]]) ** 2)),
    (scale_in_loop, lambda y, s: np.sum(np.concatenate([y[:2] * s, y[2:]]) ** 2)),
], ids=["element", "slice", "alias", "loop"])
def test_non_wrt_array_written_with_an_active_value(f, ag):
    check_grads(f, (np.array([1.0, 3.0, -0.5]), 0.5), wrt=1, ag=_autograd(ag, anp), backends=("python",))


def _autograd(ag, anp):
    import types
    g = dict(ag.__globals__)
    g["np"] = anp
    return types.FunctionType(ag.__code__, g)


def test_jvp_of_the_reported_case():
    for backend in ("python", "numba"):
        value, tangent = adc.jvp(scale_first_sum, wrt=1, backend=backend)(np.array([1.0, 3.0]), 0.5, 1.0)
        np.testing.assert_allclose((value, tangent), (3.5, 1.0))
        assert adc.hvp(scale_first_sum, wrt=1, backend=backend)(np.array([1.0, 3.0]), 0.5, 1.0) == 0.0


def scale_first_sum(y, s):
    y[0] = y[0] * s
    return np.sum(y)


def write_through_view(y, s):
    v = y[0:2]
    v[0] = v[0] * s
    return np.sum(y * y)


def test_write_through_a_view_is_refused_in_forward_mode_too():
    with pytest.raises(AdcSyntaxError, match="a write through a slice"):
        adc.jvp(write_through_view, wrt=1, backend="python")(np.array([1.0, 3.0]), 0.5, 1.0)


# ---------------------------------------------------------------- error locations and words

def _none_default(x, y=None):
    return x * 2.0


def _none_used(x):
    y = None
    return x * y


def calls_with_none_default(x):
    return _none_default(x) + _none_used(x)


def test_none_is_reported_where_it_is_used_in_the_callee():
    with pytest.raises(AdcSyntaxError, match="None used as a number or array") as info:
        adc.grad(calls_with_none_default, backend="python")(1.0)
    err = info.value
    assert err.filename == __file__ and err.text.strip() == "return x * y"
    assert err.offset - 1 < len(err.text)


@adc.nondiff
def _stamp(x):
    return os.getpid() * x


def calls_nondiff(x):
    return x * _stamp(x)


def test_call_refused_inside_nondiff_does_not_suggest_nondiff():
    with pytest.raises(AdcSyntaxError, match="inside the @adc.nondiff function _stamp") as info:
        adc.grad(calls_nondiff, backend="python")(1.0)
    assert "mark it @adc.nondiff" not in str(info.value)


@adc.primitive
def softplus(x):
    return np.log1p(np.exp(x))


def _softplus_fwd(x):
    return softplus(x), (x,)  # the primitive's own Python body, not recursion


def _softplus_bwd(res, g):
    (x,) = res
    return (g / (1.0 + np.exp(-x)),)


softplus.defvjp(_softplus_fwd, _softplus_bwd)
softplus.defjvp(lambda x, dx: dx / (1.0 + np.exp(-x)))


def uses_softplus(x):
    return softplus(x) * x


def test_fwd_rule_calling_its_own_primitive():
    check_grads(uses_softplus, (0.4,), order=1, ag=lambda x: anp.log1p(anp.exp(x)) * x)


def counter_reused_by_a_loop_that_returns(x, n, c):
    s = 0.0
    for i in range(2):
        for k in range(n):
            s = s + x[k] * x[i]
    for j in range(3):
        for k in range(n):  # k, unbound after the first loops, is this loop's counter
            s = s + 0.5 * x[k] * s
            if s > c:
                return s * x[0]
    return s


@pytest.mark.parametrize("c", [1.0, 100.0], ids=["returns", "runs-through"])
def test_a_loop_counter_reused_after_an_earlier_loop(c):
    """Fuzzer seed 200251: a name an earlier loop left unbound was taken for a function rebound
    in a loop (a loop with return is lowered as a while that binds its counter itself)."""
    check_grads(counter_reused_by_a_loop_that_returns, (np.array([0.3, 0.5, 0.7]), 3, c))


# ---------------------------------------------------------------- constants and joins

def infinite_constants(x):
    return np.sum(np.minimum(x, np.inf) * x) + np.maximum(x[0], -np.inf) + np.sum(np.nan_to_num(np.where(x > 0.0, x, np.nan)) + x)


def stacked_row_and_matrix(x, a):
    return np.sum(np.vstack((x, a, x * x)) ** 3 * np.arange(20.0).reshape(5, 4)) + np.sum(np.hstack((x, a[0, 1])) ** 2)


def test_infinite_constants_are_spelled_by_numpy_name():
    """np.inf and np.nan were written into generated code as `inf` and `nan`: a NameError on both backends."""
    check_grads(infinite_constants, (np.array([0.3, -1.2, 0.8]),), order=1,
                ag=lambda x: anp.sum(x * x) + x[0] + anp.sum(anp.where(x > 0.0, x, 0.0) + x))


def test_vstack_of_a_row_and_a_matrix():
    """np.vstack((x, A)) of a 1-D x and a matrix A: the adjoint of A was once x's row alone (each array is made
    2-D first, as NumPy does); np.hstack((x, s)) takes a number."""
    R = np.random.default_rng(3)
    check_grads(stacked_row_and_matrix, (R.uniform(0.2, 0.9, 4), R.uniform(0.2, 0.9, (3, 4))), wrt=(0, 1), order=1)


_LAMBDAS = {"var": lambda x: np.sum(np.where(x > 0, 0.0, (x - np.sum(x)
                                                          / 3.0) ** 2))
            / 3.0,
            "next": lambda x: x}


def test_a_lambda_whose_expression_goes_on_after_a_closing_line():
    """inspect cuts this lambda after its second line (the third divides it by 3): adc reads
    the lines its code runs, not a cut text that would give a wrong value."""
    f = _LAMBDAS["var"]
    x = -np.arange(3.0)
    value, grad = adc.value_and_grad(f, backend="python")(x)
    assert np.isclose(value, f(x)), (value, f(x))


def _product_by_one_written(x):
    s = x * 1.0
    s[0] = 5.0
    return np.sum(s * x)


def _written_after_its_product_by_one(x):
    s = x * 1.0
    t = x.copy()
    t[1] = 3.0
    return np.sum(s * t) + np.sum((x ** 1) * s)


def test_an_array_times_one_is_a_new_array():
    """x * 1.0 was simplified to x even when the product was written next: the write went into x,
    a wrong value and a changed argument."""
    x = np.array([1.0, 2.0])
    for f in (_product_by_one_written, _written_after_its_product_by_one):
        for backend in ("python", "numba"):
            arg = x.copy()
            value, grad = adc.value_and_grad(f, backend=backend)(arg)
            np.testing.assert_array_equal(arg, x)
            assert value == f(x.copy())
    check_grads(_product_by_one_written, (x,), backends=("python",),
                ag=lambda x: 5.0 * x[0] + x[1] * x[1])


def _while_around_a_loop(x, n):
    s, k = 0.5, 0
    while s < 3.0 and k < 20:
        for j in range(n):  # pushes onto the same stack as the while's own trip, in between
            s = s + math.sin(x * s) * 0.1
        s = s * math.cos(s) + x
        k += 1
    return s


def _ag_while_around_a_loop(x, n):
    import autograd.numpy as anp
    s, k = 0.5, 0
    while s < 3.0 and k < 20:
        for j in range(n):
            s = s + anp.sin(x * s) * 0.1
        s = s * anp.cos(s) + x
        k += 1
    return s


def test_a_while_trip_reserves_only_what_no_nested_loop_moves():
    """A while body's room at the top of the trip covers only the stacks its nested loops leave
    alone: a nested loop's pushes come between the reserve and the trip's own (fuzz seed 21)."""
    check_grads(_while_around_a_loop, (0.7, 3), ag=_ag_while_around_a_loop, backends=("python",))  # exact stacks
