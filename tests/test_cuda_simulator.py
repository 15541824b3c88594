"""backend="cuda" on Numba's CUDA simulator: every derivative equals the CPU backend's.

Numba reads NUMBA_ENABLE_CUDASIM when it is imported, so these tests run in a process of their
own: tests/test_cuda.py starts it (`NUMBA_ENABLE_CUDASIM=1 python -m pytest -n 0
tests/test_cuda_simulator.py`); in any other process they skip. The CPU reference is the python
backend, whose derivatives the harness checks (tests/test_corpus.py); here each element of a
mapped call must equal it to 1e-12.
"""
import math
import os

import numpy as np
import pytest

import adc
from corpus import CASES

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    pytest.skip("the CUDA simulator runs in a process of its own (tests/test_cuda.py)", allow_module_level=True)

from numba import cuda  # noqa: E402  (after the check: the simulator's module)

SCALAR_CASES = [c for c in CASES if all(type(a) in (float, int) for a in c.args)]
KINDS = ("grad", "jvp", "hvp")


def batch(args):
    """Three elements per argument around the case's point: ints as they are."""
    return [np.array([a, a + 0.013, a - 0.021]) if isinstance(a, float) else np.full(3, a) for a in args]


def reference(kind, f, wrt, elements, tangents):
    df = getattr(adc, kind)(f, wrt, backend="python")
    if kind == "grad":
        return df(*elements)
    return df(*elements, tangents)


def close(got, want):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", SCALAR_CASES, ids=lambda c: c.name)
def test_corpus_scalar_maps_equal_the_cpu_backend(case, kind):
    xs = batch(case.args)
    wrt = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    many = isinstance(case.wrt, tuple)
    vs = [np.array([1.0, -0.5, 2.0]) for _ in wrt]
    tangents = tuple(vs) if many else vs[0]
    df = getattr(adc, kind)(case.f, case.wrt, backend="cuda")
    got = df(*xs) if kind == "grad" else df(*xs, tangents)
    for k in range(3):
        element_tangents = tuple(v[k] for v in vs) if many else vs[0][k]
        want = reference(kind, case.f, case.wrt, [x[k] for x in xs], element_tangents)
        got_k = [g[k] for g in got] if isinstance(got, tuple) else got[k]
        assert close(got_k, want), (case.name, kind, k, got_k, want)


def long_loop(x, eps):
    """A while loop whose trips (and tape) depend on the element: the tape lives in global memory."""
    y = 1.0
    while x > eps:
        y = y * math.sin(x) + x
        x = x * 0.97
    return y


def test_a_tape_that_outgrows_its_rows_runs_again_larger():
    from adc.backends.cuda import FIRST_ROWS
    xs = np.array([0.5, 1.0, 2.0, 4.0])
    df = adc.grad(long_loop, backend="cuda")
    got = df(xs, 1e-3)
    assert "rt.full(_status, _fstack" in df.source and "cuda.local.array" not in df.source
    ref = adc.grad(long_loop, backend="python")
    trips = [math.ceil(math.log(1e-3 / x) / math.log(0.97)) for x in xs]
    assert max(trips) > 2 * FIRST_ROWS  # the first launch overflows
    assert close(got, [ref(x, 1e-3) for x in xs])
    assert close(df(xs, 1e-3), got)  # the rows kept their size


def static(x, y):
    s = 0.0
    for k in range(4):
        s = s + math.sin(x * k) * y
    return s * x


def test_a_tape_of_known_depth_lives_in_local_memory():
    df = adc.value_and_grad(static, wrt=(0, 1), backend="cuda")
    value, (gx, gy) = df(np.linspace(0.1, 1.0, 5), 2.0)  # y broadcast
    assert "cuda.local.array(4, np.float64)" in df.source and "rt.full" not in df.source
    ref = adc.value_and_grad(static, wrt=(0, 1), backend="python")
    for k, x in enumerate(np.linspace(0.1, 1.0, 5)):
        v, (rx, ry) = ref(x, 2.0)
        assert close([value[k], gx[k], gy[k]], [v, rx, ry])
    assert value.shape == gx.shape == gy.shape == (5,)


def test_broadcast_shapes_and_device_arrays():
    df = adc.grad(static, backend="cuda")
    grid = df(np.linspace(0.1, 1.0, 6).reshape(2, 3), np.array([[1.0], [2.0]]))
    assert grid.shape == (2, 3) and isinstance(grid, np.ndarray)
    xs = cuda.to_device(np.linspace(0.1, 1.0, 4))
    on_device = df(xs, 2.0)
    assert not isinstance(on_device, np.ndarray)
    assert close(on_device.copy_to_host(), df(np.linspace(0.1, 1.0, 4), 2.0))


SCALE = 3.0


def uses_a_global(x):
    return SCALE * x * x


def test_captured_numbers_are_read_at_each_call():
    global SCALE
    df = adc.grad(uses_a_global, backend="cuda")
    assert close(df(np.array([1.0, 2.0])), [6.0, 12.0])
    SCALE = 5.0
    try:
        assert close(df(np.array([1.0, 2.0])), [10.0, 20.0])
    finally:
        SCALE = 3.0


def divides(x, y):
    return x / y


def takes_a_log(x):
    return math.log(x) * x


def test_the_primal_errors_of_an_element_are_raised():
    with pytest.raises(ZeroDivisionError, match="element 2 of the batch"):
        adc.grad(divides, backend="cuda")(np.ones(4), np.array([1.0, 2.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="math domain error .element 1 of the batch"):
        adc.grad(takes_a_log, backend="cuda")(np.array([1.0, -1.0, 2.0]))


def counts_down(x, n):
    s = 0.0
    for k in range(n):
        if k == 3:
            continue
        s = s * x + k
    return s


def test_integer_arguments_are_mapped_too():
    df = adc.grad(counts_down, backend="cuda")
    ns = np.array([0, 2, 5, 9])
    got = df(np.full(4, 0.7), ns)
    ref = adc.grad(counts_down, backend="python")
    assert close(got, [ref(0.7, int(n)) for n in ns])
