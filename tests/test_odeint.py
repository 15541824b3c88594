"""adc.odeint: solutions against the matrix exponential, gradients against its Fréchet derivative
and against finite differences of the discrete solver, through the harness in every mode; the
continuous adjoint (adjoint="backsolve") against the same, its memory against the steps."""
import tracemalloc
import warnings

import autograd.numpy as anp
import numpy as np
import pytest
import scipy.linalg as sl

import adc
from harness import check_grads, check_vjp

T3 = np.array([0.0, 0.4, 1.0])
RNG = np.random.default_rng(3)
Y0, A = RNG.normal(size=3), RNG.normal(size=(3, 3)) * 0.5


def linear(y, t, A):
    return A @ y


def final_energy(y0, A):
    ys = adc.odeint(linear, y0, T3, A, rtol=1e-10, atol=1e-12)
    return np.sum(ys[-1] ** 2)


def analytic_gradients(y0, A):
    """d/dy0 and d/dA of |expm(A) y0|^2: 2 E^T y(1), and the adjoint Fréchet derivative of expm
    applied to 2 y(1) y0^T."""
    E = sl.expm(A)
    y1 = E @ y0
    return 2 * E.T @ y1, sl.expm_frechet(A.T, np.outer(2 * y1, y0), compute_expm=False)


def test_dopri5_solves_a_linear_system():
    ys = adc.odeint(linear, Y0, T3, A, rtol=1e-10, atol=1e-12)
    for t, y in zip(T3, ys):
        np.testing.assert_allclose(y, sl.expm(t * A) @ Y0, rtol=1e-8, atol=1e-10)


def test_dopri5_gradient_is_the_matrix_exponential_one():
    g = adc.grad(final_energy, wrt=(0, 1), backend="python")
    gy, gA = g(Y0, A)
    stats = adc.stats(g)  # its steps checkpointed on the online schedule
    assert stats["taped_steps"] == stats["trips"] > 10 and stats["snapshots_held"] <= stats["snapshots"]
    want_y, want_A = analytic_gradients(Y0, A)
    np.testing.assert_allclose(gy, want_y, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(gA, want_A, rtol=1e-7, atol=1e-9)


def rk4_energy(y0, A):
    ys = adc.odeint(linear, y0, T3, A, method="rk4", steps=6)
    return np.sum(ys[1] * ys[2])


def _rk4_rows_ag(y0, A, steps):
    """adc.odeint's RK4 of y' = A y at T3, written without in-place writes for autograd."""
    y, rows = y0, [y0]
    for k in range(2):
        h = (T3[k + 1] - T3[k]) / steps
        for j in range(steps):
            k1 = anp.dot(A, y)
            k2 = anp.dot(A, y + 0.5 * h * k1)
            k3 = anp.dot(A, y + 0.5 * h * k2)
            k4 = anp.dot(A, y + h * k3)
            y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        rows.append(y)
    return rows


def rk4_energy_ag(y0, A):
    rows = _rk4_rows_ag(y0, A, 6)
    return anp.sum(rows[1] * rows[2])


def test_rk4_checkpointed_at_the_top_level():
    check_grads(rk4_energy, (Y0, A), wrt=(0, 1), ag=rk4_energy_ag, backends=("python",))
    g = adc.grad(rk4_energy, backend="python")
    g(Y0, A)
    assert adc.stats(g)["taped_steps"] == 12


def test_under_numba_equal_to_the_python_backend():
    """One compile under Numba (the adaptive solver's gradient takes Numba ~50 s to compile: it
    stays on the python backend here)."""
    got = adc.grad(rk4_energy, wrt=(0, 1), backend="numba")(Y0, A)
    want = adc.grad(rk4_energy, wrt=(0, 1), backend="python")(Y0, A)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-14)


def euler_in_a_loop(y0, A):
    total = 0.0
    for r in range(2):  # the solver's checkpointed loop is taped here (nested="tape")
        ys = adc.odeint(linear, y0 * (1.0 + r), T3, A, method="euler", steps=4)
        total = total + np.sum(ys ** 2)
    return total


def euler_in_a_loop_ag(y0, A):
    total = 0.0
    for r in range(2):
        y = y0 * (1.0 + r)
        total = total + anp.sum(y ** 2)
        for k in range(2):
            h = (T3[k + 1] - T3[k]) / 4
            for j in range(4):
                y = y + h * anp.dot(A, y)
            total = total + anp.sum(y ** 2)
    return total


def test_a_solve_inside_a_loop():
    check_grads(euler_in_a_loop, (Y0, A), wrt=(0, 1), ag=euler_in_a_loop_ag, backends=("python",))


def mlp(y, t, W1, b1, W2):
    return W2 @ np.tanh(W1 @ y + b1)


def neural_ode_loss(W1, b1, W2, y0):
    ys = adc.odeint(mlp, y0, np.linspace(0.0, 1.0, 4), W1, b1, W2, rtol=1e-8, atol=1e-10)
    return np.sum(ys ** 2)


def test_neural_ode_gradient_against_differences_of_the_solver():
    """The exact gradient of the discrete adaptive solver, step-size control included: central
    differences of the same solver agree to 1e-7."""
    rng = np.random.default_rng(5)
    W1, b1, W2, y0 = rng.normal(size=(6, 2)), rng.normal(size=6), rng.normal(size=(2, 6)) / 3, np.array([1.0, -0.5])
    grads = adc.grad(neural_ode_loss, wrt=(0, 1, 2), backend="python")(W1, b1, W2, y0)
    for k, (arg, g) in enumerate(zip((W1, b1, W2), grads)):
        v = rng.normal(size=arg.shape)
        h = 1e-6
        args_up = [W1, b1, W2, y0]
        args_dn = [W1, b1, W2, y0]
        args_up[k], args_dn[k] = arg + h * v, arg - h * v
        fd = (neural_ode_loss(*args_up) - neural_ode_loss(*args_dn)) / (2 * h)
        assert abs(np.sum(g * v) - fd) <= 1e-7 * max(1.0, abs(fd)), (k, np.sum(g * v), fd)


def test_forward_mode_and_hessian_vector_products_through_the_adaptive_solver():
    check_grads(final_energy, (Y0, A), wrt=(0, 1), ag=expm_energy_ag, backends=("python",), rtol=1e-6, atol=1e-7)


def test_refusals():
    with pytest.raises(adc.AdcError, match="adjoint='revolve'.*'checkpoint' or 'backsolve'"):
        adc.odeint(linear, Y0, T3, A, adjoint="revolve")
    with pytest.raises(adc.AdcError, match="method='midpoint'"):
        adc.odeint(linear, Y0, T3, A, method="midpoint")

    def computed(y0, A):
        return np.sum(adc.odeint(linear, y0, T3, A, method="rk4" if y0[0] > 0 else "euler"))
    with pytest.raises(adc.AdcError, match="computed value"):
        adc.grad(computed, backend="python")(Y0, A)
    with pytest.raises(adc.AdcError, match="max_steps"):
        adc.odeint(linear, Y0, T3, A, max_steps=2)


def trajectory(y0, A):
    return adc.odeint(linear, y0, T3, A, method="rk4", steps=5)


def trajectory_ag(y0, A):
    return anp.stack(_rk4_rows_ag(y0, A, 5))


def test_split_mode_and_jacobians_of_a_trajectory():
    check_vjp(trajectory, (Y0, A), wrt=0, ag=trajectory_ag, backends=("python",))
    check_vjp(trajectory, (Y0, A), wrt=1, ag=trajectory_ag, backends=("python",))


# ---------------------------------------------------------------- adjoint="backsolve": the continuous adjoint


def backsolve_energy(y0, A):
    ys = adc.odeint(linear, y0, T3, A, rtol=1e-10, atol=1e-12, adjoint="backsolve")
    return np.sum(ys[-1] ** 2)


def expm_energy_ag(y0, A):
    """|expm(A) y0|^2 for autograd: the Taylor series of expm at order 30."""
    E, term = anp.eye(3), anp.eye(3)
    for k in range(1, 30):
        term = anp.dot(term, A) / k
        E = E + term
    y1 = anp.dot(E, y0)
    return anp.sum(y1 ** 2)


@pytest.mark.parametrize("rtol, atol", [(1e-6, 1e-9), (1e-10, 1e-12)])
def test_backsolve_gradient_is_the_matrix_exponential_one(rtol, atol):
    """The continuous adjoint's gradient is the exact one to about the tolerance (here the
    relative error is below 10 rtol), and no AdcOdeWarning: y' = A y integrates back stably."""
    def energy(y0, A):
        ys = adc.odeint(linear, y0, T3, A, rtol=rtol, atol=atol, adjoint="backsolve")
        return np.sum(ys[-1] ** 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", adc.AdcOdeWarning)
        gy, gA = adc.grad(energy, wrt=(0, 1), backend="python")(Y0, A)
    want_y, want_A = analytic_gradients(Y0, A)
    np.testing.assert_allclose(gy, want_y, rtol=0, atol=10 * rtol * np.abs(want_y).max())
    np.testing.assert_allclose(gA, want_A, rtol=0, atol=10 * rtol * np.abs(want_A).max())


def test_backsolve_through_the_harness():
    """Reverse mode by the adjoint ODE, forward mode and Hessian-vector products through the plain
    solver, against central differences and autograd of the matrix exponential."""
    check_grads(backsolve_energy, (Y0, A), wrt=(0, 1), ag=expm_energy_ag, backends=("python",), rtol=1e-6,
                atol=1e-7)


def backsolve_trajectory(y0, A):
    return adc.odeint(linear, y0, T3, A, rtol=1e-12, atol=1e-14, adjoint="backsolve")


def expm_trajectory_ag(y0, A):
    rows = []
    for t in T3:
        E, term = anp.eye(3), anp.eye(3)
        for k in range(1, 30):
            term = anp.dot(term, t * A) / k
            E = E + term
        rows.append(anp.dot(E, y0))
    return anp.stack(rows)


def test_backsolve_split_mode_and_jacobians():
    """A pullback called twice on one forward sweep; each row's cotangent joins the adjoint at its time."""
    check_vjp(backsolve_trajectory, (Y0, A), wrt=0, ag=expm_trajectory_ag, backends=("python",))
    check_vjp(backsolve_trajectory, (Y0, A), wrt=1, ag=expm_trajectory_ag, backends=("python",))


def test_backsolve_neural_ode_against_differences():
    """An MLP's dynamics: the backsolve gradient of every weight against central differences of
    the solve, to the solver's tolerance."""
    rng = np.random.default_rng(5)
    W1, b1, W2, y0 = rng.normal(size=(6, 2)), rng.normal(size=6), rng.normal(size=(2, 6)) / 3, np.array([1.0, -0.5])

    def loss(W1, b1, W2, y0):
        ys = adc.odeint(mlp, y0, np.linspace(0.0, 1.0, 4), W1, b1, W2, rtol=1e-10, atol=1e-12, adjoint="backsolve")
        return np.sum(ys ** 2)
    grads = adc.grad(loss, wrt=(0, 1, 2, 3), backend="python")(W1, b1, W2, y0)
    args = [W1, b1, W2, y0]
    for k, g in enumerate(grads):
        v, h = rng.normal(size=args[k].shape), 1e-6
        up, down = list(args), list(args)
        up[k], down[k] = args[k] + h * v, args[k] - h * v
        fd = (loss(*up) - loss(*down)) / (2 * h)
        assert abs(np.sum(g * v) - fd) <= 1e-7 * max(1.0, abs(fd)), (k, np.sum(g * v), fd)


def closure_loop_backsolve(y0, A, t):
    out = 0.0
    for r in range(2):
        B = A * (0.5 + 0.5 * r)
        ys = adc.odeint(lambda y, s: B @ y + np.sin(s), y0, t, rtol=1e-9, atol=1e-11, adjoint="backsolve")
        out = out + np.sum(ys ** 2)
    return out


def closure_loop_checkpoint(y0, A, t):
    out = 0.0
    for r in range(2):
        B = A * (0.5 + 0.5 * r)
        ys = adc.odeint(lambda y, s: B @ y + np.sin(s), y0, t, rtol=1e-9, atol=1e-11)
        out = out + np.sum(ys ** 2)
    return out


def test_backsolve_in_a_loop_with_a_closure_and_the_times():
    """Solves inside a loop, f a lambda reading the loop's B (its gradient flows through the adjoint
    too), the output times differentiated: against the discrete solver's exact gradient."""
    got = adc.grad(closure_loop_backsolve, wrt=(0, 1, 2), backend="python")(Y0, A, T3)
    want = adc.grad(closure_loop_checkpoint, wrt=(0, 1, 2), backend="python")(Y0, A, T3)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def looped_field(y, t, A, k):
    out = np.zeros(y.shape[0])
    acc = 0.0
    for i in range(y.shape[0]):  # a loop in f: its vjp keeps a tape of its own
        acc = acc + np.sin(k * y[i])
        out[i] = acc * A[i, i] - y[i]
    return out


def looped_backsolve(y0, A, k):
    return np.sum(adc.odeint(looped_field, y0, T3, A, k, method="rk4", steps=40, adjoint="backsolve") ** 2)


def looped_checkpoint(y0, A, k):
    return np.sum(adc.odeint(looped_field, y0, T3, A, k, method="rk4", steps=40) ** 2)


def test_backsolve_fixed_steps_and_a_loop_in_f():
    """rk4 integrates the adjoint ODE back with the same steps: the gradient is the continuous one
    to the method's accuracy, close to the discrete solver's (checkpoint); debug mode checks the
    tape of f's vjp, on a stack level of its own."""
    got = adc.grad(looped_backsolve, wrt=(0, 1, 2), backend="python", debug=True)(Y0, A, 0.7)
    want = adc.grad(looped_checkpoint, wrt=(0, 1, 2), backend="python")(Y0, A, 0.7)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


def test_backsolve_warns_when_the_state_integrated_back_misses():
    """Euler with 3 steps an interval reconstructs y poorly: the gradient warns (and still comes)."""
    def coarse(y0, A):
        return np.sum(adc.odeint(linear, y0, T3, A, method="euler", steps=3, adjoint="backsolve") ** 2)
    with pytest.warns(adc.AdcOdeWarning, match="misses the forward solution by .* times the tolerance"):
        g = adc.grad(coarse, backend="python")(Y0, A)
    assert np.all(np.isfinite(g))


def rk4_steps_energy(y0, A, steps):
    ys = adc.odeint(linear, y0, np.array([0.0, 1.0]), A, method="rk4", steps=steps, adjoint="backsolve")
    return np.sum(ys[-1] ** 2)


def test_backsolve_memory_does_not_grow_with_the_steps():
    """The peak memory (tracemalloc, CPython's and NumPy's allocations) of the gradient's call at
    1,000 steps is within 10% of that at 10: nothing is recorded per step."""
    g = adc.grad(rk4_steps_energy, wrt=(0, 1), backend="python")
    g(Y0, A, 10)
    peaks = {}
    for steps in (10, 1000):
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            g(Y0, A, steps)
            peaks[steps] = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
    assert peaks[1000] <= 1.1 * peaks[10], peaks
    want_y, want_A = analytic_gradients(Y0, A)
    gy, gA = g(Y0, A, 1000)
    np.testing.assert_allclose(gA, want_A, rtol=1e-9, atol=1e-9)


def test_backsolve_under_numba_equal_to_the_python_backend():
    """One compile under Numba (its warning comes through numba.objmode)."""
    got = adc.grad(backsolve_energy, wrt=(0, 1), backend="numba")(Y0, A)
    want = adc.grad(backsolve_energy, wrt=(0, 1), backend="python")(Y0, A)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-14)


def test_backsolve_refusals():
    def not_a_function(y0):
        return np.sum(adc.odeint(3.0, y0, T3, adjoint="backsolve"))

    def tuple_parameter(y0, A):
        return np.sum(adc.odeint(lambda y, t, p: p[0] @ y, y0, T3, (A, A), adjoint="backsolve"))

    def tuple_field(y0):
        return np.sum(adc.odeint(lambda y, t: (y, y), y0, T3, adjoint="backsolve"))

    def checkpointed_field(y, t):
        for i in adc.checkpointed(range(3)):
            y = 0.9 * y
        return y

    def checkpointed_inside(y0):
        return np.sum(adc.odeint(checkpointed_field, y0, T3, adjoint="backsolve"))
    for fn, args, match in [(not_a_function, (Y0,), "not a function"), (tuple_parameter, (Y0, A), "a tuple as"),
                            (tuple_field, (Y0,), "does not return one array"),
                            (checkpointed_inside, (Y0,), "adc.checkpointed inside checkpointed_field")]:
        with pytest.raises(adc.AdcError, match=match):
            adc.grad(fn, backend="python")(*args)
