"""Workload 9: a GRU cell with a small hidden state (16) run over 400 steps: small vectors in a
loop, where per-step allocation and tape traffic cost more than the arithmetic."""
import numba
import numpy as np


@numba.njit(cache=True)  # adc differentiates the Python source of a Numba function it calls
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def loss(Wz, Uz, Wr, Ur, Wh, Uh, xs, h0):
    h = h0
    total = 0.0
    for t in range(xs.shape[0]):
        x = xs[t]
        z = sigmoid(np.dot(Wz, x) + np.dot(Uz, h))
        r = sigmoid(np.dot(Wr, x) + np.dot(Ur, h))
        n = np.tanh(np.dot(Wh, x) + np.dot(Uh, r * h))
        h = (1.0 - z) * h + z * n
        total = total + np.sum(h * h)
    return total / xs.shape[0]


primal = numba.njit(cache=True)(loss)


def loss_functional(Wz, Uz, Wr, Ur, Wh, Uh, xs, h0):
    """The same arithmetic with the sigmoid written out (for autograd and JAX, whose `np` it names)."""
    h = h0
    total = 0.0
    for t in range(xs.shape[0]):
        x = xs[t]
        z = 1.0 / (1.0 + np.exp(-(np.dot(Wz, x) + np.dot(Uz, h))))
        r = 1.0 / (1.0 + np.exp(-(np.dot(Wr, x) + np.dot(Ur, h))))
        n = np.tanh(np.dot(Wh, x) + np.dot(Uh, r * h))
        h = (1.0 - z) * h + z * n
        total = total + np.sum(h * h)
    return total / xs.shape[0]


def args(quick):
    rng = np.random.default_rng(9)
    hidden, n_in, steps = 16, 8, 100 if quick else 400
    W = [rng.standard_normal((hidden, n_in if k % 2 == 0 else hidden)) * 0.3 for k in range(6)]
    return (*W, rng.standard_normal((steps, n_in)), np.zeros(hidden))
