"""backend="cuda": the simulator's run (in a process of its own), PTX for sm_90 without a GPU,
and what needs neither.

The PTX checks need numba-cuda with NVIDIA's NVVM (`pip install -e ".[cuda]"`); without it they
skip, saying so. One command runs them alone: `python -m pytest -q tests/test_cuda.py`.
"""
import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

import adc
from corpus import CASES

HERE = os.path.dirname(os.path.abspath(__file__))
SCALAR_CASES = [c for c in CASES if all(type(a) in (float, int) for a in c.args)]


def _has(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def _nvvm():
    """Whether PTX can be compiled here (numba-cuda and NVVM, no GPU needed)."""
    if not _has("numba.cuda"):
        return False
    from numba import cuda
    try:
        cuda.compile_ptx(lambda x: None, "(float64[:],)", cc=(9, 0))
        return True
    except Exception:  # noqa: BLE001  no NVVM
        return False


needs_ptx = pytest.mark.skipif(not _nvvm(), reason="no NVVM: pip install -e '.[cuda]' to compile PTX for sm_90")


@pytest.mark.skipif(not _has("numba.cuda"), reason="Numba's CUDA target (numba-cuda) is not installed")
def test_on_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                          os.path.join(HERE, "test_cuda_simulator.py")], env=env, cwd=os.path.dirname(HERE),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout, run.stdout[-2000:]


@needs_ptx
def test_every_scalar_map_of_the_corpus_compiles_to_ptx_for_sm90_without_atomics():
    failed = []
    for case in SCALAR_CASES:
        xs = [np.full(2, a) for a in case.args]
        try:
            for name, text in adc.ptx(adc.grad(case.f, case.wrt, backend="cuda"), *xs).items():
                assert ".target sm_90" in text and "atom." not in text, name
        except Exception as exc:  # noqa: BLE001  (reported together)
            failed.append(f"{case.name}: {type(exc).__name__}: {str(exc)[:300]}")
    assert not failed, "\n".join(failed)


@needs_ptx
@pytest.mark.parametrize("kind", ["jvp", "hvp", "value_and_grad"])
def test_forward_modes_compile_to_ptx(kind):
    for case in [c for c in SCALAR_CASES if c.name in ("while_newton", "loop_break", "math_funcs", "if_in_loop")]:
        xs = [np.full(2, a) for a in case.args]
        wrt = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
        tangents = [tuple(np.ones(2) for _ in wrt) if isinstance(case.wrt, tuple) else np.ones(2)]
        df = getattr(adc, kind)(case.f, case.wrt, backend="cuda")
        for text in adc.ptx(df, *xs, *(tangents if kind != "value_and_grad" else [])).values():
            assert "atom." not in text


@needs_ptx
def test_numpy_stand_ins_compile_to_ptx():
    """Each of the runtime's stand-ins for NumPy's functions of numbers compiles for the GPU."""
    import adc_runtime.cuda as rc
    from adc.backends.cuda import compile_ptx
    for name, f in list(rc.NUMPY.items()) + [("hypot", rc.math_hypot)]:
        nin = getattr(np, name).nin
        namespace = {"f": f}
        exec(f"def k(x, out):\n    out[0] = f({', '.join(f'x[{j}]' for j in range(nin))})\n", namespace)
        compile_ptx(namespace["k"], "(float64[::1], float64[::1])")


def test_numpy_stand_ins_give_numpys_values():
    """The stand-ins for NumPy's functions of numbers that Numba's CUDA target lacks equal NumPy's
    on signed zeros, infinities, nan and ordinary numbers (run compiled for the CPU, whose math
    is the GPU's: no errors, nan and inf). fmod is math.fmod, which Numba's CPU target lacks."""
    import numba
    import adc_runtime.cuda as rc
    values = [0.0, -0.0, 1.5, -2.5, 0.5, -0.5, 2.5, 3.0, -7.25, 1e300, np.inf, -np.inf, np.nan]
    wrong = []
    for name, f in [kv for kv in rc.NUMPY.items() if kv[0] != "fmod"] + [("hypot", rc.math_hypot)]:
        ufunc = getattr(np, name)
        g = numba.njit(error_model="numpy")(f)
        for args in itertools.product(values, repeat=ufunc.nin):
            if name in ("power", "float_power") and np.isinf(args[0]) and args[0] < 0:
                continue  # C's pow(-inf, 0.5) is inf, NumPy's nan: the GPU's (and CPython's) is C's
            with np.errstate(all="ignore"):
                got, want = np.float64(g(*args)), np.float64(ufunc(*args))
            zero_sign = name not in ("power", "float_power")  # C's pow(-0.0, 0.5) is +0.0, NumPy's -0.0
            if np.isnan(got) and np.isnan(want) or got == want and (np.signbit(got) == np.signbit(want)
                                                                    or not zero_sign):
                continue
            if not (np.isfinite(want) and want != 0 and abs(got - want) <= 1e-15 * abs(want)):  # a few ulps
                wrong.append((name, args, got, want))
    assert not wrong, "\n".join(map(str, wrong))


def test_what_the_cuda_backend_refuses():
    with pytest.raises(adc.AdcError, match="backend='cuda' maps grad, value_and_grad, jvp, hvp"):
        adc.hessian(lambda x: x * x, backend="cuda")
    with pytest.raises(adc.AdcError, match="backend='cuda' maps grad, value_and_grad, jvp, hvp"):
        adc.vjp(lambda x: x * x, backend="cuda")


@needs_ptx
def test_every_kernel_adjoint_compiles_to_ptx_atomics_only_where_an_index_is_not_the_threads():
    import cuda_kernels
    for name, (kernel, _, make, _) in sorted(cuda_kernels.KERNELS.items()):
        args, _, _ = make()
        bars = [np.zeros_like(a) for a in args if isinstance(a, np.ndarray) and a.dtype == np.float64]
        for deterministic in (False, True):
            adjoint = adc.kernel_vjp(kernel, deterministic=deterministic)
            (text,) = adc.ptx(adjoint, *args, *bars).values()
            atomic = "atom.global.add.f64" in text
            assert ".target sm_90" in text
            own = ("elementwise", "grid2d", "guarded_break", "two_accumulations")
            assert atomic == (name not in own and not deterministic), name


def _golden(name, text):
    path = os.path.join(HERE, "golden", name)
    if os.environ.get("ADC_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(text)
    with open(path) as f:
        assert text == f.read(), f"generated source changed; see {path}"


@pytest.mark.skipif(not _has("numba.cuda"), reason="Numba's CUDA target (numba-cuda) is not installed")
def test_golden_cuda_sources():
    """A map of a scalar derivative and a kernel's adjoint, as adc writes them for the GPU."""
    import cuda_kernels
    while_newton = next(c for c in CASES if c.name == "while_newton")
    _golden("cuda_while_newton.py", adc.source(adc.grad(while_newton.f, backend="cuda"),
                                               *[np.full(2, a) for a in while_newton.args]))
    args, _, _ = cuda_kernels.KERNELS["stencil"][2]()
    _golden("cuda_stencil_vjp.py", adc.source(adc.kernel_vjp(cuda_kernels.stencil), *args, *args))
    args, _, _ = cuda_kernels.KERNELS["dynamic_product"][2]()
    _golden("cuda_dynamic_product_vjp.py", adc.source(adc.kernel_vjp(cuda_kernels.dynamic_product), *args,
                                                      args[0], args[2]))


def _no_gpu():
    if not _has("numba.cuda"):
        return False
    from numba import cuda
    return not cuda.is_available()


@pytest.mark.skipif(not _no_gpu(), reason="a GPU (or no numba-cuda) is here")
def test_without_a_gpu_a_launch_says_what_to_do():
    with pytest.raises(adc.AdcError, match="found no CUDA GPU.*NUMBA_ENABLE_CUDASIM=1"):
        adc.grad(lambda x: x * x, backend="cuda")(np.ones(2))
