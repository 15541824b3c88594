"""Run the benchmarks; print and write (benchmarks/RESULTS.md, benchmarks/results.png) a table of
times and ratios measured side by side in this one run.

    python -m benchmarks            full sizes (autograd takes minutes on the loop workloads)
    python -m benchmarks --quick    small sizes

Before timing, every method's gradient is checked against adc's (relative 1e-8); a method that
disagrees is reported and not timed. Times are medians after a warm-up call.
"""
import argparse
import os
import platform
import subprocess
import sys
import textwrap
import time

import numpy as np

import adc
from . import euler, networks, newton

HERE = os.path.dirname(os.path.abspath(__file__))


def median_time(f, repeat, warmup=1):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def agrees(got, want, rtol=1e-8):
    return all(np.allclose(g, w, rtol=rtol, atol=1e-10 * max(1.0, np.max(np.abs(w)))) for g, w in zip(got, want))


def _autograd(f, wrt):
    try:
        import autograd
    except ImportError:
        return None
    return autograd.grad(f, wrt)


class Workload:
    """A function, its arguments, the primals to time and the gradient methods to check and time."""

    def __init__(self, name, args, primals, grads, slow=()):
        self.name, self.args, self.primals, self.grads, self.slow = name, args, primals, grads, set(slow)

    def run(self, repeat):
        rows, notes = [], []
        reference = self.grads[0][1](*self.args)
        for label, f in self.primals:
            rows.append((label, median_time(lambda: f(*self.args), repeat)))
        for label, g in self.grads:
            if g is None:
                notes.append(f"{label}: not installed (pip install -e .[bench])")
                continue
            if not agrees(g(*self.args), reference):
                notes.append(f"{label}: its gradient differs from adc's; not timed")
                continue
            slow = label in self.slow
            rows.append((label, median_time(lambda: g(*self.args), 1 if slow else repeat, warmup=0 if slow else 1)))
        return rows, notes


def workloads(quick):
    x, theta, steps = euler.args(quick)
    a, b = newton.args(quick)
    mlp_args, rnn_args = networks.mlp_args(quick), networks.rnn_args(quick)
    return [
        Workload(f"1. Euler chain (scalar loops), n=100, {steps} steps", (x, theta, steps),
                 [("Numba primal", euler.primal)],
                 [("adc (numba)", adc.grad(euler.loss, wrt=(0, 1), backend="numba")),
                  ("hand-written Numba adjoint", lambda *a: euler.hand_adjoint(*a)[1:]),
                  ("adc (python)", adc.grad(euler.loss, wrt=(0, 1), backend="python")),
                  ("autograd", _autograd(euler.loss_autograd, (0, 1)))],
                 slow={"adc (python)", "autograd"}),
        Workload(f"2. Newton iterations (while loop, branches), {a.shape[0]} parameters", (a, b),
                 [("Numba primal", newton.primal)],
                 [("adc (numba)", adc.grad(newton.loss, wrt=(0, 1), backend="numba")),
                  ("adc (python)", adc.grad(newton.loss, wrt=(0, 1), backend="python")),
                  ("autograd", _autograd(newton.loss_autograd, (0, 1)))],
                 slow={"adc (python)", "autograd"}),
        Workload("6. MLP loss, batch 256, width 128, tanh (loop-free, BLAS-bound)", mlp_args,
                 [("NumPy primal", networks.mlp), ("Numba primal", networks.mlp_numba)],
                 [("adc (auto: python)", adc.grad(networks.mlp, wrt=(0, 1, 2, 3))),
                  ("adc (numba)", adc.grad(networks.mlp, wrt=(0, 1, 2, 3), backend="numba")),
                  ("autograd", _autograd(networks.mlp_autograd, (0, 1, 2, 3)))]),
        Workload("7. RNN, 100 steps, hidden 128", rnn_args,
                 [("NumPy primal", networks.rnn), ("Numba primal", networks.rnn_numba)],
                 [("adc (numba)", adc.grad(networks.rnn, wrt=(0, 1, 2), backend="numba")),
                  ("adc (python)", adc.grad(networks.rnn, wrt=(0, 1, 2), backend="python")),
                  ("autograd", _autograd(networks.rnn_autograd, (0, 1, 2)))]),
    ]


def table(rows):
    base = rows[0][1]
    adc_t = dict(rows).get("adc (numba)") or dict(rows).get("adc (auto: python)")
    lines = ["| method | time | / first primal | / adc |", "|---|---:|---:|---:|"]
    for label, t in rows:
        lines.append(f"| {label} | {_fmt(t)} | {t / base:,.2f} | {t / adc_t:,.2f} |")
    return lines


def euler_extras(quick):
    """Forward and mixed mode, Jacobian rows, and the cached second-process latency on workload 1."""
    x, theta, steps = euler.args(quick)
    v = np.random.default_rng(0).standard_normal(x.shape)
    grad, jvp, hvp = adc.grad(euler.loss, wrt=0), adc.jvp(euler.loss, wrt=0), adc.hvp(euler.loss, wrt=0)
    t_primal = median_time(lambda: euler.primal(x, theta, steps), 20)
    t_grad = median_time(lambda: grad(x, theta, steps), 20)
    t_jvp = median_time(lambda: jvp(x, theta, steps, v), 20)
    t_hvp = median_time(lambda: hvp(x, theta, steps, v), 20)
    jac, vjp = adc.jacobian(euler.state, wrt=0, mode="rev"), adc.vjp(euler.state, wrt=0)
    t_jac = median_time(lambda: jac(x, theta, steps), 5)
    _, pullback = vjp(x, theta, steps)
    t_vjp = median_time(lambda: vjp(x, theta, steps), 5) + median_time(lambda: pullback(np.ones(x.shape[0])), 5)
    numba_start, adc_cached = cached_latency()
    return [
        f"- jvp: {_fmt(t_jvp)}, {t_jvp / t_primal:.2f} × the Numba primal (target ≤ 2)",
        f"- hvp (forward over reverse): {_fmt(t_hvp)}, {t_hvp / t_grad:.2f} × adc's gradient (target ≤ 4)",
        f"- reverse-mode Jacobian of the state map R^{x.shape[0]} → R^{x.shape[0]}: {_fmt(t_jac)}, "
        f"{t_jac / t_vjp:.1f} × one VJP (forward + pullback, {_fmt(t_vjp)}; target ≤ m = {x.shape[0]})",
        f"- a second process, after importing adc and Numba: Numba's own start-up on its first cached call "
        f"{numba_start * 1e3:.0f} ms, then adc's gradient from the on-disk cache {adc_cached * 1e3:.0f} ms more "
        f"(target < 100 ms)",
    ]


def cached_latency():
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
    root = os.path.dirname(HERE)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                           check=True).stdout.split()[-2:] for _ in range(2)]
    return tuple(float(v) for v in runs[-1])


def plot(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "(matplotlib is not installed: no plot; pip install -e .[bench])"
    fig, axes = plt.subplots(1, len(results), figsize=(4.5 * len(results), 4.5))
    for ax, (name, rows, _) in zip(np.atleast_1d(axes), results):
        labels, times = zip(*rows)
        ax.barh(range(len(rows)), times, color="tab:blue")
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xscale("log")
        ax.set_xlabel("seconds (log scale)")
        ax.set_title(name.split(",")[0], fontsize=9)
        ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return f"![times]({os.path.basename(path)})"


def machine():
    import numba
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"NumPy {np.__version__}, Numba {numba.__version__}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes")
    opts = parser.parse_args(argv)
    out = [f"# adc benchmarks{' (--quick)' if opts.quick else ''}", "", f"Machine: {machine()}.", ""]
    results = []
    for w in workloads(opts.quick):
        rows, notes = w.run(repeat=5 if opts.quick else 10)
        results.append((w.name, rows, notes))
        section = [f"## {w.name}", ""] + table(rows) + [""] + [f"- {n}" for n in notes]
        print("\n".join(section), flush=True)
        out += section + [""]
        if w.name.startswith("1."):
            extras = euler_extras(opts.quick)
            print("\n".join(extras), flush=True)
            out += extras + [""]
    out += [plot(results, os.path.join(HERE, "results.png")), "", "## Not measured yet", "",
            "- JAX and tangent-ad rows: neither is installed by this project's extras yet.",
            "- Workloads 3 (ADBench GMM), 4 (ADBench LSTM) and 5 (bundle adjustment) are still to come.", ""]
    with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
        f.write("\n".join(out))
    print(f"\nwrote {os.path.join(HERE, 'RESULTS.md')}")


def _fmt(t):
    return f"{t * 1e3:.3f} ms" if t < 1 else f"{t:.2f} s"


if __name__ == "__main__":
    main()
