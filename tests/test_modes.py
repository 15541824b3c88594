"""Split-mode vjp, Jacobians and Hessians through the harness; bad tangents and cotangents."""
import autograd
import numpy as np
import pytest

import adc
from corpus import CASES, VECTOR_CASES
from harness import autograd_version, check_hessian, check_vjp

HESSIAN_CASES = [c for c in CASES if c.name in ("array_sum_loop", "matrix_reads", "np_elementwise", "_euler",
                                                  "while_newton", "array_carried", "array_branch_in_loop")]


@pytest.mark.parametrize("case", VECTOR_CASES, ids=[f"{c.name}-wrt{c.wrt}" for c in VECTOR_CASES])
def test_vjp_and_jacobians(case):
    check_vjp(case.f, case.args, wrt=case.wrt, ag=case.ag)


@pytest.mark.parametrize("case", HESSIAN_CASES, ids=[c.name for c in HESSIAN_CASES])
def test_hessian(case):
    wrt = case.wrt[0] if isinstance(case.wrt, tuple) else case.wrt
    check_hessian(case.f, case.args, wrt=wrt, ag=case.ag)


def test_tangent_of_wrong_shape_names_argument_and_shapes():
    f = adc.jvp(lambda x, a: np.sum(x * a), wrt=0, backend="python")
    with pytest.raises(adc.AdcTypeError, match=r"tangent of argument 'x' has shape \(2,\), but 'x' has shape \(3,\)"):
        f(np.ones(3), 2.0, np.ones(2))


def test_cotangent_of_wrong_shape():
    _, pullback = adc.vjp(lambda x: np.sin(x), backend="python")(np.ones(3))
    with pytest.raises(adc.AdcTypeError, match=r"cotangent has shape \(2,\).*has shape \(3,\)"):
        pullback(np.ones(2))


def test_complex_tangent_for_real_argument():
    f = adc.jvp(lambda x: x * x, backend="python")
    with pytest.raises(adc.AdcTypeError, match="tangent of argument 'x' is complex"):
        f(1.0, 1j)


def test_hessian_takes_one_argument():
    with pytest.raises(adc.AdcError, match="one wrt argument"):
        adc.hessian(lambda x, y: x * y, wrt=(0, 1))


SCALAR_CASES = [c for c in CASES if isinstance(c.wrt, int) and isinstance(c.args[c.wrt], float)]


@pytest.mark.parametrize("case", SCALAR_CASES, ids=[c.name for c in SCALAR_CASES])
def test_reverse_over_reverse(case):
    """adc.grad(adc.grad(f)) against forward over reverse and finite differences of the gradient."""
    args, k = list(case.args), case.wrt
    g = adc.grad(case.f, wrt=k, backend="python")
    h = 1e-5
    up, down = list(args), list(args)
    up[k], down[k] = args[k] + h, args[k] - h
    fd = (g(*up) - g(*down)) / (2 * h)
    for backend in ("python", "numba"):
        second = adc.grad(adc.grad(case.f, wrt=k, backend=backend), wrt=k, backend=backend, debug=True)(*args)
        hv = adc.hvp(case.f, wrt=k, backend=backend)(*args, 1.0)
        np.testing.assert_allclose(second, hv, rtol=1e-9, atol=1e-10, err_msg=f"{backend}: rev-over-rev vs hvp")
        np.testing.assert_allclose(second, fd, rtol=1e-4, atol=1e-5, err_msg=f"{backend}: rev-over-rev vs FD")


def test_derivative_of_a_jvp_is_refused():
    with pytest.raises(adc.AdcError, match="made by adc.grad with one wrt argument"):
        adc.grad(adc.jvp(lambda x: x * x))


_IDX = np.array([0, 2, 2, 3])


def gathers(x):
    """Integer-array and boolean-mask reads: their adjoints are scatter-adds (rt.take_add, rt.mask_add)."""
    return np.sum(np.sin(x[_IDX]) ** 2) + np.sum(x[x > 0.1] ** 3)


def test_second_derivatives_through_scatter_adjoints():
    """Reverse over reverse (the Jacobian of the gradient, by rows) and the Hessian, against autograd."""
    x = np.array([0.3, -0.5, 0.9, 0.2])
    reference = autograd.hessian(autograd_version(gathers))(x)
    for backend in ("python", "numba"):
        rows = adc.jacobian(adc.grad(gathers, backend=backend), mode="rev", backend=backend, debug=True)(x)
        np.testing.assert_allclose(rows, reference, rtol=1e-10, atol=1e-12, err_msg=f"{backend}: rev over rev")
        check_hessian(gathers, (x,), backends=(backend,))
