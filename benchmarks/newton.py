"""Workload 2: a while loop with a data-dependent trip count and a branch.

For each parameter pair (a_k, b_k), Newton's method solves x^3 + a_k x = b_k
(a_k > 0: one real root), with the step clipped to 1 when it would jump too
far; the loss is the sum of the squared roots. The gradient flows through
every iteration actually taken.
"""
import numba
import numpy as np


def loss(a, b):
    total = 0.0
    for k in range(a.shape[0]):
        x = 1.0
        it = 0
        while abs(x * x * x + a[k] * x - b[k]) > 1e-12 and it < 100:
            step = (x * x * x + a[k] * x - b[k]) / (3.0 * x * x + a[k])
            if step > 1.0:
                step = 1.0
            elif step < -1.0:
                step = -1.0
            x = x - step
            it += 1
        total = total + x * x
    return total


primal = numba.njit(cache=True)(loss)


# autograd traces the same source: its arithmetic is on scalars and element reads only
loss_autograd = loss


def args(quick):
    rng = np.random.default_rng(2)
    n = 100 if quick else 1000
    return rng.uniform(0.5, 2.0, n), rng.uniform(-5.0, 5.0, n)
