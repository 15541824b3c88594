"""Workload 3: ADBench's Gaussian mixture model objective, in two sources.

`gmm_loops` is written the way ADBench's reference implementations are
(loops over points, components and dimensions); `gmm_vector` is the same
objective in vectorised NumPy. Parameters as in ADBench: `alphas` (k,),
`means` (k, d), `icf` (k, d(d+1)/2): the log of the diagonal of each inverse
covariance factor, then its strictly lower triangle column by column; a
Wishart prior with gamma = 1 and m = 0. `hand_adjoint` is a hand-written
Numba adjoint of the loop source: the practical limit.
"""
import math

import numba
import numpy as np


def gmm_loops(alphas, means, icf, x, gamma, m):
    n, d = x.shape
    k = alphas.shape[0]
    main = np.zeros(k)
    slse = 0.0
    for i in range(n):
        for c in range(k):
            sq = 0.0
            for r in range(d):
                lz = math.exp(icf[c, r]) * (x[i, r] - means[c, r])
                idx = d + r - 1
                for j in range(r):
                    lz += icf[c, idx] * (x[i, j] - means[c, j])
                    idx += d - j - 2
                sq += lz * lz
            sumq = 0.0
            for r in range(d):
                sumq += icf[c, r]
            main[c] = alphas[c] + sumq - 0.5 * sq
        slse += logsumexp(main)
    prior = 0.0
    for c in range(k):
        for r in range(d):
            prior += 0.5 * gamma * gamma * math.exp(2.0 * icf[c, r]) - m * icf[c, r]
        for j in range(d, icf.shape[1]):
            prior += 0.5 * gamma * gamma * icf[c, j] * icf[c, j]
    return slse - n * logsumexp(alphas) + prior - n * d * 0.5 * math.log(2.0 * math.pi)


@numba.njit(cache=True)  # adc inlines the Python source of a Numba function it calls
def logsumexp(v):
    top = v[0]
    for c in range(1, v.shape[0]):
        top = max(top, v[c])
    s = 0.0
    for c in range(v.shape[0]):
        s += math.exp(v[c] - top)
    return top + math.log(s)


def gmm_vector(alphas, means, icf, x, gamma, m, E):
    """`E` places the strictly lower entries of icf in a flattened d x d matrix (see `placement`)."""
    n, d = x.shape
    k = alphas.shape[0]
    q = np.exp(icf[:, :d])
    sumq = np.sum(icf[:, :d], axis=1)
    mains = np.zeros((n, k))
    for c in range(k):
        L = np.reshape(np.dot(icf[c, d:], E), (d, d))
        xc = x - means[c]
        lx = xc * q[c] + np.dot(xc, L.T)
        mains[:, c] = alphas[c] + sumq[c] - 0.5 * np.sum(lx * lx, axis=1)
    top = np.max(mains, axis=1)
    total = np.sum(top + np.log(np.sum(np.exp(mains - top[:, None]), axis=1)))
    atop = np.max(alphas)
    lse_alpha = atop + np.log(np.sum(np.exp(alphas - atop)))
    prior = 0.5 * gamma * gamma * (np.sum(q * q) + np.sum(icf[:, d:] ** 2)) - m * np.sum(sumq)
    return total - n * lse_alpha + prior - n * d * 0.5 * np.log(2.0 * np.pi)


def gmm_vector_batched(alphas, means, icf, x, gamma, m, E):
    """The vectorised objective as autograd and JAX users write it: all components at once, with
    3-D arrays and einsum (`np` is autograd's or JAX's NumPy when those run it)."""
    n, d = x.shape
    k = alphas.shape[0]
    q = np.exp(icf[:, :d])
    sumq = np.sum(icf[:, :d], axis=1)
    Ls = np.reshape(np.dot(icf[:, d:], E), (k, d, d))
    xc = x[:, None, :] - means[None, :, :]
    lx = xc * q[None, :, :] + np.einsum("nkj,kij->nki", xc, Ls)
    mains = alphas + sumq - 0.5 * np.sum(lx * lx, axis=2)
    top = np.max(mains, axis=1)
    total = np.sum(top + np.log(np.sum(np.exp(mains - top[:, None]), axis=1)))
    atop = np.max(alphas)
    lse_alpha = atop + np.log(np.sum(np.exp(alphas - atop)))
    prior = 0.5 * gamma * gamma * (np.sum(q * q) + np.sum(icf[:, d:] ** 2)) - m * np.sum(sumq)
    return total - n * lse_alpha + prior - n * d * 0.5 * np.log(2.0 * np.pi)


def placement(d):
    """E with (icf[c, d:] @ E).reshape(d, d) = the strictly lower triangle, in ADBench's column order."""
    pairs = [(r, c) for c in range(d) for r in range(c + 1, d)]
    E = np.zeros((len(pairs), d * d))
    for j, (r, c) in enumerate(pairs):
        E[j, r * d + c] = 1.0
    return E


gmm_numba = numba.njit(cache=True)(gmm_loops)


@numba.njit(cache=True)
def hand_adjoint(alphas, means, icf, x, gamma, m):
    """(value, d alphas, d means, d icf) of gmm_loops, written by hand."""
    n, d = x.shape
    k = alphas.shape[0]
    da, dmu, dicf = np.zeros(k), np.zeros((k, d)), np.zeros(icf.shape)
    main, q = np.zeros(k), np.exp(icf[:, :d])
    lz, xc, u = np.zeros((k, d)), np.zeros((k, d)), np.zeros(d)
    slse = 0.0
    for i in range(n):
        for c in range(k):
            sq = 0.0
            for r in range(d):
                xc[c, r] = x[i, r] - means[c, r]
            for r in range(d):
                v = q[c, r] * xc[c, r]
                idx = d + r - 1
                for j in range(r):
                    v += icf[c, idx] * xc[c, j]
                    idx += d - j - 2
                lz[c, r] = v
                sq += v * v
            main[c] = alphas[c] + np.sum(icf[c, :d]) - 0.5 * sq
        top = np.max(main)
        w = np.exp(main - top)
        s = np.sum(w)
        slse += top + math.log(s)
        w /= s
        for c in range(k):  # d main[c] = w[c]
            da[c] += w[c]
            for r in range(d):
                dicf[c, r] += w[c]
                u[r] = -w[c] * lz[c, r]
            for r in range(d):
                dicf[c, r] += u[r] * xc[c, r] * q[c, r]
                dmu[c, r] -= q[c, r] * u[r]
                idx = d + r - 1
                for j in range(r):
                    dicf[c, idx] += u[r] * xc[c, j]
                    dmu[c, j] -= icf[c, idx] * u[r]
                    idx += d - j - 2
    top = np.max(alphas)
    wa = np.exp(alphas - top)
    sa = np.sum(wa)
    da -= n * wa / sa
    prior = 0.0
    for c in range(k):
        for r in range(d):
            prior += 0.5 * gamma * gamma * q[c, r] * q[c, r] - m * icf[c, r]
            dicf[c, r] += gamma * gamma * q[c, r] * q[c, r] - m
        for j in range(d, icf.shape[1]):
            prior += 0.5 * gamma * gamma * icf[c, j] * icf[c, j]
            dicf[c, j] += gamma * gamma * icf[c, j]
    value = slse - n * (top + math.log(sa)) + prior - n * d * 0.5 * math.log(2.0 * math.pi)
    return value, da, dmu, dicf


def args(quick):
    """ADBench's sizes d=10, k=25, n=1000 (quick: n=100); random, fixed seed; gamma=1, m=0."""
    rng = np.random.default_rng(5)
    d, k, n = 10, 25, 100 if quick else 1000
    alphas = rng.standard_normal(k)
    means = rng.uniform(0.0, 1.0, (k, d))
    icf = rng.uniform(0.0, 1.0, (k, d * (d + 1) // 2)) * 0.5
    x = rng.uniform(0.0, 1.0, (n, d))
    return alphas, means, icf, x, 1.0, 0.0
