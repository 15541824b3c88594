"""Random draws inside the differentiated function (adc/randoms.py), as black-box variational
inference writes them: a draw is a constant, derivatives flow through what is computed from it,
it is drawn once per call (the backward sweep reads the forward sweep's value), and the numbers
are NumPy's own stream. Through the one harness, every function seeds its generator itself, so
that each call of it (the finite differences, autograd) draws the same numbers; draws from a
generator passed in are checked against the plain function given a fresh generator of one seed."""
import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adc
from adc.errors import AdcSyntaxError
from harness import check_grads, check_vjp

D, N = 3, 6
X = np.array([0.3, -0.7, 1.1])
PY = ("python",)


# ---------------------------------------------------------------- black-box variational inference

def logdensity(samples, t):
    """An unnormalised log density: a Gaussian centred at t, with a quartic tail term."""
    return -0.5 * np.sum((samples - t) ** 2, axis=1) - 0.1 * np.sum(samples ** 4, axis=1)


def entropy(log_std):
    return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)


def elbo(params, t):
    rs = np.random.RandomState(0)
    mean, log_std = params[:D], params[D:]
    samples = rs.randn(N, D) * np.exp(log_std) + mean
    return np.mean(logdensity(samples, t)) + entropy(log_std)


def elbo_given(params, t, rs):
    """The same objective drawing from a generator it is given (not differentiated)."""
    mean, log_std = params[:D], params[D:]
    samples = rs.randn(N, D) * np.exp(log_std) + mean
    return np.mean(logdensity(samples, t)) + entropy(log_std)


def elbo_autograd(params, t, rs):
    mean, log_std = params[:D], params[D:]
    samples = rs.randn(N, D) * anp.exp(log_std) + mean
    lp = -0.5 * anp.sum((samples - t) ** 2, axis=1) - 0.1 * anp.sum(samples ** 4, axis=1)
    return anp.mean(lp) + 0.5 * D * (1.0 + anp.log(2 * anp.pi)) + anp.sum(log_std)


PARAMS = np.array([0.2, -0.4, 0.1, -0.3, 0.05, -0.6])


def test_bbvi_elbo_through_the_harness():
    check_grads(elbo, [PARAMS, 0.4], wrt=0, backends=PY)


def test_bbvi_elbo_with_a_generator_passed_in():
    value, grad = adc.value_and_grad(elbo_given, backend="python")(PARAMS, 0.4, np.random.RandomState(7))
    assert value == elbo_given(PARAMS, 0.4, np.random.RandomState(7))  # NumPy's own stream, to the bit
    reference = autograd.grad(elbo_autograd)(PARAMS, 0.4, np.random.RandomState(7))
    np.testing.assert_allclose(grad, reference, rtol=1e-12, atol=1e-14)


def test_bbvi_elbo_optimised_with_fresh_draws():
    """An optimiser's loop: one generator, each step's gradient from the step's own draws, as autograd's."""
    rs, ours = np.random.RandomState(3), adc.grad(elbo_given, backend="python")
    rs_ag, theirs = np.random.RandomState(3), autograd.grad(elbo_autograd)
    p, q = PARAMS.copy(), PARAMS.copy()
    for _ in range(5):
        p = p + 0.05 * ours(p, 0.4, rs)
        q = q + 0.05 * theirs(q, 0.4, rs_ag)
    np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    assert rs.randn() == rs_ag.randn()  # both advanced by exactly one draw per step


# ---------------------------------------------------------------- the forms, each seeded inside

def rs_normal(x):
    rs = np.random.RandomState(1)
    return np.sum(np.sin(x) * rs.normal(0.5, 2.0, size=(4, 3)))


def rs_uniform_rand(x):
    rs = np.random.RandomState(2)
    u = rs.uniform(-1.0, 1.0, size=x.shape)
    return np.sum(x * u) + np.sum(x ** 2 * rs.rand(3)) + x[0] * rs.uniform(0.0, 2.0)


def rs_standard(x):
    rs = np.random.RandomState(3)
    return np.sum(np.exp(x * rs.standard_normal(3))) + np.sum(x * rs.random_sample(3))


def generator_forms(x):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((2, 3))
    return np.sum(np.tanh(z * x)) + np.sum(x * rng.normal(1.0, 0.5, 3)) + np.sum(x * rng.uniform(size=3) * rng.random(3))


def default_rng_inline(x):
    return np.sum(x ** 2 * np.random.default_rng(5).normal(size=(2, 3)))


def global_state(x):
    np.random.seed(6)
    e = np.random.randn(2, 3)
    return (np.sum(np.cos(x) * e) + np.sum(x * np.random.normal(0.0, 3.0, 3))
            + np.sum(x * np.random.rand(3)) + np.sum(x * np.random.uniform(-1.0, 1.0, size=(3,))))


@adc.nondiff
def jitter(n, rs):
    return rs.normal(0.0, 0.1, n)


def nondiff_helper(x):
    rs = np.random.RandomState(7)
    return np.sum(x * x * jitter(x.shape[0], rs)) + np.sum(x * rs.randn(3))


def draws_in_a_loop(x):
    rs = np.random.RandomState(8)
    acc = 0.0
    for k in range(4):
        e = rs.randn(x.shape[0])
        if k % 2 == 0:
            acc = acc + np.sum(np.sin(x * e))
        else:
            acc = acc + np.sum(x * x * e)
    return acc


def unused_draw(x):
    rs = np.random.RandomState(9)
    rs.randn(5)  # advances the stream: the next draw depends on it
    return np.sum(np.sin(x) * rs.randn(3))


FORMS = [rs_normal, rs_uniform_rand, rs_standard, generator_forms, default_rng_inline, global_state,
         nondiff_helper, draws_in_a_loop, unused_draw]


@pytest.mark.parametrize("f", FORMS, ids=lambda f: f.__name__)
def test_forms_through_the_harness(f):
    check_grads(f, [X], backends=PY)


def test_vector_output_vjp_and_jacobians():
    def field(x):
        rs = np.random.RandomState(10)
        return np.sin(x) * rs.randn(3) + x * rs.uniform(size=3)
    check_vjp(field, [X], backends=PY)


# ---------------------------------------------------------------- once per call, NumPy's stream

def given(x, rng):
    return np.sum(np.sin(x) * rng.standard_normal(3)) + np.sum(x * x * rng.normal(1.0, 2.0, size=x.shape))


def given_ag(x, rng):
    return anp.sum(anp.sin(x) * rng.standard_normal(3)) + anp.sum(x * x * rng.normal(1.0, 2.0, size=x.shape))


@pytest.mark.parametrize("make", [np.random.RandomState, np.random.default_rng], ids=["RandomState", "Generator"])
def test_each_mode_draws_once_per_call_from_a_generator_passed_in(make):
    ref_value = given(X, make(11))
    ref_grad = autograd.grad(given_ag)(X, make(11))
    v = np.array([0.5, -1.0, 2.0])
    for run in (lambda rng: adc.value_and_grad(given, backend="python")(X, rng),
                lambda rng: adc.jvp(given, backend="python")(X, rng, v),
                lambda rng: adc.hvp(given, backend="python")(X, rng, v),
                lambda rng: adc.vjp(given, backend="python")(X, rng)):
        rng, plain = make(11), make(11)
        run(rng)
        given(X, plain)
        assert rng.standard_normal() == plain.standard_normal()  # advanced exactly as one call
    value, grad = adc.value_and_grad(given, backend="python")(X, make(11))
    assert value == ref_value
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12)
    _, tangent = adc.jvp(given, backend="python")(X, make(11), v)
    np.testing.assert_allclose(tangent, np.dot(ref_grad, v), rtol=1e-12)
    out, pullback = adc.vjp(given, backend="python")(X, make(11))
    assert out == ref_value
    np.testing.assert_allclose(pullback(1.0), ref_grad, rtol=1e-12)
    np.testing.assert_array_equal(pullback(1.0), pullback(1.0))


RS_GLOBAL = np.random.RandomState(12)


def from_a_global(x):
    return np.sum(x * RS_GLOBAL.randn(3))


def test_a_global_generator_and_numpys_state_advance_as_the_plain_function():
    df = adc.value_and_grad(from_a_global, backend="python")
    RS_GLOBAL.seed(12)
    ours = [df(X) for _ in range(3)]
    RS_GLOBAL.seed(12)
    plain = [from_a_global(X) for _ in range(3)]
    assert [v for v, _ in ours] == plain
    assert not np.array_equal(ours[0][1], ours[1][1])  # fresh draws each call

    def unseeded(x):
        return np.sum(x * np.random.randn(3))
    dg = adc.value_and_grad(unseeded, backend="python")
    np.random.seed(13)
    ours = [dg(X)[0] for _ in range(2)]
    np.random.seed(13)
    assert ours == [unseeded(X) for _ in range(2)]


def test_the_draw_is_made_in_the_forward_sweep_only():
    df = adc.grad(draws_in_a_loop, backend="python")
    df(X)
    forward, backward = df.source.split("# backward sweep")
    assert forward.count("rs.randn(") == 1 and "randn" not in backward and "RandomState" not in backward


# ---------------------------------------------------------------- Numba and the backends

def test_numba_runs_a_drawing_function_on_the_python_backend_and_says_so():
    with pytest.warns(adc.AdcFallbackWarning, match="draws random numbers"):
        value, grad = adc.value_and_grad(elbo, backend="numba")(PARAMS, 0.4)
    expected = adc.value_and_grad(elbo, backend="python")(PARAMS, 0.4)
    assert value == expected[0] == elbo(PARAMS, 0.4)
    np.testing.assert_array_equal(grad, expected[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", adc.AdcFallbackWarning)  # "auto" picks python without a word
        assert adc.value_and_grad(draws_in_a_loop)(X)[0] == draws_in_a_loop(X)


# ---------------------------------------------------------------- refused

def loc_from_x(x):
    rs = np.random.RandomState(0)
    return np.sum(rs.normal(x, 1.0))


def randn_of_generator(x, rng):
    return np.sum(x * rng.randn(3))


def rerun_per_row(x, rs):
    return x * rs.randn(3)


def array_method(x):
    return np.sum(x.normal(1.0))


def unknown_keyword(x):
    rs = np.random.RandomState(0)
    return np.sum(x * rs.normal(0.0, 1.0, shape=3))


@pytest.mark.parametrize("make, match", [
    (lambda: adc.grad(loc_from_x, backend="python")(X), "parameters carry a derivative"),
    (lambda: adc.jvp(loc_from_x, backend="python")(X, X), "parameters carry a derivative"),
    (lambda: adc.grad(randn_of_generator, backend="python")(X, np.random.default_rng(0)),
     r"method .randn\(\) of a np.random.Generator"),
    (lambda: adc.jacobian(rerun_per_row, mode="fwd", backend="python")(X, np.random.RandomState(0)),
     "once per row"),
    (lambda: adc.grad(array_method, backend="python")(X), r"method .normal\(\) of a float64"),
    (lambda: adc.grad(unknown_keyword, backend="python")(X), "shape="),
], ids=["loc-grad", "loc-jvp", "generator-randn", "jacfwd-outside", "array-method", "keyword"])
def test_refused(make, match):
    with pytest.raises(AdcSyntaxError, match=match) as info:
        make()
    assert info.value.loc is not None and info.value.loc.file.endswith("test_random_draws.py")


def test_the_reverse_jacobian_of_a_function_given_a_generator_draws_once():
    jac = adc.jacobian(rerun_per_row, mode="rev", backend="python")(X, np.random.RandomState(0))
    np.testing.assert_array_equal(jac, np.diag(np.random.RandomState(0).randn(3)))
