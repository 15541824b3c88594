"""A Bayesian neural network fitted by black-box variational inference.

The variational posterior over the weights is a diagonal Gaussian whose means
and log standard deviations are held as people write them: a dict of two
lists of (W, b) pairs. The objective draws weights by the reparameterisation
trick (the standard-normal draws come in as an argument of the same
structure, so the estimate is a deterministic function of the parameters),
runs the network with a `for W, b in layers:` loop, and scores the data and
the prior with scipy.stats.norm.logpdf. adc.value_and_grad returns the
gradient with the dict's structure; Adam updates it leaf by leaf.

    python examples/bayesian_nn.py
"""
import numpy as np
from scipy.stats import norm

import adc

SIZES = [(1, 16), (16, 1)]
NOISE = 0.1


def forward(layers, x):
    for W, b in layers[:-1]:
        x = np.tanh(x @ W + b)
    W, b = layers[-1]
    return x @ W + b


def negative_elbo(params, draws, x, y):
    """-ELBO by one reparameterised sample per draw: -E[log p(y|w) + log p(w)] - H[q]."""
    total = 0.0
    for eps in draws:
        layers = [(m_w + np.exp(s_w) * e_w, m_b + np.exp(s_b) * e_b)
                  for (m_w, m_b), (s_w, s_b), (e_w, e_b) in zip(params["mean"], params["log_std"], eps)]
        prediction = forward(layers, x)[:, 0]
        log_lik = np.sum(norm.logpdf(y, prediction, NOISE))
        log_prior = sum(np.sum(norm.logpdf(W, 0.0, 1.0)) + np.sum(norm.logpdf(b, 0.0, 1.0)) for W, b in layers)
        total = total + log_lik + log_prior
    entropy = sum(np.sum(s_w) + np.sum(s_b) for s_w, s_b in params["log_std"])
    return -total / len(draws) - entropy


def init(rng):
    mean = [(0.5 * rng.standard_normal((m, n)), np.zeros(n)) for m, n in SIZES]
    log_std = [(np.full((m, n), -3.0), np.full(n, -3.0)) for m, n in SIZES]
    return {"mean": mean, "log_std": log_std}


def draw(rng, samples):
    return [[(rng.standard_normal((m, n)), rng.standard_normal(n)) for m, n in SIZES] for _ in range(samples)]


def tree_map(f, *trees):
    """f applied leaf by leaf to containers of one structure."""
    first = trees[0]
    if isinstance(first, dict):
        return {k: tree_map(f, *(t[k] for t in trees)) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(tree_map(f, *items) for items in zip(*trees))
    return f(*trees)


def fit(x, y, steps=300, samples=4, rate=0.02, seed=0, backend="auto"):
    """Adam on the dict of variational parameters."""
    rng = np.random.default_rng(seed)
    params = init(rng)
    value_and_grad = adc.value_and_grad(negative_elbo, backend=backend)
    m = tree_map(np.zeros_like, params)
    v = tree_map(np.zeros_like, params)
    history = []
    for t in range(1, steps + 1):
        value, grad = value_and_grad(params, draw(rng, samples), x, y)
        m = tree_map(lambda a, g: 0.9 * a + 0.1 * g, m, grad)
        v = tree_map(lambda a, g: 0.999 * a + 0.001 * g * g, v, grad)
        params = tree_map(lambda p, a, b: p - rate * (a / (1 - 0.9 ** t)) / (np.sqrt(b / (1 - 0.999 ** t)) + 1e-8),
                          params, m, v)
        history.append(value)
    return params, history


def data(n=40, seed=1):
    rng = np.random.default_rng(seed)
    x = np.linspace(-2.0, 2.0, n)[:, None]
    y = np.sin(2.0 * x[:, 0]) + NOISE * rng.standard_normal(n)
    return x, y


def main():
    x, y = data()
    rng = np.random.default_rng(0)
    params, draws = init(rng), draw(rng, 2)
    grad = adc.grad(negative_elbo)(params, draws, x, y)
    try:
        import autograd
        import autograd.numpy as anp
        import autograd.scipy.stats.norm as anorm

        def reference(params, draws, x, y):
            total = 0.0
            for eps in draws:
                layers = [(m_w + anp.exp(s_w) * e_w, m_b + anp.exp(s_b) * e_b)
                          for (m_w, m_b), (s_w, s_b), (e_w, e_b) in zip(params["mean"], params["log_std"], eps)]
                h = x
                for W, b in layers[:-1]:
                    h = anp.tanh(anp.dot(h, W) + b)
                prediction = (anp.dot(h, layers[-1][0]) + layers[-1][1])[:, 0]
                total = total + anp.sum(anorm.logpdf(y, prediction, NOISE))
                total = total + sum(anp.sum(anorm.logpdf(W, 0.0, 1.0)) + anp.sum(anorm.logpdf(b, 0.0, 1.0))
                                    for W, b in layers)
            return -total / len(draws) - sum(anp.sum(s_w) + anp.sum(s_b) for s_w, s_b in params["log_std"])
        expected = autograd.grad(reference)(params, draws, x, y)
        diffs = tree_map(lambda a, b: float(np.max(np.abs(a - b))), grad, expected)
        print("gradient vs autograd, max difference:",
              max(d for part in diffs.values() for pair in part for d in pair))
    except ImportError:
        pass
    params, history = fit(x, y)
    print(f"-ELBO: {history[0]:.1f} at the start, {np.mean(history[-20:]):.1f} over the last 20 steps")
    mean_fit = forward(params["mean"], x)[:, 0]
    print(f"root-mean-square error of the posterior mean network: {np.sqrt(np.mean((mean_fit - y) ** 2)):.3f}")
    return history


if __name__ == "__main__":
    main()
