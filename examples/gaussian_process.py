"""Gaussian-process regression: fit the kernel's hyperparameters by maximising the marginal likelihood.

The hyperparameters live in a dict, as people write them; adc.value_and_grad
takes the dict as an argument and returns the gradient as a dict of the same
keys. The negative log marginal likelihood goes through a Cholesky
factorisation, triangular solves and a log-determinant; the gradient is
checked against autograd's, then plain gradient descent with a line search
fits the length scale, amplitude and noise of data drawn from a known kernel.

    python examples/gaussian_process.py
"""
import numpy as np
import scipy.linalg

import adc


def kernel(hyp, xa, xb):
    """The squared-exponential kernel of log amplitude, log length scale (hyp: a dict)."""
    d = (xa[:, None] - xb[None, :]) / np.exp(hyp["log_length"])
    return np.exp(2.0 * hyp["log_amp"]) * np.exp(-0.5 * d * d)


def neg_log_marginal(hyp, x, y):
    """-log p(y | x, hyp) of a zero-mean GP with Gaussian noise."""
    n = x.shape[0]
    k = kernel(hyp, x, x) + (np.exp(2.0 * hyp["log_noise"]) + 1e-9) * np.eye(n)
    chol = np.linalg.cholesky(k)
    alpha = scipy.linalg.solve_triangular(chol, y, lower=True)
    return 0.5 * np.dot(alpha, alpha) + np.sum(np.log(np.diag(chol))) + 0.5 * n * np.log(2.0 * np.pi)


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, n))
    truth = {"log_amp": np.log(1.3), "log_length": np.log(0.7), "log_noise": np.log(0.1)}
    k = kernel(truth, x, x) + np.exp(2.0 * truth["log_noise"]) * np.eye(n)
    y = np.linalg.cholesky(k) @ rng.standard_normal(n)
    return x, y, truth


def fit(x, y, steps=200, backend="auto"):
    """Gradient descent with backtracking on the dict of hyperparameters."""
    value_and_grad = adc.value_and_grad(neg_log_marginal, backend=backend)
    hyp = {"log_amp": 0.0, "log_length": 0.0, "log_noise": np.log(0.5)}
    value, grad = value_and_grad(hyp, x, y)
    rate = 0.1
    for _ in range(steps):
        trial = {k: hyp[k] - rate * grad[k] for k in hyp}
        trial_value, trial_grad = value_and_grad(trial, x, y)
        if trial_value < value:
            hyp, value, grad, rate = trial, trial_value, trial_grad, rate * 1.2
        else:
            rate *= 0.5
    return hyp, value


def main():
    x, y, truth = data()
    start = {"log_amp": 0.1, "log_length": -0.2, "log_noise": -1.0}
    grad = adc.grad(neg_log_marginal)(start, x, y)
    try:
        import autograd
        import autograd.numpy as anp
        import autograd.scipy.linalg as aslinalg

        def reference(hyp, x, y):
            d = (x[:, None] - x[None, :]) / anp.exp(hyp["log_length"])
            k = anp.exp(2.0 * hyp["log_amp"]) * anp.exp(-0.5 * d * d)
            k = k + (anp.exp(2.0 * hyp["log_noise"]) + 1e-9) * anp.eye(x.shape[0])
            chol = anp.linalg.cholesky(k)
            alpha = aslinalg.solve_triangular(chol, y, lower=True)
            return 0.5 * anp.dot(alpha, alpha) + anp.sum(anp.log(anp.diag(chol))) + 0.5 * x.shape[0] * anp.log(2 * anp.pi)
        expected = autograd.grad(reference)(start, x, y)
        print("gradient vs autograd, max difference:", max(abs(grad[k] - expected[k]) for k in grad))
    except ImportError:
        pass
    hyp, value = fit(x, y)
    print(f"-log marginal likelihood {value:.4f}")
    for k in hyp:
        print(f"  {k:>10}: fitted {np.exp(hyp[k]):.3f}, true {np.exp(truth[k]):.3f}")
    return hyp


if __name__ == "__main__":
    main()
