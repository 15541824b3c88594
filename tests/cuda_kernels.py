"""Kernels in Numba's CUDA style for adc.kernel_vjp, each with the same computation written for
the CPU (a loop over the threads, functional, returning the outputs), whose adc.vjp on the
python backend is the reference (tests/test_cuda_simulator.py).

Each entry of KERNELS: (kernel, cpu function of the inputs -> output, make(): (the kernel's
arguments, the indices of the inputs among them, the index of the output), the launch)."""
import math

import numpy as np
from numba import cuda

N = 12


@cuda.jit
def stencil(u, out):
    i = cuda.grid(1)
    if i >= 1 and i < u.shape[0] - 1:
        out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1] * u[i]


def stencil_cpu(u):
    out = np.zeros(u.shape[0])
    for i in range(1, u.shape[0] - 1):
        out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1] * u[i]
    return out


@cuda.jit(device=True)
def smooth(a):
    return a * a / (1.0 + a * a)


@cuda.jit
def elementwise(x, y, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        out[i] = smooth(x[i]) * math.exp(-y[i]) + math.sin(x[i] * y[i])


def elementwise_cpu(x, y):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = x[i] * x[i] / (1.0 + x[i] * x[i]) * math.exp(-y[i]) + math.sin(x[i] * y[i])
    return out


@cuda.jit
def gather_scatter(x, idx, out):
    i = cuda.grid(1)
    if i < idx.shape[0]:
        v = x[idx[i]]
        cuda.atomic.add(out, idx[(i + 1) % idx.shape[0]], v * v)


def gather_scatter_cpu(x, idx):
    out = np.zeros(x.shape[0])
    for i in range(idx.shape[0]):
        v = x[idx[i]]
        out[idx[(i + 1) % idx.shape[0]]] += v * v
    return out


@cuda.jit
def dynamic_product(x, n, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        p = 1.0
        for k in range(n[i]):
            p *= x[k]
        out[i] = p


def dynamic_product_cpu(x, n):
    out = np.zeros(n.shape[0])
    for i in range(n.shape[0]):
        p = 1.0
        for k in range(n[i]):
            p *= x[k]
        out[i] = p
    return out


@cuda.jit
def accumulator(x, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        s = x[i] * 3.0  # a nonzero start that depends on the input
        k = 0
        while s < 10.0 and k < 50:
            s = s * 1.3 + x[(i + k) % x.shape[0]]
            k += 1
        out[i] += s


def accumulator_cpu(x, out0):
    out = out0.copy()
    for i in range(out.shape[0]):
        s = x[i] * 3.0
        k = 0
        while s < 10.0 and k < 50:
            s = s * 1.3 + x[(i + k) % x.shape[0]]
            k += 1
        out[i] = out[i] + s
    return out


@cuda.jit
def argmax_continue(x, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        best = -1e300
        for k in range(x.shape[1]):
            if x[i, k] < 0.0:
                continue
            if x[i, k] > best:
                best = x[i, k]
        out[i] = best * best


def argmax_continue_cpu(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        best = -1e300
        for k in range(x.shape[1]):
            if x[i, k] < 0.0:
                continue
            if x[i, k] > best:
                best = x[i, k]
        out[i] = best * best
    return out


@cuda.jit
def nested_dynamic(x, n, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        s = 0.0
        for a in range(n[i]):
            t = x[a]
            b = 0
            while b < a:
                t = math.sin(t) * x[b] + 0.5
                b += 1
            s += t
        out[i] = s


def nested_dynamic_cpu(x, n):
    out = np.zeros(n.shape[0])
    for i in range(n.shape[0]):
        s = 0.0
        for a in range(n[i]):
            t = x[a]
            b = 0
            while b < a:
                t = math.sin(t) * x[b] + 0.5
                b += 1
            s += t
        out[i] = s
    return out


@cuda.jit
def grid2d(a, out):
    i, j = cuda.grid(2)
    if i < a.shape[0] and j < a.shape[1]:
        out[i, j] = a[i, j] * a[i, j] * (i + 1.0) - math.cos(a[i, j])


def grid2d_cpu(a):
    out = np.zeros(a.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j] * a[i, j] * (i + 1.0) - math.cos(a[i, j])
    return out


@cuda.jit(device=True)
def poly(x, n):
    s = 0.0
    for k in range(n):
        s = s * x + 1.0 / (k + 1)
    return s

@cuda.jit
def strided(x, w, dt, out):
    start = cuda.grid(1)
    stride = cuda.gridsize(1)
    for i in range(start, x.shape[0], stride):
        if x[i] < 0.0:
            continue
        out[i] = poly(x[i], 4) * w[i % w.shape[0]] * dt

@cuda.jit
def guarded(x, out):
    i = cuda.grid(1)
    if i >= x.shape[0]:
        return
    v = x[i]
    while v > 0.1:
        v = v * 0.5
        if v < 0.3:
            break
    out[i] = v * x[i]

def strided_cpu(x, w, dt):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        if x[i] < 0.0:
            continue
        s = 0.0
        for k in range(4):
            s = s * x[i] + 1.0 / (k + 1)
        out[i] = s * w[i % w.shape[0]] * dt
    return out

def guarded_cpu(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        v = x[i]
        while v > 0.1:
            v = v * 0.5
            if v < 0.3:
                break
        out[i] = v * x[i]
    return out


@cuda.jit
def two_accumulations(x, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        out[i] += x[i] * x[i]
        out[i] -= 3.0 * math.sin(x[i])


def two_accumulations_cpu(x, out0):
    out = out0.copy()
    for i in range(x.shape[0]):
        out[i] = out[i] + x[i] * x[i]
        out[i] = out[i] - 3.0 * math.sin(x[i])
    return out

@cuda.jit
def reads_and_writes(u):
    i = cuda.grid(1)
    if i < u.shape[0] - 1:
        u[i] = u[i + 1] * 2.0


R = np.random.default_rng(7)


def _x(n=N):
    return R.uniform(0.2, 1.2, n)


KERNELS = {
    "stencil": (stencil, stencil_cpu, lambda: ([_x(), np.zeros(N)], [0], 1), (1, 16)),
    "elementwise": (elementwise, elementwise_cpu, lambda: ([_x(), _x(), np.zeros(N)], [0, 1], 2), (2, 8)),
    "gather_scatter": (gather_scatter, gather_scatter_cpu,
                       lambda: ([_x(), np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]), np.zeros(N)], [0], 2), (1, 16)),
    "dynamic_product": (dynamic_product, dynamic_product_cpu,
                        lambda: ([_x(), np.array([0, 1, 2, 5, 12, 7]), np.zeros(6)], [0], 2), (2, 4)),
    "accumulator": (accumulator, accumulator_cpu, lambda: ([_x(), np.full(N, 0.5)], [0, 1], 1), (1, 16)),
    "argmax_continue": (argmax_continue, argmax_continue_cpu,
                        lambda: ([R.uniform(-1.0, 1.0, (5, 7)), np.zeros(5)], [0], 1), (1, 8)),
    "nested_dynamic": (nested_dynamic, nested_dynamic_cpu,
                       lambda: ([_x(), np.array([0, 3, 6, 2, 8]), np.zeros(5)], [0], 2), (1, 8)),
    "strided_device_function": (strided, strided_cpu, lambda: ([np.linspace(-0.5, 2.0, 11), np.array([1.0, 2.0, 3.0]),
                                                                0.1, np.zeros(11)], [0, 1], 3), (2, 2)),
    "guarded_break": (guarded, guarded_cpu, lambda: ([np.linspace(0.2, 3.0, 9), np.zeros(9)], [0], 1), (1, 16)),
    "two_accumulations": (two_accumulations, two_accumulations_cpu, lambda: ([_x(), np.full(N, 0.25)], [0, 1], 1),
                          (1, 16)),
    "grid2d": (grid2d, grid2d_cpu, lambda: ([R.uniform(0.2, 1.2, (3, 5)), np.zeros((3, 5))], [0], 1),
               ((2, 2), (2, 4))),
}


def uses_the_grid(x):
    return x * cuda.grid(1)
