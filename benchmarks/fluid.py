"""Workload 11: a 2-D fluid simulation in the style of "stable fluids": semi-Lagrangian advection
by bilinear interpolation, a pressure projection by Jacobi iterations, on an n x n grid with walls.
Written as loops over cells calling small helper functions, the way such a solver is ported to
Numba; the loss is how far the advected dye ends from a target, and the gradient is taken with
respect to the initial velocity field (an inverse design problem).

It is the compile-time workload: several functions and a few hundred generated lines."""
import math

import numba
import numpy as np


@numba.njit(cache=True)
def clamp(v, lo, hi):
    return min(max(v, lo), hi)


@numba.njit(cache=True)
def sample(q, x, y):
    """q bilinearly interpolated at (x, y), in cell units, clamped to the grid."""
    n = q.shape[0]
    x = clamp(x, 0.0, n - 1.001)
    y = clamp(y, 0.0, n - 1.001)
    i = int(math.floor(x))
    j = int(math.floor(y))
    fx = x - i
    fy = y - j
    return ((1.0 - fx) * ((1.0 - fy) * q[i, j] + fy * q[i, j + 1])
            + fx * ((1.0 - fy) * q[i + 1, j] + fy * q[i + 1, j + 1]))


@numba.njit(cache=True)
def advect(q, u, v, dt):
    """q carried along (u, v) for dt: each cell takes the value found where its fluid came from."""
    n = q.shape[0]
    out = np.zeros((n, n))
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            out[i, j] = sample(q, i - dt * u[i, j], j - dt * v[i, j])
    return out


@numba.njit(cache=True)
def divergence(u, v):
    n = u.shape[0]
    div = np.zeros((n, n))
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            div[i, j] = 0.5 * (u[i + 1, j] - u[i - 1, j] + v[i, j + 1] - v[i, j - 1])
    return div


@numba.njit(cache=True)
def pressure(div, iterations):
    """Jacobi iterations for the Poisson equation lap p = div, p = 0 on the walls."""
    n = div.shape[0]
    p = np.zeros((n, n))
    for _ in range(iterations):
        nxt = np.zeros((n, n))
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                nxt[i, j] = 0.25 * (p[i + 1, j] + p[i - 1, j] + p[i, j + 1] + p[i, j - 1] - div[i, j])
        p = nxt
    return p


@numba.njit(cache=True)
def project(u, v, iterations):
    """(u, v) less the gradient of the pressure that makes it divergence-free."""
    n = u.shape[0]
    p = pressure(divergence(u, v), iterations)
    uo = np.zeros((n, n))
    vo = np.zeros((n, n))
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            uo[i, j] = u[i, j] - 0.5 * (p[i + 1, j] - p[i - 1, j])
            vo[i, j] = v[i, j] - 0.5 * (p[i, j + 1] - p[i, j - 1])
    return uo, vo


def simulate(u0, v0, dye0, target, steps, iterations, dt):
    u, v = project(u0, v0, iterations)
    dye = dye0
    for _ in range(steps):
        dye = advect(dye, u, v, dt)
        u2 = advect(u, u, v, dt)
        v2 = advect(v, u, v, dt)
        u, v = project(u2, v2, iterations)
    d = dye - target
    return np.sum(d * d)


primal = numba.njit(cache=True)(simulate)


def args(quick):
    rng = np.random.default_rng(11)
    n = 24 if quick else 48
    x = np.linspace(-1.0, 1.0, n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    u0 = 2.0 * np.exp(-4 * (X * X + Y * Y)) * -Y + 0.1 * rng.standard_normal((n, n))
    v0 = 2.0 * np.exp(-4 * (X * X + Y * Y)) * X + 0.1 * rng.standard_normal((n, n))
    dye = np.exp(-20 * ((X - 0.3) ** 2 + Y * Y))
    target = np.exp(-20 * ((X + 0.3) ** 2 + Y * Y))
    return u0, v0, dye, target, 4 if quick else 10, 10 if quick else 20, 1.5
