"""The GPU benchmark (`python -m benchmarks --gpu`): adc's CUDA derivatives against the numba CPU
backend, measured side by side in one run; writes benchmarks/GPU.md.

- Per-trajectory gradients: 10^5 independent Euler-chain trajectories (a scalar ODE, 1,000 steps
  each), d(loss)/d(x0, theta) of every one: `adc.grad(trajectory, backend="cuda")` mapped over
  the arrays, against one Numba loop over the trajectories calling adc's numba-compiled
  derivative (adc.njit_handle: no Python between calls) and adc's numba backend called per
  trajectory from Python.
- A 2-D stencil kernel's adjoint (a 5-point Laplacian step with a nonlinearity, 1024 x 1024):
  `adc.kernel_vjp(kernel)`, against adc.vjp of the same step written as CPU loops (numba backend).

Without a GPU (or on the simulator) the CPU side is measured and the GPU rows say they did not run.
"""
import math
import os

import numba
import numpy as np

import adc

HERE = os.path.dirname(os.path.abspath(__file__))
TRAJECTORIES, STEPS, GRID = 100_000, 1000, 1024


def trajectory(x0, theta, steps):
    u = x0
    for _ in range(steps):
        u = u + 0.01 * (math.sin(u) - theta * u)
    return u * u


def step_cpu(u):
    n, m = u.shape
    out = np.zeros((n, m))
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = u[i, j] + 0.1 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]
                                         - 4.0 * u[i, j]) - 0.01 * u[i, j] ** 3
    return out


def _kernel():
    from numba import cuda

    @cuda.jit
    def step(u, out):
        i, j = cuda.grid(2)
        if 0 < i < u.shape[0] - 1 and 0 < j < u.shape[1] - 1:
            out[i, j] = u[i, j] + 0.1 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]
                                         - 4.0 * u[i, j]) - 0.01 * u[i, j] ** 3
    return step


def _time(f, repeat=3):
    from .__main__ import median_time
    return median_time(f, repeat)


def _gpu():
    """Whether a real GPU runs the kernels here (not the simulator)."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False
    try:
        from numba import cuda
        return cuda.is_available()
    except Exception:  # noqa: BLE001
        return False


def trajectories(n):
    rng = np.random.default_rng(0)
    x0, theta = rng.uniform(0.1, 1.0, n), rng.uniform(0.1, 0.5, n)
    cpu = adc.grad(trajectory, wrt=(0, 1), backend="numba")
    sample = 2000
    per_call = _time(lambda: [cpu(x0[k], theta[k], STEPS) for k in range(sample)], repeat=1) / sample
    handle = adc.njit_handle(cpu, 0.5, 0.2, STEPS)

    @numba.njit
    def every_trajectory(x0, theta, steps):
        gx, gt = np.empty(x0.shape[0]), np.empty(x0.shape[0])
        for k in range(x0.shape[0]):
            gx[k], gt[k] = handle(x0[k], theta[k], steps)
        return gx, gt
    rows = [("adc numba backend, a Numba loop over the trajectories calling adc.njit_handle",
             _time(lambda: every_trajectory(x0, theta, STEPS), repeat=1)),
            ("adc numba backend, one call from Python per trajectory (scaled from 2,000)", per_call * n)]
    if _gpu():
        gpu = adc.grad(trajectory, wrt=(0, 1), backend="cuda")
        gx, gt = gpu(x0, theta, STEPS)
        check = [cpu(x0[k], theta[k], STEPS) for k in range(0, n, n // 50)]
        assert np.allclose(gx[::n // 50], [c[0] for c in check], rtol=1e-12)
        rows.append(("adc backend='cuda', one thread per trajectory", _time(lambda: gpu(x0, theta, STEPS))))
    return rows


def stencil(n):
    rng = np.random.default_rng(1)
    u, ob = rng.uniform(0.0, 1.0, (n, n)), rng.uniform(-1.0, 1.0, (n, n))
    cpu = adc.vjp(step_cpu, backend="numba")
    rows = [("adc.vjp of the CPU loops, numba backend", _time(lambda: cpu(u)[1](ob)))]
    if _gpu():
        from numba import cuda
        adjoint = adc.kernel_vjp(_kernel())
        du, dob, out = cuda.to_device(np.zeros((n, n))), cuda.to_device(ob), cuda.to_device(np.zeros((n, n)))
        dev_u = cuda.to_device(u)
        blocks = ((n + 15) // 16, (n + 15) // 16)

        def run():
            dob.copy_to_device(ob)
            adjoint[blocks, (16, 16)](dev_u, out, du, dob)
            cuda.synchronize()
        rows.append(("adc.kernel_vjp, one thread per grid point", _time(run)))
    return rows


def main(quick=False):
    n_traj, grid = (TRAJECTORIES // 10, GRID // 4) if quick else (TRAJECTORIES, GRID)
    out = ["# adc on the GPU", ""]
    if not _gpu():
        out += ["**This run had no GPU: the GPU rows did not run.** The CPU side below is measured; "
                "`python -m benchmarks --gpu` on a machine with an NVIDIA GPU adds the GPU rows.", ""]
    for title, rows in ((f"Per-trajectory gradients, {n_traj:,} Euler trajectories of {STEPS} steps",
                         trajectories(n_traj)),
                        (f"2-D stencil kernel adjoint, {grid} x {grid}", stencil(grid))):
        out += [f"## {title}", "", "| method | time (s) | vs the first row |", "|---|---:|---:|"]
        out += [f"| {name} | {t:.4f} | {rows[0][1] / t:.1f}× |" for name, t in rows] + [""]
        print("\n".join(out[-len(rows) - 5:]), flush=True)
    with open(os.path.join(HERE, "GPU.md"), "w") as f:
        f.write("\n".join(out))
    print(f"wrote {os.path.join(HERE, 'GPU.md')}")
