"""Workloads 6 and 7: a dense MLP loss (batch 256, width 128, tanh) and a 100-step RNN."""
import numba
import numpy as np


def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(np.dot(X, W1) + b1)
    d = np.dot(h, W2) + b2 - Y
    return np.sum(d * d) / X.shape[0]


def rnn(Wx, Wh, b, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(np.dot(Wx, xs[t]) + np.dot(Wh, h) + b)
    return np.sum(h * h)


mlp_numba = numba.njit(cache=True)(mlp)
rnn_numba = numba.njit(cache=True)(rnn)


def on_autograd(f):
    """`f` with `np` re-bound to autograd's NumPy: the same source, traced by autograd."""
    import types
    import autograd.numpy as anp
    return types.FunctionType(f.__code__, dict(f.__globals__, np=anp), f.__name__)


def mlp_autograd(*args):
    return on_autograd(mlp)(*args)


def rnn_autograd(*args):
    return on_autograd(rnn)(*args)


def mlp_args(quick):
    rng = np.random.default_rng(3)
    batch, n_in, width, n_out = 256, 64, 128, 10
    return (rng.standard_normal((n_in, width)) * 0.1, np.zeros(width), rng.standard_normal((width, n_out)) * 0.1,
            np.zeros(n_out), rng.standard_normal((batch, n_in)), rng.standard_normal((batch, n_out)))


def rnn_args(quick):
    rng = np.random.default_rng(4)
    hidden, n_in, steps = 128, 32, 100
    return (rng.standard_normal((hidden, n_in)) * 0.1, rng.standard_normal((hidden, hidden)) * 0.05,
            np.zeros(hidden), rng.standard_normal((steps, n_in)), np.zeros(hidden))
