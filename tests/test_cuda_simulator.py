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


# ---------------------------------------------------------------- adc.kernel_vjp

import cuda_kernels  # noqa: E402  (after the simulator check: it defines kernels)


def float_array(a):
    """An argument that has an adjoint (a number is a constant of the kernel)."""
    return isinstance(a, np.ndarray) and a.dtype == np.float64


def kernel_and_reference(name):
    """(the adjoint's input adjoints after one launch, the CPU reference, the kernel's arguments)."""
    kernel, cpu, make, (blocks, threads) = cuda_kernels.KERNELS[name]
    args, inputs, o = make()
    cpu_args = [a for k, a in enumerate(args) if k != o or k in inputs]
    floats = [j for j, a in enumerate(cpu_args) if float_array(a)]
    cotangent = np.random.default_rng(3).uniform(-1.0, 1.0, args[o].shape)
    _, pullback = adc.vjp(cpu, wrt=tuple(floats), backend="python")(*cpu_args)
    want = pullback(cotangent)
    bars = [np.zeros_like(a) for a in args if float_array(a)]
    float_positions = [k for k, a in enumerate(args) if float_array(a)]
    bars[float_positions.index(o)][...] = cotangent
    adjoint = adc.kernel_vjp(kernel)
    adjoint[blocks, threads](*args, *bars)
    kernel_positions = [k for k, a in enumerate(args) if k != o or k in inputs]
    got = [bars[float_positions.index(kernel_positions[j])] for j in floats]
    return got, want, adjoint, args, bars


@pytest.mark.parametrize("name", sorted(cuda_kernels.KERNELS))
def test_kernel_adjoints_equal_the_cpu_backends_vjp(name):
    got, want, adjoint, _, _ = kernel_and_reference(name)
    for g, w in zip(got, want):
        assert close(g, w), (name, g, w)
    assert "cuda.atomic" not in adjoint.source or name not in ("elementwise", "grid2d")


def test_own_indices_add_plainly_and_shifted_ones_atomically():
    _, _, adjoint, _, _ = kernel_and_reference("elementwise")
    assert "x_bar[i] += " in adjoint.source and "cuda.atomic" not in adjoint.source
    _, _, adjoint, _, _ = kernel_and_reference("stencil")
    assert "cuda.atomic.add(u_bar, i - 1," in adjoint.source and "out_bar[i] = 0.0" in adjoint.source


def test_a_write_into_an_array_the_kernel_reads_is_refused_at_its_line():
    adjoint = adc.kernel_vjp(cuda_kernels.reads_and_writes)
    with pytest.raises(adc.AdcError, match=r"a write into u, which the kernel also reads") as info:
        adjoint[1, 8](np.ones(8), np.zeros(8))
    assert "u[i] = u[i + 1] * 2.0" in str(info.value) and "cuda_kernels.py" in str(info.value)


def test_a_tape_that_outgrows_its_rows_runs_again_from_the_adjoints_as_they_were():
    from adc.backends.cuda import FIRST_ROWS
    x = np.full(3 * FIRST_ROWS, 1.001)
    n = np.array([0, 3 * FIRST_ROWS, 5])
    bars = [np.zeros_like(x), np.ones(3)]
    adc.kernel_vjp(cuda_kernels.dynamic_product)[1, 4](x, n, np.zeros(3), *bars)
    _, pullback = adc.vjp(cuda_kernels.dynamic_product_cpu, backend="python")(x, n)
    assert close(bars[0], pullback(np.ones(3)))


def test_deterministic_mode_gives_the_same_bits_and_the_same_numbers():
    runs = []
    for _ in range(2):
        args, _, o = cuda_kernels.KERNELS["stencil"][2]()
        args[0] = np.linspace(0.2, 1.2, cuda_kernels.N)
        bars = [np.zeros(cuda_kernels.N), np.linspace(-1.0, 1.0, cuda_kernels.N)]
        adjoint = adc.kernel_vjp(cuda_kernels.stencil, deterministic=True)
        adjoint[1, 16](*args, *bars)
        runs.append(bars[0])
    assert "_record[_rsp, 0] = 0" in adjoint.source and "cuda.atomic" not in adjoint.source
    assert runs[0].tobytes() == runs[1].tobytes()
    _, pullback = adc.vjp(cuda_kernels.stencil_cpu, backend="python")(np.linspace(0.2, 1.2, cuda_kernels.N))
    assert close(runs[0], pullback(np.linspace(-1.0, 1.0, cuda_kernels.N)))


def test_an_index_out_of_range_in_a_kernel_is_raised_naming_the_thread():
    args, _, _ = cuda_kernels.KERNELS["gather_scatter"][2]()
    args[1] = np.array([0, 1, 40])  # thread 1 adds to out[idx[2]], the first out of range
    with pytest.raises(IndexError, match=r"index out of bounds \(thread 1\)"):
        adc.kernel_vjp(cuda_kernels.gather_scatter)[1, 4](*args, np.zeros(cuda_kernels.N), np.ones(cuda_kernels.N))


def test_a_launch_that_breaks_the_own_index_proof_is_refused():
    args, _, _ = cuda_kernels.KERNELS["elementwise"][2]()
    with pytest.raises(adc.AdcError, match=r"only in a launch of 1 dimension"):
        adc.kernel_vjp(cuda_kernels.elementwise)[(1, 2), 8](*args, *[np.zeros(cuda_kernels.N)] * 3)


def test_cuda_intrinsics_outside_a_kernel_are_refused():
    with pytest.raises(adc.AdcError, match=r"cuda.grid\(1\) outside a CUDA kernel given to adc.kernel_vjp"):
        adc.grad(cuda_kernels.uses_the_grid, backend="python")(1.0)


def test_numbers_in_give_numbers_out():
    value, (gx, gy) = adc.value_and_grad(static, wrt=(0, 1), backend="cuda")(0.5, 2.0)
    assert np.ndim(value) == np.ndim(gx) == 0
    assert close([value, gx, gy], [v for v in _flat(adc.value_and_grad(static, wrt=(0, 1), backend="python")(0.5, 2.0))])


def _flat(pair):
    return [pair[0], *pair[1]]


def test_tapes_past_the_memory_limit_are_an_error_not_a_result(monkeypatch):
    import adc.backends.cuda as backend
    monkeypatch.setattr(backend, "MEMORY_LIMIT", 4096)
    with pytest.raises(adc.AdcError, match="MEMORY_LIMIT"):
        adc.grad(long_loop, backend="cuda")(np.array([4.0, 8.0]), 1e-6)
    with pytest.raises(adc.AdcError, match="MEMORY_LIMIT"):
        x, n = np.full(400, 1.001), np.array([400, 400])
        adc.kernel_vjp(cuda_kernels.dynamic_product)[1, 2](x, n, np.zeros(2), np.zeros(400), np.ones(2))
