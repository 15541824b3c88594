"""A user-defined derivative rule that makes an unstable function stable.

softplus(x) = log(1 + exp(x)) overflows for x > 709 as written, and so does
its textbook derivative exp(x) / (1 + exp(x)). `adc.primitive` lets the user
give a stable forward rule and stable derivative rules; adc inlines them into
the code it generates, records the residuals the backward rule needs, and
the rules work in loops, split mode and Hessian-vector products.

    python examples/custom_rule.py
"""
import numpy as np

import adc


@adc.primitive
def softplus(x):
    return np.log1p(np.exp(x))


def softplus_fwd(x):
    y = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))  # never overflows
    return y, (x,)


def softplus_bwd(res, g):
    (x,) = res
    return (g * 0.5 * (1.0 + np.tanh(0.5 * x)),)  # the logistic function, stable everywhere


softplus.defvjp(softplus_fwd, softplus_bwd)
softplus.defjvp(lambda x, dx: dx * 0.5 * (1.0 + np.tanh(0.5 * x)))


@adc.nondiff
def count_positive(x):
    n = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            n += 1.0
    return n


def loss(w, data):
    total = 0.0
    for k in range(data.shape[0]):
        total = total + np.sum(softplus(w * data[k]))
    return total / count_positive(w)


EXAMPLE_ARGS = {"loss": (np.array([-1.0, 2.0, 3.0]), np.ones((2, 3)))}


def main():
    w = np.array([-800.0, 0.5, 900.0])
    data = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    g = adc.grad(loss)(w, data)
    hv = adc.hvp(loss)(w, data, np.ones(3))
    print("gradient:", g)
    print("Hessian-vector product:", hv)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(hv))
    print(adc.source(adc.grad(loss, backend="python"), w, data))


if __name__ == "__main__":
    main()
