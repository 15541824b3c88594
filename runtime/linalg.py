"""Adjoints and tangents of NumPy's linear algebra, as functions generated code calls.

Each is `register_jitable`: plain NumPy under CPython, compiled inline under
Numba (whose np.linalg needs SciPy's LAPACK). Shapes: A is (n, n); a
right-hand side b is (n,) or (n, k).
"""
import numpy as np
from numba.extending import register_jitable


@register_jitable
def solve_vjp_a(g, x, a):
    """A_bar for x = solve(A, b): -solve(A.T, g) x^T."""
    bb = np.linalg.solve(a.T.copy(), g)
    if x.ndim == 1:
        return -np.outer(bb, x)
    return -np.dot(bb, x.T)


@register_jitable
def solve_vjp_b(g, a):
    """b_bar for x = solve(A, b): solve(A.T, g)."""
    return np.linalg.solve(a.T.copy(), g)


@register_jitable
def solve_jvp(x, a, da, db):
    """dx for x = solve(A, b): solve(A, db - dA x)."""
    return np.linalg.solve(a, db - np.dot(da, x))


@register_jitable
def inv_vjp(g, y):
    """A_bar for Y = inv(A): -Y^T g Y^T."""
    yt = y.T.copy()
    return -np.dot(np.dot(yt, g), yt)


@register_jitable
def inv_jvp(y, da):
    return -np.dot(np.dot(y, da), y)


@register_jitable
def det_vjp(g, y, a):
    """A_bar for y = det(A): g y inv(A)^T."""
    return g * y * np.linalg.inv(a).T.copy()


@register_jitable
def det_jvp(y, a, da):
    return y * np.trace(np.linalg.solve(a, da))


@register_jitable
def logdet_vjp(g, a):
    """A_bar for y = log|det(A)|: g inv(A)^T."""
    return g * np.linalg.inv(a).T.copy()


@register_jitable
def logdet_jvp(a, da):
    return np.trace(np.linalg.solve(a, da))


@register_jitable
def eigvalsh_vjp(g, a):
    """A_bar for w = eigvalsh(A) (distinct eigenvalues): V diag(g) V^T."""
    w, v = np.linalg.eigh(a)
    return np.dot(v * g, v.T)


@register_jitable
def eigvalsh_jvp(a, da):
    """dw_i = v_i^T dA v_i."""
    w, v = np.linalg.eigh(a)
    return np.sum(v * np.dot(da, v), axis=0)


@register_jitable
def cholesky_vjp(g, l):
    """A_bar for L = cholesky(A), symmetric: L^-T Phi(L^T g) L^-1, symmetrised."""
    n = l.shape[0]
    p = np.dot(l.T, g)
    for i in range(n):
        p[i, i] *= 0.5
        for j in range(i + 1, n):
            p[i, j] = 0.0
    li = np.linalg.inv(l)
    s = np.dot(np.dot(li.T, p), li)
    return 0.5 * (s + s.T)


@register_jitable
def cholesky_jvp(l, da):
    """dL = L Phi(L^-1 dA L^-T)."""
    n = l.shape[0]
    li = np.linalg.inv(l)
    m = np.dot(np.dot(li, da), li.T)
    for i in range(n):
        m[i, i] *= 0.5
        for j in range(i + 1, n):
            m[i, j] = 0.0
    return np.dot(l, m)


@register_jitable
def trace_vjp(g, a):
    return g * np.eye(a.shape[0])
