"""Workload 4: ADBench's LSTM objective: 2 layers, a sequence of 1024 characters of 7 bits each.

Parameters as in ADBench: `main` (2 layers x 2, 4 b): per layer a row of
gate weights and a row of gate biases; `extra` (3, b): input weights,
output weights, output biases; `state` (2 layers x 2, b): per layer the
hidden state and the cell state; `seq` (c, b). Each step runs the layers on
the current character and scores the prediction of the next one with a
log-softmax (ADBench adds 2 inside the log).
"""
import numba
import numpy as np


@numba.njit(cache=True)  # adc differentiates the Python source of a Numba function it calls
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def objective(main, extra, state, seq):
    b = seq.shape[1]
    s = state.copy()
    total = 0.0
    for t in range(seq.shape[0] - 1):
        x = seq[t] * extra[0]
        for i in range(0, s.shape[0], 2):
            gates = np.concatenate((x, s[i], x, s[i])) * main[i] + main[i + 1]
            forget = sigmoid(gates[0:b])
            ingate = sigmoid(gates[b:2 * b])
            outgate = sigmoid(gates[2 * b:3 * b])
            change = np.tanh(gates[3 * b:])
            cell = s[i + 1] * forget + ingate * change
            hidden = outgate * np.tanh(cell)
            s[i + 1, :] = cell
            s[i, :] = hidden
            x = hidden
        ypred = x * extra[1] + extra[2]
        ynorm = ypred - np.log(np.sum(np.exp(ypred)) + 2.0)
        total = total + np.sum(seq[t + 1] * ynorm)
    return -total / ((seq.shape[0] - 1) * b)


def objective_functional(main, extra, state, seq):
    """The same arithmetic without in-place writes (for autograd and JAX, whose `np` it then names)."""
    b = seq.shape[1]
    s = [state[k] for k in range(state.shape[0])]
    total = 0.0
    for t in range(seq.shape[0] - 1):
        x = seq[t] * extra[0]
        for i in range(0, len(s), 2):
            gates = np.concatenate((x, s[i], x, s[i])) * main[i] + main[i + 1]
            forget = 1.0 / (1.0 + np.exp(-gates[0:b]))
            ingate = 1.0 / (1.0 + np.exp(-gates[b:2 * b]))
            outgate = 1.0 / (1.0 + np.exp(-gates[2 * b:3 * b]))
            change = np.tanh(gates[3 * b:])
            s[i + 1] = s[i + 1] * forget + ingate * change
            s[i] = outgate * np.tanh(s[i + 1])
            x = s[i]
        ypred = x * extra[1] + extra[2]
        ynorm = ypred - np.log(np.sum(np.exp(ypred)) + 2.0)
        total = total + np.sum(seq[t + 1] * ynorm)
    return -total / ((seq.shape[0] - 1) * b)


primal = numba.njit(cache=True)(objective)


def args(quick):
    """2 layers, 7 bits, 1024 characters (quick: 128); random, fixed seed."""
    rng = np.random.default_rng(6)
    layers, b, c = 2, 7, 128 if quick else 1024
    main = rng.uniform(-0.5, 0.5, (2 * layers, 4 * b))
    extra = rng.uniform(-0.5, 0.5, (3, b))
    state = rng.uniform(-0.5, 0.5, (2 * layers, b))
    seq = (rng.uniform(0.0, 1.0, (c, b)) > 0.5).astype(np.float64)
    return main, extra, state, seq
