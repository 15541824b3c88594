"""Run the benchmarks and print a table of times and ratios measured in this one run.

    python -m benchmarks            full sizes (autograd takes about a minute)
    python -m benchmarks --quick    100 time steps instead of 1000
"""
import argparse
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

import adc
from . import euler


def median_time(f, repeat, warmup=1):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def check(name, got, want, rtol=1e-8):
    for g, w in zip(got, want):
        if not np.allclose(g, w, rtol=rtol, atol=1e-12):
            raise AssertionError(f"{name}: gradient differs from adc's")


def run_euler(quick):
    x, theta, steps = euler.args(quick)
    rows = []
    d_numba = adc.grad(euler.loss, wrt=(0, 1))
    d_python = adc.grad(euler.loss, wrt=(0, 1), backend="python")
    reference = d_numba(x, theta, steps)
    t_primal = median_time(lambda: euler.primal(x, theta, steps), 20)
    rows.append(("Numba primal", t_primal))
    rows.append(("adc gradient (numba)", median_time(lambda: d_numba(x, theta, steps), 20)))
    check("hand-written adjoint", euler.hand_adjoint(x, theta, steps)[1:], reference)
    rows.append(("hand-written Numba adjoint", median_time(lambda: euler.hand_adjoint(x, theta, steps), 20)))
    check("adc python backend", d_python(x, theta, steps), reference)
    rows.append(("adc gradient (python)", median_time(lambda: d_python(x, theta, steps), 1, warmup=0)))
    v = np.random.default_rng(0).standard_normal(x.shape)
    d_jvp = adc.jvp(euler.loss, wrt=0)
    d_hvp = adc.hvp(euler.loss, wrt=0)
    rows.append(("adc jvp (numba)", median_time(lambda: d_jvp(x, theta, steps, v), 20)))
    rows.append(("adc hvp (numba)", median_time(lambda: d_hvp(x, theta, steps, v), 20)))
    try:
        import autograd
        g = autograd.grad(euler.loss_autograd, (0, 1))
        check("autograd", g(x, theta, steps), reference)
        rows.append(("autograd gradient", median_time(lambda: g(x, theta, steps), 1, warmup=0)))
    except ImportError:
        print("note: autograd is not installed; pip install -e .[bench] to compare with it")
    return steps, t_primal, rows


def run_jacobian(quick):
    """The reverse-mode Jacobian of the Euler state map against m separate pullbacks."""
    x, theta, steps = euler.args(quick)
    jac = adc.jacobian(euler.state, wrt=0, mode="rev")
    vjp = adc.vjp(euler.state, wrt=0)
    m = x.shape[0]
    u = np.ones(m)
    t_jac = median_time(lambda: jac(x, theta, steps), 5)
    _, pullback = vjp(x, theta, steps)
    t_fwd = median_time(lambda: vjp(x, theta, steps), 5)
    t_pull = median_time(lambda: pullback(u), 5)
    return m, t_jac, t_fwd + t_pull, t_pull


def cached_latency():
    """In a fresh process: seconds for Numba's own first cached call (its one-time start-up,
    which any cached Numba function pays), then seconds more for adc's first gradient."""
    code = textwrap.dedent("""
        import time, numpy as np, adc, numba
        from benchmarks import euler
        x = np.linspace(0, 1, 100)
        t0 = time.perf_counter()
        euler.primal(x, 0.3, 10)
        t1 = time.perf_counter()
        adc.grad(euler.loss, wrt=(0, 1))(x, 0.3, 10)
        print(t1 - t0, time.perf_counter() - t1)
    """)
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root,
                           check=True).stdout.split()[-2:] for _ in range(2)]
    return [tuple(float(v) for v in run) for run in runs]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="short run: 100 time steps")
    opts = parser.parse_args(argv)
    print(f"# adc benchmarks ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, NumPy {np.__version__})\n")
    steps, t_primal, rows = run_euler(opts.quick)
    t_adc = dict(rows)["adc gradient (numba)"]
    print(f"## Workload 1: Euler chain, n=100, {steps} steps\n")
    print("| method | time | / Numba primal | / adc (numba) |")
    print("|---|---:|---:|---:|")
    for name, t in rows:
        print(f"| {name} | {_fmt(t)} | {t / t_primal:,.2f} | {t / t_adc:,.2f} |")
    ratios = dict(rows)
    print(f"\njvp / Numba primal: {ratios['adc jvp (numba)'] / t_primal:.2f} (target <= 2); "
          f"hvp / adc gradient: {ratios['adc hvp (numba)'] / t_adc:.2f} (target <= 4)")
    m, t_jac, t_vjp, t_pull = run_jacobian(opts.quick)
    print(f"Reverse-mode Jacobian of the state map R^{m} -> R^{m}: {_fmt(t_jac)}, "
          f"{t_jac / t_vjp:.1f} x one VJP (forward + pullback, {_fmt(t_vjp)}; target <= m = {m}); "
          f"{t_jac / t_pull:.1f} x one pullback alone ({_fmt(t_pull)})")
    _, (numba_start, adc_cached) = cached_latency()
    print(f"\nA second process, after importing adc and Numba: Numba's own start-up on its first cached call "
          f"{numba_start * 1e3:.0f} ms; then adc's gradient, loaded from the on-disk cache, {adc_cached * 1e3:.0f} ms more.")


def _fmt(t):
    return f"{t * 1e3:.3f} ms" if t < 1 else f"{t:.2f} s"


if __name__ == "__main__":
    main()
