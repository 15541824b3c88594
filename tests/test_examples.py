"""The ML-style examples run as a user runs them: parameters in dicts and lists of (W, b)
pairs, SciPy densities and linear algebra; each checks its gradient against autograd's."""
import importlib

import numpy as np


def _example(name):
    return importlib.import_module(f"examples.{name}")


def test_gaussian_process_fits_its_hyperparameters():
    gp = _example("gaussian_process")
    x, y, truth = gp.data()
    start = {"log_amp": 0.1, "log_length": -0.2, "log_noise": -1.0}
    grad = gp.adc.grad(gp.neg_log_marginal)(start, x, y)
    assert list(grad) == list(start)
    h = 1e-6
    for k in start:
        up, down = dict(start), dict(start)
        up[k] += h
        down[k] -= h
        fd = (gp.neg_log_marginal(up, x, y) - gp.neg_log_marginal(down, x, y)) / (2 * h)
        assert np.isclose(grad[k], fd, rtol=1e-5, atol=1e-7), (k, grad[k], fd)
    hyp, value = gp.fit(x, y, steps=60)
    assert value < gp.neg_log_marginal(start, x, y)
    assert abs(np.exp(hyp["log_noise"]) - np.exp(truth["log_noise"])) < 0.1


def test_bayesian_neural_network_by_variational_inference():
    bnn = _example("bayesian_nn")
    x, y = bnn.data()
    rng = np.random.default_rng(0)
    params, draws = bnn.init(rng), bnn.draw(rng, 2)
    grad = bnn.adc.grad(bnn.negative_elbo)(params, draws, x, y)
    direction = bnn.tree_map(lambda p: rng.standard_normal(np.shape(p)), params)
    h = 1e-6
    moved = [bnn.negative_elbo(bnn.tree_map(lambda p, d, s=s: p + s * h * d, params, direction), draws, x, y)
             for s in (1, -1)]
    flat = lambda t: [leaf for part in t.values() for pair in part for leaf in pair]  # noqa: E731
    along = sum(np.sum(g * d) for g, d in zip(flat(grad), flat(direction)))
    assert np.isclose(along, (moved[0] - moved[1]) / (2 * h), rtol=1e-5)
    _, history = bnn.fit(x, y, steps=80)
    assert np.mean(history[-10:]) < 0.5 * history[0]
