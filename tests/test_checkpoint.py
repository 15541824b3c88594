"""Checkpointed loops: `for t in adc.checkpointed(range(T), snapshots=k)`.

The schedule is checked against the known optimum (Griewank and Walther: reversing n trips with s
snapshots takes r·n - C(s+r, s+1) untaped trips at least) and a brute-force search; the derivatives
of checkpointed loops against the harness (finite differences, autograd on the plain loop, every
mode), and against the same loop taped, to the last bit; memory in a subprocess.
"""
import functools
import linecache
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import adc
from adc_runtime import checkpoint as schedule
from harness import check_grads, check_vjp


# ---------------------------------------------------------------- the schedule


@functools.lru_cache(maxsize=None)
def _least_advances(n, s):
    """Brute force: the fewest untaped trips that reverse n trips with s snapshots (the first
    state counts) when each snapshot splits the trips left into a part reversed with all s and a
    part reversed with one fewer."""
    if n <= 1:
        return 0
    if s <= 0:
        return math.inf
    return min(m + _least_advances(m, s) + (0 if n - m == 1 else _least_advances(n - m, s - 1))
               for m in range(1, n))


def test_the_least_recomputation_is_the_known_optimum():
    assert [schedule.revolve_advances(1000, s) for s in (5, 10, 20)] == [6284, 3636, 2747]
    assert schedule.revolve_advances(10 ** 4, 20) == 37976
    assert schedule.revolve_advances(57, 1) == 57 * 56 // 2
    for s in range(1, 6):
        for n in range(1, 90):
            assert schedule.revolve_advances(n, s) == _least_advances(n, s), (n, s)


def _run_schedule(n, s):
    """The schedule as the generated code runs it, without a body: (forward steps, taped steps,
    most snapshots held), asserting that trips are reversed in order, each from its own state."""
    ck = schedule.checkpoints(n, s, 0, 1)
    schedule.ckpt_first(ck)
    position = 0
    while position < n - 1:
        stop = schedule.ckpt_advance(ck, position, n - 1)
        if stop < n - 1:
            schedule.ckpt_store(ck, stop)
        position = stop
    schedule.ckpt_hold(ck)
    for q in range(n - 1, -1, -1):
        position = schedule.ckpt_position(ck, q)
        assert position <= q
        while position < q:
            stop = schedule.ckpt_advance(ck, position, q)
            if stop < q:
                schedule.ckpt_store(ck, stop)
            position = stop
        schedule.ckpt_turned(ck, q)
    schedule.ckpt_report(ck, ck)
    report = schedule.report(ck)
    return report["forward_steps"], report["taped_steps"], report["snapshots_held"]


@pytest.mark.parametrize("n,s", [(1, 1), (2, 1), (10, 1), (10, 3), (100, 4), (1000, 5), (1000, 10), (1000, 20),
                                 (10 ** 4, 20), (37, 37), (5, 9)])
def test_the_schedule_meets_the_optimum(n, s):
    forward, taped, held = _run_schedule(n, s)
    assert forward == schedule.revolve_advances(n, min(s, n)) + 1  # + the last trip, run untaped first
    assert taped == n
    assert held <= s


def test_auto_snapshots_run_each_trip_at_most_three_times_within_the_budget():
    for trips in (1, 2, 10, 1000, 10 ** 6):
        s = schedule.checkpoints(trips, schedule.AUTO, 0, 100)[0]
        assert schedule.revolve_advances(trips, s) <= 2 * trips
    assert schedule.checkpoints(10 ** 6, schedule.AUTO, 800 * 50, 100)[0] == 50  # 50 states of 800 bytes


# ---------------------------------------------------------------- derivatives


def euler_chain(y0, W, T):
    """A state carried from trip to trip (the array is rebound, not written)."""
    y = y0
    for t in adc.checkpointed(range(T), snapshots=3):
        y = y + 0.05 * np.tanh(W @ y)
    return np.sum(y ** 2)


def euler_chain_plain(y0, W, T):
    y = y0
    for t in range(T):
        y = y + 0.05 * np.tanh(W @ y)
    return np.sum(y ** 2)


def heat_in_place(u0, kappa, T):
    """An array written in place, a scalar carried, a loop and a branch inside each trip."""
    u = u0.copy()
    energy = 0.0
    for t in adc.checkpointed(range(1, T + 1), snapshots=4):
        for i in range(1, u.shape[0] - 1):
            u[i] = u[i] + kappa * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        if t % 3 == 0:
            energy = energy + np.sum(u * u) * kappa
        else:
            energy = energy * 0.99
    return energy + np.sum(np.sin(u))


def heat_functional(u0, kappa, T):
    """heat_in_place without in-place writes (autograd cannot box them)."""
    import autograd.numpy as anp
    u = u0
    energy = 0.0
    for t in range(1, T + 1):
        for i in range(1, u.shape[0] - 1):
            new = u[i] + kappa * (u[i - 1] - 2.0 * u[i] + u[i + 1])
            u = anp.concatenate([u[:i], anp.reshape(new, (1,)), u[i + 1:]])
        energy = energy + anp.sum(u * u) * kappa if t % 3 == 0 else energy * 0.99
    return energy + anp.sum(anp.sin(u))


def newton_steps(x, T):
    """A while loop inside a checkpointed trip, and a step of 2."""
    total = 0.0
    for t in adc.checkpointed(range(0, 2 * T, 2), snapshots=2):
        y = x + 0.1 * t
        k = 0
        while k < 3:
            y = y - (y * y - x) / (2.0 * y)
            k += 1
        total = total + y
    return total


def newton_plain(x, T):
    total = 0.0
    for t in range(0, 2 * T, 2):
        y = x + 0.1 * t
        k = 0
        while k < 3:
            y = y - (y * y - x) / (2.0 * y)
            k += 1
        total = total + y
    return total


def euler_path(y0, W, T):
    """An array output, for split mode and Jacobians."""
    y = y0
    for t in adc.checkpointed(range(T), snapshots=2):
        y = y + 0.05 * np.tanh(W @ y)
    return y


def euler_path_plain(y0, W, T):
    y = y0
    for t in range(T):
        y = y + 0.05 * np.tanh(W @ y)
    return y


RNG = np.random.default_rng(7)
Y0, W = RNG.normal(size=4), RNG.normal(size=(4, 4)) / 2


def test_a_carried_state():
    check_grads(euler_chain, (Y0, W, 11), wrt=(0, 1), ag=euler_chain_plain, backends=("python",))
    got = adc.grad(euler_chain, wrt=(0, 1), backend="numba")(Y0, W, 11)
    for a, b in zip(got, adc.grad(euler_chain_plain, wrt=(0, 1), backend="numba")(Y0, W, 11)):
        np.testing.assert_array_equal(a, b)


def test_an_array_written_in_place():
    check_grads(heat_in_place, (np.linspace(0.0, 1.0, 6) ** 2, 0.2, 8), wrt=(0, 1), ag=heat_functional,
                backends=("python",))  # under Numba: test_under_numba_equal_to_the_python_backend


def test_a_while_loop_inside_and_a_step_of_two():
    check_grads(newton_steps, (2.0, 7), wrt=0, ag=newton_plain, backends=("python",))


def damped_while(x, n):
    """A checkpointed while loop (the online schedule): scalars carried."""
    y, s, k = x, 0.0, 0
    while adc.checkpointed(k < n, snapshots=3):
        y = y + 0.1 * math.sin(y) * x
        s = s + y * y
        k += 1
    return s


def damped_while_plain(x, n):
    y, s, k = x, 0.0, 0
    while k < n:
        y = y + 0.1 * math.sin(y) * x
        s = s + y * y
        k += 1
    return s


def _damped_while_ag(x, n):
    import autograd.numpy as anp
    y, s, k = x, 0.0, 0
    while k < n:
        y = y + 0.1 * anp.sin(y) * x
        s = s + y * y
        k += 1
    return s


def growth_until(u0, T):
    """A checkpointed for loop that breaks (the online schedule), an array written in place."""
    u = u0.copy()
    for t in adc.checkpointed(range(T), snapshots=3):
        if u[0] > 2.0:
            break
        for i in range(1, u.shape[0]):
            u[i] = u[i] + 0.1 * u[i - 1] * u[i]
        u[0] = u[0] + 0.2
    return np.sum(u * u)


def growth_until_functional(u0, T):
    import autograd.numpy as anp
    u = u0
    for t in range(T):
        if u[0] > 2.0:
            break
        for i in range(1, u.shape[0]):
            u = anp.concatenate([u[:i], anp.reshape(u[i] + 0.1 * u[i - 1] * u[i], (1,)), u[i + 1:]])
        u = anp.concatenate([anp.reshape(u[0] + 0.2, (1,)), u[1:]])
    return anp.sum(u * u)


def test_a_while_loop_on_the_online_schedule():
    check_grads(damped_while, (0.7, 23), wrt=0, ag=_damped_while_ag, backends=("python",))
    g = adc.grad(damped_while, backend="python")
    assert g(0.7, 23) == adc.grad(damped_while_plain, backend="python")(0.7, 23)  # bit for bit
    stats = adc.stats(g)
    assert stats["taped_steps"] == stats["trips"] == 23 and stats["snapshots_held"] <= 3
    assert 23 < stats["forward_steps"] < 23 * 23 // 2


def test_a_loop_that_breaks_on_the_online_schedule():
    check_grads(growth_until, (np.linspace(0.1, 0.5, 4), 40), wrt=0, ag=growth_until_functional, backends=("python",))
    g = adc.grad(growth_until, backend="numba")
    np.testing.assert_array_equal(g(np.linspace(0.1, 0.5, 4), 40),
                                  adc.grad(growth_until, backend="python")(np.linspace(0.1, 0.5, 4), 40))
    assert adc.stats(g)["trips"] == 11  # the eleventh trip breaks


def test_split_mode_and_jacobians():
    check_vjp(euler_path, (Y0, W, 9), wrt=0, ag=euler_path_plain, backends=("python",))
    check_vjp(euler_path, (Y0, W, 9), wrt=1, ag=euler_path_plain, backends=("python",))


@pytest.mark.parametrize("T", [0, 1, 2, 5])
def test_short_loops(T):
    g = adc.value_and_grad(euler_chain, wrt=(0, 1), backend="python", debug=True)(Y0, W, T)
    want = adc.value_and_grad(euler_chain_plain, wrt=(0, 1), backend="python")(Y0, W, T)
    assert g[0] == want[0]
    for a, b in zip(g[1], want[1]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("snapshots", [1, 2, 5, 40, "auto"])
def test_the_gradient_is_the_taped_one_bit_for_bit(snapshots):
    """Recomputation runs the same operations on the same values: the same numbers, not close ones."""
    src = textwrap.dedent(f"""
        def chain(x, theta, T):
            u = x.copy()
            for t in adc.checkpointed(range(T), snapshots={snapshots!r}):
                for i in range(1, u.shape[0]):
                    u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
            return np.sum(u * u)
        """)
    scope, name = {"adc": adc, "math": math, "np": np}, f"<checkpoint {snapshots}>"
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)  # where adc reads the source
    exec(compile(src, name, "exec"), scope)  # noqa: S102  (snapshots= is a constant in the source)
    x = np.linspace(0.0, 1.0, 7)
    g = adc.grad(scope["chain"], wrt=(0, 1), backend="python")
    taped = adc.grad(_taped_chain, wrt=(0, 1), backend="python")
    for a, b in zip(g(x, 0.3, 30), taped(x, 0.3, 30)):
        np.testing.assert_array_equal(a, b)
    stats = adc.stats(g)
    s = min(stats["snapshots"], 30)
    assert stats["forward_steps"] == schedule.revolve_advances(30, s) + 1
    assert stats["taped_steps"] == 30 and stats["trips"] == 30 and stats["snapshots_held"] <= s
    assert stats["peak_stack_bytes"] == 8 * 2 * 6  # one trip's tape: two floats for each of 6 element updates


def _taped_chain(x, theta, T):
    u = x.copy()
    for t in range(T):
        for i in range(1, u.shape[0]):
            u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
    return np.sum(u * u)


def test_recomputation_counts_of_the_issue():
    """n = 1000 trips: the forward steps are the optimum (plus the last trip's first run), exactly."""
    def loop(x, n):
        for t in adc.checkpointed(range(n), snapshots=10):
            x = math.sin(x) + 0.001 * t
        return x
    g = adc.grad(loop, backend="python")
    g(0.5, 1000)
    assert adc.stats(g)["forward_steps"] == 3636 + 1


def test_a_pullback_runs_again_on_its_tape():
    value, pullback = adc.vjp(euler_path, wrt=1, backend="python")(Y0, W, 12)
    first = pullback(np.ones(4))
    second = pullback(np.ones(4))
    np.testing.assert_array_equal(first, second)


def test_stats_without_a_checkpointed_loop_is_an_error():
    g = adc.grad(euler_chain_plain, backend="python")
    g(Y0, W, 3)
    with pytest.raises(adc.AdcError, match="ran no checkpointed loop"):
        adc.stats(g)


def nested(x, theta, T):
    """Checkpointed loops inside a checkpointed loop: a while loop, and a for loop in a branch."""
    u = x.copy()
    s = 0.0
    for e in adc.checkpointed(range(4), snapshots=2):
        k = 0
        while adc.checkpointed(k < T, snapshots=2):
            for i in range(1, u.shape[0]):
                u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
            s = s + u[0] * theta
            k += 1
        if s > 0.1:
            for t in adc.checkpointed(range(T), snapshots=2):
                s = s * math.cos(theta * s)
    return np.sum(u * u) + s


def nested_plain(x, theta, T):
    u = x.copy()
    s = 0.0
    for e in range(4):
        k = 0
        while k < T:
            for i in range(1, u.shape[0]):
                u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
            s = s + u[0] * theta
            k += 1
        if s > 0.1:
            for t in range(T):
                s = s * math.cos(theta * s)
    return np.sum(u * u) + s


def inner_only(x, theta, T):
    """A checkpointed loop inside a plain loop."""
    s = 0.0
    for e in range(3):
        for t in adc.checkpointed(range(T), snapshots=3):
            x = x + 0.05 * np.tanh(theta * x + s)
            s = s + np.sum(x) * theta
        s = s * 0.9
    return s + np.sum(x * x)


def inner_only_ag(x, theta, T):
    import autograd.numpy as anp
    s = 0.0
    for e in range(3):
        for t in range(T):
            x = x + 0.05 * anp.tanh(theta * x + s)
            s = s + anp.sum(x) * theta
        s = s * 0.9
    return s + anp.sum(x * x)


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_nested_checkpointed_loops_are_the_taped_ones_bit_for_bit(backend):
    x = np.linspace(0.1, 0.6, 5)
    got = adc.grad(nested, wrt=(0, 1), backend=backend, debug=True)(x, 0.3, 7)
    want = adc.grad(nested_plain, wrt=(0, 1), backend=backend)(x, 0.3, 7)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1]
    if backend == "python":
        assert adc.hvp(nested, wrt=1, backend=backend, debug=True)(x, 0.3, 7, 1.0) == \
            adc.hvp(nested_plain, wrt=1, backend=backend)(x, 0.3, 7, 1.0)


def reads_its_surroundings(x, data, T):
    """A nested checkpointed loop whose trips read values of the loop around it: a number, a view
    and an array written after the loop."""
    total = 0.0
    for e in range(data.shape[0] - 1):
        w = data[e] * 0.5
        rows = data[e:e + 2]
        scratch = np.copy(x)
        y = x
        for t in adc.checkpointed(range(T), snapshots=2):
            y = y + 0.1 * np.tanh(w * y + rows[1]) * scratch
        scratch[0] = 5.0
        total = total + np.sum(y * y) + scratch[0]
    return total


def reads_its_surroundings_plain(x, data, T):
    total = 0.0
    for e in range(data.shape[0] - 1):
        w = data[e] * 0.5
        rows = data[e:e + 2]
        scratch = np.copy(x)
        y = x
        for t in range(T):
            y = y + 0.1 * np.tanh(w * y + rows[1]) * scratch
        scratch[0] = 5.0
        total = total + np.sum(y * y) + scratch[0]
    return total


def test_a_nested_loop_reads_the_values_around_it():
    x, data = np.array([0.3, -0.2, 0.5]), np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    for backend in ("python", "numba"):
        got = adc.grad(reads_its_surroundings, wrt=(0, 1), backend=backend, debug=True)(x, data, 5)
        want = adc.grad(reads_its_surroundings_plain, wrt=(0, 1), backend=backend)(x, data, 5)
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)
    v = np.array([1.0, -1.0, 0.5])
    np.testing.assert_array_equal(adc.hvp(reads_its_surroundings, backend="python", debug=True)(x, data, 5, v),
                                  adc.hvp(reads_its_surroundings_plain, backend="python")(x, data, 5, v))


def test_a_checkpointed_loop_inside_a_loop():
    check_grads(inner_only, (np.linspace(-0.5, 0.5, 3), 0.7, 6), wrt=(0, 1), ag=inner_only_ag, backends=("python",))


def test_refusals_name_the_construct():
    def computed(x, T, k):
        for t in adc.checkpointed(range(T), snapshots=k):
            x = x * 1.01
        return x

    with pytest.raises(adc.AdcError, match=r"snapshots=\.\.\.\) with this value"):
        adc.grad(computed, backend="python")(1.0, 3, 2)
    with pytest.raises(adc.AdcError, match="snapshots=0"):
        adc.checkpointed(range(3), snapshots=0)


def test_under_numba_equal_to_the_python_backend():
    x = np.linspace(0.0, 1.0, 6) ** 2
    g = adc.grad(heat_in_place, wrt=(0, 1), backend="numba")
    a, b = g(x, 0.2, 9), adc.grad(heat_in_place, wrt=(0, 1), backend="python")(x, 0.2, 9)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-13, atol=1e-14)
    assert abs(a[1] - b[1]) <= 1e-13 * abs(b[1])
    assert adc.stats(g)["taped_steps"] == 9


MEMORY = """
import resource, sys
import numpy as np, adc

def chain(y0, W, T):
    y = y0
    for t in adc.checkpointed(range(T), snapshots="auto"):
        y = y + 0.001 * np.tanh(W @ y)
    return np.sum(y * y)

rng = np.random.default_rng(0)
y0, W = rng.normal(size=8), rng.normal(size=(8, 8)) / 3
g = adc.grad(chain, wrt=(0, 1), backend="numba")
g(y0, W, 10)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
g(y0, W, 10 ** 6)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024, adc.stats(g)["snapshots"])
"""


def test_a_million_trips_in_bounded_memory(tmp_path):
    """Taped, a million trips of this loop would take 0.2 GB of tape; checkpointed, a few MB."""
    script = tmp_path / "million.py"
    script.write_text(MEMORY)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                         env=dict(os.environ), timeout=600)
    grown, snapshots = (int(w) for w in out.stdout.split())
    assert snapshots == 1413
    assert grown < 16 * 2 ** 20, out.stdout
