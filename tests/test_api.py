"""The public API: decorator forms, wrt, value_and_grad, source, the cache, the CLI, fallbacks."""
import math
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import adc
import adc_runtime as rt
from adc.backends.numba_cpu import compile_numba

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


@adc.grad
def bare(x):
    return x * x * x


@adc.grad(wrt=(0, "b"), backend="python")
def with_options(a, b):
    return a * b * b


def test_bare_decorator():
    assert bare(2.0) == pytest.approx(12.0)


def test_decorator_with_options_and_names():
    ga, gb = with_options(3.0, 2.0)
    assert (ga, gb) == (pytest.approx(4.0), pytest.approx(12.0))


def test_call_form_and_value_and_grad():
    f = lambda x, y: math.sin(x) * y  # noqa: E731
    value, g = adc.value_and_grad(f, wrt=1, backend="python")(0.5, 2.0)
    assert value == pytest.approx(math.sin(0.5) * 2.0)
    assert g == pytest.approx(math.sin(0.5))


def test_two_lambdas_on_one_line():
    f, g = (lambda x: x * x), (lambda x: x * x * x)
    assert adc.grad(f, backend="python")(2.0) == pytest.approx(4.0)
    assert adc.grad(g, backend="python")(2.0) == pytest.approx(12.0)


def test_default_arguments_are_filled_in():
    def f(x, k=3):
        return x ** k
    assert adc.grad(f, backend="python")(2.0) == pytest.approx(12.0)


def test_gradient_has_shape_and_dtype_of_argument():
    g = adc.grad(lambda A: np.sum(A * A), backend="python")(np.ones((2, 3)))
    assert g.shape == (2, 3) and g.dtype == np.float64


def test_source_before_call_is_an_error_and_after_is_text():
    df = adc.grad(lambda x: x * 2.0, backend="python")
    with pytest.raises(adc.AdcError, match="call it once"):
        adc.source(df)
    assert "def " in adc.source(df, 1.0) and df.source == adc.source(df)


def test_generated_code_imports_runtime_not_the_compiler():
    df = adc.grad(_with_loop, backend="python", debug=True)
    text = adc.source(df, np.ones(3))
    assert "import adc_runtime as rt" in text and "import adc\n" not in text
    assert "import math" not in text  # only what the code uses


def test_debug_mode_checks_the_stack():
    def f(x):
        s = 0.0
        for i in range(x.shape[0]):
            s = s + math.sin(x[i])
        return s
    text = adc.source(adc.grad(f, debug=True, backend="python"), np.ones(3))
    assert "rt.check_empty(_fsp, _isp)" in text
    with pytest.raises(AssertionError, match="stack is not empty"):
        rt.check_empty(1, 0)


def test_changed_global_is_seen():
    global SCALE_FACTOR
    SCALE_FACTOR = 2.0
    df = adc.grad(uses_global, backend="python")
    assert df(1.0) == pytest.approx(4.0)
    SCALE_FACTOR = 3.0
    assert df(1.0) == pytest.approx(6.0)
    SCALE_FACTOR = np.float64(2.0)


SCALE_FACTOR = 2.0


def uses_global(x):
    return SCALE_FACTOR * x * x


def test_specialized_per_signature():
    df = adc.grad(lambda x: np.sum(x * x), backend="python")
    assert df(np.ones(2)).shape == (2,)
    assert df(np.ones((2, 2))).shape == (2, 2)


def test_numba_fallback_warns_once_and_runs_in_python():
    def needs_python(x):
        return x * 2.0 if object() is not None else x  # object(): Numba cannot type it
    call = compile_numba(needs_python)
    with pytest.warns(adc.AdcFallbackWarning, match="running it with the python backend"):
        assert call(2.0) == 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert call(3.0) == 6.0


def test_second_process_loads_from_the_cache(tmp_path):
    script = textwrap.dedent("""
        import sys, numpy as np, adc, adc.passes
        sys.path.insert(0, %r)
        from corpus import _euler
        if sys.argv[1] == "second":
            def refuse(*a, **k):
                raise SystemExit("the compiler ran again")
            adc.passes.front = refuse
        g = adc.grad(_euler, wrt=(0, 1))(np.linspace(0, 1, 6), 0.3)
        print(float(g[1]))
    """ % HERE)
    env = dict(os.environ, ADC_CACHE_DIR=str(tmp_path))
    outs = [subprocess.run([sys.executable, "-c", script, which], env=env, capture_output=True, text=True)
            for which in ("first", "second")]
    for out in outs:
        assert out.returncode == 0, out.stderr
    assert outs[0].stdout == outs[1].stdout
    assert any(p.endswith(".py") for p in os.listdir(tmp_path))


def test_cli_show_prints_the_adjoint():
    out = subprocess.run([sys.executable, "-m", "adc", "show", "examples.euler:loss", "--wrt", "0,1",
                          "--args", "(np.ones(4), 0.3, 3)"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "def loss_grad(x, theta, steps, _sizes):" in out.stdout
    assert "# grad of: u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])" in out.stdout


def _wrap(f):
    def g(x):
        return f(x) * 2.0
    return g


def _square(x):
    return x * x


def _cube(x):
    return x * x * x


def test_closures_over_different_functions_are_different_derivatives():
    assert adc.grad(_wrap(_square))(3.0) == pytest.approx(12.0)
    assert adc.grad(_wrap(_cube))(3.0) == pytest.approx(54.0)


def _loop_free(x):
    return np.sum(np.tanh(x) * x)


def _with_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * x[i]
    return s


def test_auto_backend_picks_numpy_for_loop_free_code_and_numba_for_loops():
    free, looped = adc.grad(_loop_free), adc.grad(_with_loop)
    free(np.ones(3))
    looped(np.ones(3))
    assert not hasattr(free._last.call, "jitted")
    assert hasattr(looped._last.call, "jitted")


# ---------------------------------------------------------------- call forms and callables

def _scaled_cube(x, c=1.0):
    return c * x * x * x


def test_keyword_arguments_are_accepted_as_the_primal_does():
    g = adc.grad(_scaled_cube, backend="python")
    assert g(2.0, c=3.0) == pytest.approx(36.0) == g(x=2.0, c=3.0) == g(2.0, 3.0)
    value, tangent = adc.jvp(_scaled_cube, backend="python")(2.0, 1.0, c=3.0)
    assert (value, tangent) == (pytest.approx(24.0), pytest.approx(36.0))
    with pytest.raises(adc.AdcTypeError, match="takes 2 arguments"):
        g(2.0, d=1.0)


def test_partial_and_njit_functions_are_differentiated():
    import functools
    import autograd.numpy as anp
    import numba
    from harness import check_grads
    part = functools.partial(_scaled_cube, c=3.0)
    check_grads(part, (0.7,), ag=lambda x: 3.0 * x * x * x)
    first = functools.partial(_c_first, 2.0)
    check_grads(first, (np.array([0.3, 1.1]),), ag=lambda x: anp.sum(2.0 * anp.sin(x) * x))
    jitted = numba.njit(_with_loop)
    check_grads(jitted, (np.array([0.5, -1.5, 2.0]),), ag=lambda x: anp.sum(x * x))


def _c_first(c, x):
    return np.sum(c * np.sin(x) * x)


def test_numpy_and_math_functions_of_one_argument():
    assert adc.grad(math.sin)(0.5) == pytest.approx(math.cos(0.5))
    assert adc.grad(np.tanh)(0.5) == pytest.approx(1 - math.tanh(0.5) ** 2)
    assert adc.jvp(np.sin)(0.5, 2.0) == (pytest.approx(math.sin(0.5)), pytest.approx(2 * math.cos(0.5)))
    for refused, name in ((np.vectorize(_square), "np.vectorize"), (print, "print"), (np.add, "add"), (3, "3")):
        with pytest.raises(adc.AdcError, match=name):
            adc.grad(refused)


def test_vjp_of_a_complex_output_and_complex_scalar_gradients():
    import autograd
    vjp = adc.vjp(lambda z: z * (1.0 + 2.0j), backend="python")
    value, pullback = vjp(2.0 + 0.0j)
    assert value == 2.0 + 4.0j and pullback(1.0 + 1.0j) == pytest.approx((1.0 + 1.0j) * (1.0 + 2.0j))
    for backend in ("python", "numba"):
        z, ct = np.array([1.0 + 1.0j, 2.0]), np.array([1.0, 1.0j])
        _, pb = adc.vjp(_complex_loop, backend=backend)(z)
        reference = autograd.make_vjp(lambda z: z * (2.0j * z))(z)[0](ct)  # autograd's complex convention
        assert np.allclose(pb(ct), reference)
    with pytest.raises(adc.AdcTypeError, match="cotangent is complex"):
        adc.vjp(lambda x: x * 2.0, backend="python")(1.0)[1](1j)
    g = adc.grad(lambda z: np.sum(np.real(z)), backend="python")(1j)
    assert isinstance(g, complex) and g == 1.0
    ga = adc.grad(lambda z: np.sum(np.real(z)), backend="python")(np.array([1j, 2.0]))
    assert ga.dtype == np.complex128


def _complex_loop(z):
    out = z * 0.0
    for i in range(z.shape[0]):
        out[i] = z[i] * (2.0j * z[i])
    return out


def test_messages_for_tuples_0d_arrays_and_missing_tangents():
    with pytest.raises(adc.AdcTypeError, match="an argument is a list, tuple or dict"):
        adc.hessian(lambda x: x[0] * x[1], backend="python")((1.0, 2.0))
    with pytest.raises(adc.AdcTypeError, match=r"0-d array.*float\(x\)"):
        adc.grad(lambda x: x * 2.0, backend="python")(np.array(1.0))
    with pytest.raises(adc.AdcTypeError, match=r"takes the arguments \(x\) and then the tangent"):
        adc.jvp(lambda x: x * 2.0, backend="python")(1.0)


def test_cli_show_with_a_malformed_target_is_a_usage_error():
    for target, message in (("examples.euler", "write module:function"), ("no_such_module:f", "cannot import"),
                            ("examples.euler:nope", "has no function 'nope'")):
        out = subprocess.run([sys.executable, "-m", "adc", "show", target], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr, out.stderr


# ---------------------------------------------------------------- the compiler's own failures

def _divides(x, n):
    return np.sum(x / n) + x[n]


def test_internal_errors_are_adc_errors_and_run_time_errors_pass_through(monkeypatch):
    from adc import passes

    def broken(fn):
        raise KeyError("a missing table entry")
    monkeypatch.setattr(passes, "PRIMAL", [("infer", passes.infer), ("simplify", broken)])
    with pytest.raises(adc.AdcInternalError, match=r"(?s)pass simplify.*_scaled_cube.*test_api.py.*bug in adc") as info:
        adc.grad(_scaled_cube, backend="python", debug=True)(1.0, 2.0)
    assert isinstance(info.value.__cause__, KeyError)
    monkeypatch.undo()
    g = adc.grad(_divides, backend="python")
    assert np.allclose(g(np.ones(3), 1), np.full(3, 1.0) + np.eye(3)[1])
    with pytest.raises(IndexError):
        g(np.ones(3), 5)
    with pytest.raises(ZeroDivisionError):
        adc.grad(lambda x: 1.0 / x, backend="python")(0.0)


def test_a_long_build_says_what_it_builds(monkeypatch, capfd):
    """A notice on stderr once building takes longer than notices.AFTER (2 s), silenced by the option."""
    from adc import notices

    def slow_to_build(x):
        return x * 3.0 + 1.0

    import time
    build = adc.Derivative._build

    def slow(self, *args, **kwargs):
        time.sleep(0.3)
        return build(self, *args, **kwargs)
    monkeypatch.setattr(adc.Derivative, "_build", slow)
    monkeypatch.setattr(notices, "AFTER", 0.05)
    adc.grad(slow_to_build, backend="python")(2.0)
    assert "building adc.grad of test_a_long_build_says_what_it_builds.<locals>.slow_to_build" in capfd.readouterr().err
    monkeypatch.setattr(notices, "enabled", False)

    def quiet(x):
        return x * 5.0

    adc.grad(quiet, backend="python")(2.0)
    assert "adc:" not in capfd.readouterr().err
