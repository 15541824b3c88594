"""Workload 8: a scalar n-body problem, 32 bodies, leapfrog steps, written with element reads and
writes as a physicist writes it in Numba. The loss is the final kinetic plus potential energy
offset by the positions' spread; the gradient is taken with respect to the initial positions,
velocities and masses."""
import math

import numba
import numpy as np


def energy_after(pos, vel, mass, steps, dt):
    n = pos.shape[0]
    x = pos.copy()
    v = vel.copy()
    acc = np.zeros((n, 3))
    for _ in range(steps):
        for i in range(n):
            acc[i, 0] = 0.0
            acc[i, 1] = 0.0
            acc[i, 2] = 0.0
        for i in range(n):
            for j in range(i + 1, n):
                dx = x[j, 0] - x[i, 0]
                dy = x[j, 1] - x[i, 1]
                dz = x[j, 2] - x[i, 2]
                r2 = dx * dx + dy * dy + dz * dz + 0.01
                inv = 1.0 / (r2 * math.sqrt(r2))
                acc[i, 0] += mass[j] * dx * inv
                acc[i, 1] += mass[j] * dy * inv
                acc[i, 2] += mass[j] * dz * inv
                acc[j, 0] -= mass[i] * dx * inv
                acc[j, 1] -= mass[i] * dy * inv
                acc[j, 2] -= mass[i] * dz * inv
        for i in range(n):
            for c in range(3):
                v[i, c] += dt * acc[i, c]
                x[i, c] += dt * v[i, c]
    kinetic = 0.0
    for i in range(n):
        kinetic += 0.5 * mass[i] * (v[i, 0] ** 2 + v[i, 1] ** 2 + v[i, 2] ** 2)
    spread = 0.0
    for i in range(n):
        for c in range(3):
            spread += x[i, c] * x[i, c]
    return kinetic + 0.01 * spread


primal = numba.njit(cache=True)(energy_after)


def energy_after_functional(pos, vel, mass, steps, dt):
    """The same arithmetic without in-place writes, vectorised over the pairs (for autograd)."""
    x, v = pos, vel
    for _ in range(steps):
        d = x[None, :, :] - x[:, None, :]
        r2 = np.sum(d * d, axis=2) + 0.01
        inv = 1.0 / (r2 * np.sqrt(r2))
        n = x.shape[0]
        inv = inv * (1.0 - np.eye(n))
        acc = np.sum(mass[None, :, None] * d * inv[:, :, None], axis=1)
        v = v + dt * acc
        x = x + dt * v
    kinetic = np.sum(0.5 * mass * np.sum(v * v, axis=1))
    return kinetic + 0.01 * np.sum(x * x)


def args(quick):
    rng = np.random.default_rng(8)
    n = 32
    return (rng.standard_normal((n, 3)), 0.1 * rng.standard_normal((n, 3)), rng.uniform(0.5, 1.5, n),
            20 if quick else 200, 0.001)
