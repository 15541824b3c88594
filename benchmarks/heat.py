"""Workload 10: the explicit heat equation on a 1-D rod, updated in place with a copy of the previous
step, and a source term whose strength is the parameter; the loss matches a target profile."""
import numba
import numpy as np


def misfit(u0, kappa, target, steps):
    u = u0.copy()
    n = u.shape[0]
    for _ in range(steps):
        prev = u.copy()
        for i in range(1, n - 1):
            u[i] = prev[i] + kappa[i] * (prev[i - 1] - 2.0 * prev[i] + prev[i + 1])
    d = u - target
    return np.sum(d * d)


primal = numba.njit(cache=True)(misfit)


def misfit_functional(u0, kappa, target, steps):
    """The same arithmetic without in-place writes (for autograd)."""
    u = u0
    for _ in range(steps):
        lap = u[:-2] - 2.0 * u[1:-1] + u[2:]
        u = np.concatenate((u[:1], u[1:-1] + kappa[1:-1] * lap, u[-1:]))
    d = u - target
    return np.sum(d * d)


def args(quick):
    rng = np.random.default_rng(10)
    n = 200
    x = np.linspace(0.0, 1.0, n)
    return np.sin(np.pi * x), rng.uniform(0.1, 0.4, n), 0.5 * np.sin(np.pi * x), 100 if quick else 1000
