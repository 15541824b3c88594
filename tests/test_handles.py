"""adc.njit_handle: derivatives that a user's own @numba.njit code calls."""
import numba
import numpy as np
import pytest

import adc

SCALE = 2.0


def loss(x, theta):
    s = 0.0
    for i in range(x.shape[0]):
        s += (x[i] - theta * i) ** 2 * SCALE + np.sin(x[i]) * theta
    return s


def test_a_descent_loop_in_njit_calls_the_gradient_and_matches_the_python_loop():
    dloss = adc.grad(loss, backend="numba")
    x = np.linspace(0.1, 1.0, 7)
    g = adc.njit_handle(dloss, x, 0.3)

    @numba.njit
    def descend(x, theta, steps, lr):
        for _ in range(steps):
            x = x - lr * g(x, theta)
        return x

    y = x
    for _ in range(50):
        y = y - 0.01 * dloss(y, 0.3)
    assert np.array_equal(descend(x, 0.3, 50, 0.01), y)


def test_value_and_grad_and_hvp_handles_return_what_the_derivatives_do():
    vg = adc.value_and_grad(loss, wrt=(0, 1), backend="numba")
    x = np.linspace(0.1, 1.0, 5)
    value, (gx, gt) = adc.njit_handle(vg, x, 0.3)(x, 0.7)
    want = vg(x, 0.7)
    assert value == want[0] and np.array_equal(gx, want[1][0]) and gt == want[1][1]
    hvp = adc.hvp(loss, backend="numba")
    v = np.ones(5)
    assert np.allclose(adc.njit_handle(hvp, x, 0.3, v)(x, 0.7, v), hvp(x, 0.7, v), rtol=1e-14)


def test_a_handle_of_what_compiled_code_cannot_call_is_refused():
    with pytest.raises(adc.AdcError, match="backend='numba'"):
        adc.njit_handle(adc.grad(loss, backend="python"), np.ones(3), 0.3)
    with pytest.raises(adc.AdcError, match="backend='numba'"):
        adc.njit_handle(adc.jacobian(loss, backend="numba"), np.ones(3), 0.3)
