"""User-defined rules: adc.primitive with defvjp/defjvp, and adc.nondiff, in every mode."""
import math

import autograd.numpy as anp
import numpy as np
import pytest

import adc
from harness import check_grads, check_vjp


@adc.primitive
def softplus(x):
    return np.log1p(np.exp(x))


def _softplus_fwd(x):
    y = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return y, (x,)


def _softplus_bwd(res, g):
    (x,) = res
    return (g * 0.5 * (1.0 + np.tanh(0.5 * x)),)


softplus.defvjp(_softplus_fwd, _softplus_bwd)
softplus.defjvp(lambda x, dx: dx * 0.5 * (1.0 + np.tanh(0.5 * x)))


@adc.primitive
def scaled_sin(x, a):
    return math.sin(x) * a


def _scaled_sin_fwd(x, a):
    s = math.sin(x)
    return s * a, (x, a, s)


def _scaled_sin_bwd(res, g):
    x, a, s = res
    return g * a * math.cos(x), g * s


scaled_sin.defvjp(_scaled_sin_fwd, _scaled_sin_bwd)
scaled_sin.defjvp(lambda x, a, dx, da: dx * a * math.cos(x) + da * math.sin(x))


def in_a_loop(x, a):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + scaled_sin(x[i], a) * x[i]
    return s + np.sum(softplus(x * a))


def in_a_loop_ag(x, a):
    return anp.sum(anp.sin(x) * a * x) + anp.sum(anp.log1p(anp.exp(x * a)))


def vector_out(x):
    return softplus(x) * 2.0


def vector_out_ag(x):
    return anp.log1p(anp.exp(x)) * 2.0


@adc.nondiff
def _norm_const(x):
    return np.sum(x * x)


def stopped(x):
    return np.sum(np.sin(x)) * _norm_const(x)


X = np.array([0.3, -0.7, 1.1, 0.2])


def test_primitive_in_loops_all_modes():
    check_grads(in_a_loop, (X, 0.8), wrt=(0, 1), ag=in_a_loop_ag)


def test_primitive_split_mode_and_jacobians():
    check_vjp(vector_out, (X,), ag=vector_out_ag)


def test_stable_rule_at_extreme_inputs():
    x = np.array([-800.0, 0.0, 900.0])
    g = adc.grad(lambda x: np.sum(softplus(x)), backend="python")(x)
    np.testing.assert_allclose(g, [0.0, 0.5, 1.0])


def test_nondiff_stops_the_derivative():
    g = adc.grad(stopped, backend="python")(X)
    np.testing.assert_allclose(g, np.cos(X) * np.sum(X * X))


def test_primitive_without_vjp_rule_is_an_error():
    bare = adc.primitive(lambda x: x * 2.0)
    with pytest.raises(adc.AdcSyntaxError, match="which has no vjp rule"):
        adc.grad(lambda x: bare(x) * x, backend="python")(1.0)


def test_primitive_without_jvp_rule_is_an_error():
    only_vjp = adc.primitive(lambda x: x * 3.0)
    only_vjp.defvjp(lambda x: (x * 3.0, (x,)), lambda res, g: (g * 3.0,))
    assert adc.grad(lambda x: only_vjp(x) * x, backend="python")(2.0) == pytest.approx(12.0)
    with pytest.raises(adc.AdcSyntaxError, match="which has no jvp rule"):
        adc.jvp(lambda x: only_vjp(x) * x, backend="python")(2.0, 1.0)
