"""Workload 1: the Euler chain (scalar loops), n = 100 points, 1000 time steps.

Methods: the Numba-compiled primal, adc's gradient (numba and python
backends), a hand-written Numba adjoint (the practical limit), and
autograd on the same arithmetic written without in-place writes.
"""
import math

import numba
import numpy as np

from examples.euler import loss_autograd  # noqa: F401  (the same arithmetic, without in-place writes)


def loss(x, theta, steps):
    u = x.copy()
    for _ in range(steps):
        for i in range(1, u.shape[0]):
            u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
    return np.sum(u * u)


primal = numba.njit(cache=True)(loss)


@numba.njit(cache=True)
def hand_adjoint(x, theta, steps):
    """What an expert writes by hand: store u[i-1] and u[i] of every step, sweep back."""
    n = x.shape[0]
    u = x.copy()
    tape = np.empty((steps, n, 2))
    for t in range(steps):
        for i in range(1, n):
            tape[t, i, 0] = u[i - 1]
            tape[t, i, 1] = u[i]
            u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
    value = np.sum(u * u)
    ub = 2.0 * u
    thb = 0.0
    for t in range(steps - 1, -1, -1):
        for i in range(n - 1, 0, -1):
            g = ub[i]
            ub[i] = g * (1.0 - 0.01 * theta)
            ub[i - 1] += g * 0.01 * math.cos(tape[t, i, 0])
            thb -= g * 0.01 * tape[t, i, 1]
    return value, ub, thb


def args(quick):
    return np.linspace(0.0, 1.0, 100), 0.3, (100 if quick else 1000)


def state(x, theta, steps):
    """The Euler chain's final state: an R^n -> R^n map for the Jacobian rows."""
    u = x.copy()
    for _ in range(steps):
        for i in range(1, u.shape[0]):
            u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
    return u
