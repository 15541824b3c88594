"""The README's example: explicit Euler steps of a chain of coupled oscillators.

    python examples/euler.py     differentiates it, prints the adjoint adc wrote,
                                 checks it against finite differences and times it
                                 next to autograd.
"""
import math
import time

import numpy as np

import adc


def loss(x, theta, steps=200):
    u = x.copy()
    for _ in range(steps):
        for i in range(1, u.shape[0]):
            u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
    return np.sum(u * u)


EXAMPLE_ARGS = {"loss": (np.linspace(0, 1, 100), 0.3, 200)}


def loss_autograd(x, theta, steps=200):
    """The same arithmetic without in-place writes, which autograd cannot trace."""
    import autograd.numpy as anp
    u = x
    for _ in range(steps):
        new = [u[0]]
        for i in range(1, u.shape[0]):
            new.append(u[i] + 0.01 * (anp.sin(new[i - 1]) - theta * u[i]))
        u = anp.array(new)
    return anp.sum(u * u)


def main():
    dloss = adc.grad(loss, wrt=(0, 1))
    x = np.linspace(0, 1, 100)
    gx, gtheta = dloss(x, 0.3, 200)
    print(adc.source(dloss))

    h = 1e-6
    fd_theta = (loss(x, 0.3 + h) - loss(x, 0.3 - h)) / (2 * h)
    e = np.zeros_like(x)
    e[10] = h
    fd_x10 = (loss(x + e, 0.3) - loss(x - e, 0.3)) / (2 * h)
    print(f"d loss / d theta: adc {gtheta:.10f}   finite differences {fd_theta:.10f}")
    print(f"d loss / d x[10]: adc {gx[10]:.10f}   finite differences {fd_x10:.10f}")
    assert abs(gtheta - fd_theta) < 1e-5 * max(1.0, abs(fd_theta))
    assert abs(gx[10] - fd_x10) < 1e-5 * max(1.0, abs(fd_x10))

    t_adc = _median_time(lambda: dloss(x, 0.3, 200))
    print(f"adc gradient (numba): {t_adc * 1e3:.3f} ms")
    try:
        import autograd
    except ImportError:
        print("autograd is not installed: pip install autograd to time it here")
        return
    t_ag = _median_time(lambda: autograd.grad(loss_autograd, (0, 1))(x, 0.3, 200), repeat=1)
    print(f"autograd gradient:    {t_ag * 1e3:.1f} ms   ({t_ag / t_adc:,.0f}x slower)")


def _median_time(f, repeat=7):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    main()
