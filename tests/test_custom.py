"""User-defined rules: adc.primitive with defvjp/defjvp, and adc.nondiff, in every mode."""
import math

import autograd.numpy as anp
import numpy as np
import pytest

import adc
from harness import BACKENDS, check_grads, check_vjp


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


# ---------------------------------------------------------------- code adc cannot read (adc/externs.py)

import ctypes  # noqa: E402
import ctypes.util  # noqa: E402

import autograd.scipy.special as asp  # noqa: E402
import numba  # noqa: E402
import scipy.special  # noqa: E402

_libm = ctypes.CDLL(ctypes.util.find_library("m"))
c_cbrt = _libm.cbrt
c_cbrt.argtypes, c_cbrt.restype = [ctypes.c_double], ctypes.c_double


@numba.cfunc("float64(float64, float64)")
def c_scaled_square(x, a):
    return a * x * x


@adc.primitive
def erf(x):
    return scipy.special.erf(x)


erf.defvjp(lambda x: (scipy.special.erf(x), (x,)),
           lambda res, g: (g * 2.0 / math.sqrt(math.pi) * np.exp(-res[0] * res[0]),))
erf.defjvp(lambda x, dx: dx * 2.0 / math.sqrt(math.pi) * np.exp(-x * x))

gammaln = adc.primitive(scipy.special.gammaln)  # no fwd rule: the residuals are the arguments
gammaln.defvjp(None, lambda res, g: (g * scipy.special.digamma(res[0]),))
gammaln.defjvp(lambda x, dx: dx * scipy.special.digamma(x))


@adc.primitive
def cube_root(x):
    return c_cbrt(x)


cube_root.defvjp(lambda x: (c_cbrt(x), (c_cbrt(x),)), lambda res, g: (g / (3.0 * res[0] * res[0]),))
cube_root.defjvp(lambda x, dx: dx / (3.0 * c_cbrt(x) ** 2))


@adc.primitive
def scaled_square(x, a):
    return c_scaled_square(x, a)


scaled_square.defvjp(lambda x, a: (c_scaled_square(x, a), (x, a)),
                     lambda res, g: (2.0 * g * res[1] * res[0], g * res[0] * res[0]))
scaled_square.defjvp(lambda x, a, dx, da: 2.0 * a * x * dx + x * x * da)


def special_functions(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + erf(x[i]) * x[i] + gammaln(x[i] + 2.0)
    return s + np.sum(erf(x * 0.5))


def special_functions_ag(x):
    return anp.sum(asp.erf(x) * x + asp.gammaln(x + 2.0)) + anp.sum(asp.erf(x * 0.5))


def c_functions(x, a):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + cube_root(x[i] + 3.0) * scaled_square(x[i], a)
    return s


def c_functions_ag(x, a):
    return anp.sum((x + 3.0) ** (1.0 / 3.0) * a * x * x)  # autograd has no rule for cbrt


XS = np.array([0.3, -0.7, 1.1, 0.2])


def test_scipy_special_functions_under_primitives():
    check_grads(special_functions, (XS,), ag=special_functions_ag, order=1)


def test_scipy_special_function_hvp_through_its_rules():
    check_grads(lambda x: np.sum(erf(x) * x), (XS,), ag=lambda x: anp.sum(asp.erf(x) * x), backends=("python",))


def test_c_functions_ctypes_and_cfunc_under_primitives():
    check_grads(c_functions, (XS, 0.8), wrt=(0, 1), ag=c_functions_ag, order=1)


def test_c_function_source_receives_it_as_a_parameter():
    df = adc.grad(c_functions, backend="python")
    df(XS, 0.8)
    assert "def c_functions_grad(x, a, c_cbrt, c_scaled_square, _sizes):" in df.source


def test_unreadable_call_without_rule_is_named():
    def bare(x):
        return np.sum(scipy.special.j0(x) * x)  # a ufunc without a rule (scipy.special.erf has one)
    with pytest.raises(adc.AdcSyntaxError, match=r"scipy.special.j0 \(in reverse mode\)") as err:
        adc.grad(bare, backend="python")(XS)
    assert "adc.primitive" in str(err.value) and "return np.sum(scipy.special.j0(x) * x)" in str(err.value)
    with pytest.raises(adc.AdcSyntaxError, match=r"the C function c_cbrt \(in forward mode\)"):
        adc.jvp(lambda x: c_cbrt(x) * x, backend="python")(0.5, 1.0)


def test_unreadable_call_on_constants_needs_no_rule():
    def weighted(x, c):
        return np.sum(x * scipy.special.j0(c)) + c_cbrt(c[0]) * x[0]
    for backend in BACKENDS:
        g = adc.grad(weighted, backend=backend)(XS, XS + 1.0)
        np.testing.assert_allclose(g, scipy.special.j0(XS + 1.0) + np.eye(4)[0] * np.cbrt(1.3), rtol=1e-12)


def test_c_function_without_signature_is_refused():
    untyped = _libm["sin"]  # a fresh function pointer: no argtypes, restype int

    def f(x):
        return untyped(x)
    with pytest.raises(adc.AdcTypeError, match="argtypes and restype"):
        adc.grad(f, backend="python")(0.5)


def test_hvp_through_a_c_residual_is_refused_by_name():
    with pytest.raises(adc.AdcSyntaxError, match="c_cbrt"):
        adc.hvp(lambda x: cube_root(x) * x, backend="python")(0.5, 1.0)


@adc.primitive
def cis(x):
    return np.exp(1j * x)


cis.defvjp(lambda x: (np.exp(1j * x), (x,)), lambda res, g: (g * 1j * np.exp(1j * res[0]),))
cis.defjvp(lambda x, dx: dx * 1j * np.exp(1j * x))


def test_complex_rule_into_a_real_input_keeps_the_real_part():
    """autograd's convention: a real input takes the real part of what a user's bwd returns."""
    check_grads(lambda x: np.sum(np.abs(cis(x) + 0.5) ** 2), (XS,),
                ag=lambda x: anp.sum(anp.abs(anp.exp(1j * x) + 0.5) ** 2), order=1)
