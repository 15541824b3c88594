"""Containers as arguments and values: lists, tuples and dicts of arrays (adc.trees), nested,
as wrt; loops, comprehensions, zip, enumerate and len over them, unrolled when lowering.
Every derivative through the one harness, whose gradients must come back structured as
their arguments."""
import numpy as np
import pytest

import adc
from harness import check_grads

R = np.random.default_rng(5)
X = R.normal(size=(5, 3))
Y = R.normal(size=(5, 2))
LAYERS = [(R.normal(size=(3, 4)), R.normal(size=4)), (R.normal(size=(4, 2)), R.normal(size=2))]
PARAMS = {"w": R.normal(size=3), "log_s": 0.3, "b": np.array([0.2, -0.1])}


def mlp(layers, x, y):
    """A network given as a list of (W, b) pairs, with an L2 penalty from a generator."""
    for W, b in layers[:-1]:
        x = np.tanh(x @ W + b)
    W, b = layers[-1]
    out = x @ W + b
    penalty = sum(np.sum(W * W) for W, _ in layers)
    return np.sum((out - y) ** 2) + 0.01 * penalty


def dict_model(p, x):
    """A dict of parameters: read by key, items() in a loop, a float leaf."""
    total = 0.0
    for k, v in p.items():
        total = total + np.sum(v * v) * (1.0 if k == "w" else 0.5)
    s = np.exp(p["log_s"])
    return np.sum(np.sin(x @ p["w"]) * s) + total + np.sum(p["b"] ** 3)


def built_inside(x):
    """Containers built in the function: a dict literal, a list comprehension, zip and enumerate."""
    parts = {"a": x[0], "b": x[1] * 2.0}
    coeffs = [x[k] ** (k + 1) for k in range(3)]
    acc = 0.0
    for k, (c, d) in enumerate(zip(coeffs, [parts["a"], parts["b"], x[2]])):
        acc = acc + (k + 1.0) * c * d
    return acc + len(coeffs) * parts["b"]


def rows(a):
    """A for loop over an array's rows, as NumPy iterates it, and a sum over a generator of them."""
    s = 0.0
    for r in a:
        s = s + np.sum(np.sin(r) * r)
    r = 2.0
    return s + sum(np.dot(r, a[0]) for r in a) * r


CASES = [
    ("list of pairs", mlp, (LAYERS, X, Y), 0),
    ("dict", dict_model, (PARAMS, X), 0),
    ("built inside", built_inside, (R.uniform(0.5, 1.5, 3),), 0),
    ("rows", rows, (R.normal(size=(4, 3)),), 0),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_containers(case):
    name, f, args, wrt = case
    check_grads(f, args, wrt=wrt)


def test_gradients_come_back_structured_as_their_arguments():
    g = adc.grad(mlp, backend="python")(LAYERS, X, Y)
    assert isinstance(g, list) and all(isinstance(t, tuple) and len(t) == 2 for t in g)
    g = adc.grad(dict_model, backend="python")(PARAMS, X)
    assert list(g) == list(PARAMS) and isinstance(g["log_s"], float)
    value, tangent = adc.jvp(dict_model, backend="python")(PARAMS, X, {k: np.ones_like(v) for k, v in PARAMS.items()})
    assert np.isclose(value, dict_model(PARAMS, X))


def test_a_tangent_of_another_structure_is_refused():
    with pytest.raises(adc.AdcTypeError, match="structured as"):
        adc.jvp(dict_model, backend="python")(PARAMS, X, {"w": np.ones(3)})


def test_a_new_structure_is_a_new_specialization():
    df = adc.grad(mlp, backend="python")
    one = df(LAYERS[1:], X @ LAYERS[0][0], Y)
    assert len(one) == 1 and one[0][0].shape == (4, 2)
    assert len(df(LAYERS, X, Y)) == 2


def _layer(x, W, b=None, act=np.tanh):
    y = x @ W
    if b is not None:
        y = y + b
    return act(y)


def sentinels(p, x):
    """None as a default and a sentinel, keyword arguments and a function passed to a helper."""
    h = _layer(x, p["W1"], act=np.sin)
    h = _layer(h, p["W2"], b=p["b2"])
    return np.sum(h ** 2) + np.sum(_layer(x, W=p["W1"], b=None) * 0.5)


def steps(f, y, n=3, dt=0.1):
    for _ in range(n):
        y = y + dt * f(y)
    return y


def dynamics(theta, y0):
    """A dynamics function given to an integrator, as a lambda closing over a dict's entries."""
    y = steps(lambda y: -theta["k"] * y + np.sin(theta["a"] * y), y0, n=4)
    return np.sum(y ** 2)


def tuple_wrt(pair, x):
    a, b = pair
    return np.sum(np.exp(a * x) * b[0]) + b[1] ** 2


CASES_2 = [
    ("None and keywords", sentinels, ({"W1": R.normal(size=(3, 4)), "W2": R.normal(size=(4, 2)),
                                       "b2": R.normal(size=2)}, X), 0),
    ("a function passed in", dynamics, ({"k": 0.7, "a": np.array([1.0, 2.0, 0.5])}, R.normal(size=3)), 0),
    ("a tuple as wrt", tuple_wrt, ((0.3, (R.normal(size=3), 1.5)), R.normal(size=3)), 0),
]


@pytest.mark.parametrize("case", CASES_2, ids=[c[0] for c in CASES_2])
def test_containers_and_calls(case):
    name, f, args, wrt = case
    check_grads(f, args, wrt=wrt, backends=("python",))
    check_grads(f, args, wrt=wrt, backends=("numba",), order=1)


def test_refusals_name_the_construct():
    def bad_key(p):
        return p["nope"]

    def runtime_index(p, k):
        return p[k]["w"]

    def store(p):
        p["w"] = 1.0
        return p["w"]

    for f, args, what in ((bad_key, ({"w": 1.0},), "the key 'nope'"),
                          (runtime_index, ([{"w": 1.0}, {"w": 2.0}], 1), "at an index known only at run time"),
                          (store, ({"w": 1.0},), "assignment into an element of a dict")):
        with pytest.raises(adc.AdcSyntaxError, match=what):
            adc.grad(f, backend="python")(*args)
