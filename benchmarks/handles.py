"""A 1,000-step gradient descent: a @numba.njit loop calling adc.njit_handle of the gradient,
against the same loop in Python calling the derivative (medians of 5 runs, side by side in one
run). `python -m benchmarks.handles` prints the table and writes benchmarks/HANDLES.md."""
import os
import time

import numba
import numpy as np

import adc

HERE = os.path.dirname(os.path.abspath(__file__))


def loss(x, theta):
    s = 0.0
    for i in range(x.shape[0]):
        s += (x[i] - theta * i) ** 2 + np.sin(x[i]) * theta
    return s


def main(steps=1000, n=20):
    dloss = adc.grad(loss, backend="numba")
    x = np.linspace(0.1, 1.0, n)
    g = adc.njit_handle(dloss, x, 0.3)

    @numba.njit
    def in_njit(x, theta, steps, lr):
        for _ in range(steps):
            x = x - lr * g(x, theta)
        return x

    def in_python(x, theta, steps, lr):
        for _ in range(steps):
            x = x - lr * dloss(x, theta)
        return x

    assert np.array_equal(in_njit(x, 0.3, steps, 0.01), in_python(x, 0.3, steps, 0.01))
    times = {}
    for name, run in (("njit loop calling adc.njit_handle", in_njit), ("Python loop calling the derivative", in_python)):
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            run(x, 0.3, steps, 0.01)
            samples.append(time.perf_counter() - t0)
        times[name] = float(np.median(samples))
    first = next(iter(times.values()))
    lines = [f"# {steps}-step gradient descent, n = {n}", "", "| loop | time (ms) | per step (µs) | vs the njit loop |",
             "|---|---:|---:|---:|"]
    lines += [f"| {k} | {t * 1e3:.3f} | {t / steps * 1e6:.2f} | {t / first:.1f}× |" for k, t in times.items()]
    print("\n".join(lines))
    with open(os.path.join(HERE, "HANDLES.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
