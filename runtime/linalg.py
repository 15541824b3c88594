"""Tangents of NumPy's linear algebra, and the decompositions' outputs, as functions generated code calls
(the adjoints are templates of differentiable NumPy in adc/rules/linalg.py).

Each is `register_jitable`: plain NumPy under CPython, compiled inline under
Numba (whose np.linalg needs SciPy's LAPACK). Shapes: A is (n, n); a
right-hand side b is (n,) or (n, k).
"""
import numpy as np
from numba.extending import register_jitable


@register_jitable
def solve_jvp(x, a, da, db):
    """dx for x = solve(A, b): solve(A, db - dA x)."""
    return np.linalg.solve(a, db - np.dot(da, x))


@register_jitable
def inv_jvp(y, da):
    return -np.dot(np.dot(y, da), y)


@register_jitable
def det_jvp(y, a, da):
    return y * np.trace(np.linalg.solve(a, da))


@register_jitable
def logdet_jvp(a, da):
    return np.trace(np.linalg.solve(a, da))


@register_jitable
def eigvalsh_jvp(a, da):
    """dw_i = v_i^H dA v_i (real for a Hermitian dA)."""
    w, v = np.linalg.eigh(a)
    return np.real(np.sum(np.conj(v) * np.dot(da, v), axis=0))


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
    """g on the diagonal of a matrix of a's shape (square or not)."""
    return g * np.eye(a.shape[0], a.shape[1])


# ---------------------------------------------------------------- decompositions with several outputs, one
# helper per output (adc lowers `w, V = np.linalg.eigh(A)` to one call each: each output has its own adjoint)

@register_jitable
def _gaps(w):
    """F with F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    n = w.shape[0]
    f = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                f[i, j] = 1.0 / (w[j] - w[i])
    return f


@register_jitable
def eigh_vectors(a):
    """V of w, V = eigh(A)."""
    return np.linalg.eigh(a)[1]


@register_jitable
def eigh_vectors_jvp(a, da):
    """dV = V (F * V^H dA V)."""
    w, v = np.linalg.eigh(a)
    return np.dot(v, _gaps(w) * np.dot(np.dot(np.conj(v).T, da), v))


@register_jitable
def _thin_svd(a, full):
    if full and a.shape[0] != a.shape[1]:
        raise ValueError("adc differentiates the thin SVD of a non-square matrix: pass full_matrices=False")
    return np.linalg.svd(a, full_matrices=False)


@register_jitable
def svd_u(a, full):
    return _thin_svd(a, full)[0]


@register_jitable
def svd_s(a, full):
    return _thin_svd(a, full)[1]


@register_jitable
def svd_vt(a, full):
    return _thin_svd(a, full)[2]


@register_jitable
def _svd_gaps(s):
    """F with F[i, j] = 1 / (s[j]^2 - s[i]^2) off the diagonal, 0 on it."""
    return _gaps(s * s)


@register_jitable
def svd_s_jvp(a, da):
    """ds = diag(U^T dA V)."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return np.sum(u * np.dot(da, vt.T), axis=0)


@register_jitable
def svd_u_jvp(a, da):
    """dU = U (F * (P S + S P^T)) + (I - U U^T) dA V S^-1, with P = U^T dA V."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    dav = np.dot(da, vt.T)
    p = np.dot(u.T, dav)
    return np.dot(u, _svd_gaps(s) * (p * s + (p * s).T)) + (dav - np.dot(u, p)) / s


@register_jitable
def svd_vt_jvp(a, da):
    """dVt = dV^T, dV = V (F * (S P + P^T S)) + (I - V V^T) dA^T U S^-1."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    v = vt.T.copy()
    dau = np.dot(da.T, u)
    p = np.dot(u.T, np.dot(da, v))
    sp = (s * p.T).T
    dv = np.dot(v, _svd_gaps(s) * (sp + sp.T)) + (dau - np.dot(v, np.dot(v.T, dau))) / s
    return dv.T.copy()


@register_jitable
def qr_q(a):
    return np.linalg.qr(a)[0]


@register_jitable
def qr_r(a):
    return np.linalg.qr(a)[1]


@register_jitable
def _qr_tangent(a, da):
    """(Q, R, C, Omega): C = Q^T dA R^-1, Omega its antisymmetric part from the strict lower triangle."""
    q, r = np.linalg.qr(a)
    c = np.linalg.solve(r.T, np.dot(q.T, da).T).T.copy()
    omega = np.tril(c, -1) - np.tril(c, -1).T
    return q, r, c, omega


@register_jitable
def qr_q_jvp(a, da):
    """dQ = dA R^-1 - Q (C - Omega)."""
    q, r, c, omega = _qr_tangent(a, da)
    return np.linalg.solve(r.T, da.T).T - np.dot(q, c - omega)


@register_jitable
def qr_r_jvp(a, da):
    """dR = (C - Omega) R."""
    q, r, c, omega = _qr_tangent(a, da)
    return np.dot(c - omega, r)


@register_jitable
def slogdet_sign(a):
    return np.linalg.slogdet(a)[0]


@register_jitable
def logdet(a):
    return np.linalg.slogdet(a)[1]


@register_jitable
def pinv_jvp(p, a, da):
    """dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P."""
    m, n = a.shape
    return (-np.dot(np.dot(p, da), p) + np.dot(np.dot(p, p.T), np.dot(da.T, np.eye(m) - np.dot(a, p)))
            + np.dot(np.eye(n) - np.dot(p, a), np.dot(da.T, np.dot(p.T, p))))


# ---------------------------------------------------------------- np.linalg.norm(x, ord) of a whole vector or matrix

@register_jitable
def norm_1(x):
    return np.linalg.norm(x, 1)


@register_jitable
def norm_neg_1(x):
    return np.linalg.norm(x, -1)


@register_jitable
def norm_inf(x):
    return np.linalg.norm(x, np.inf)


@register_jitable
def norm_neg_inf(x):
    return np.linalg.norm(x, -np.inf)


@register_jitable
def norm_2(x):
    return np.linalg.norm(x, 2)


@register_jitable
def norm_neg_2(x):
    return np.linalg.norm(x, -2)


@register_jitable
def norm_fro(x):
    """ord='fro' (Numba's np.linalg.norm takes no string ord: the 2-norm of the elements)."""
    if x.ndim != 2:
        raise ValueError("Invalid norm order 'fro' for vectors")
    return np.linalg.norm(x)


@register_jitable
def norm_nuc(x):
    """ord='nuc': the sum of the singular values."""
    return np.sum(np.linalg.svd(x, full_matrices=False)[1])


@register_jitable
def norm_p(x, p):
    """ord=p of a vector, as NumPy computes it: sum(|x| ** p) ** (1 / p)."""
    return np.sum(np.abs(x) ** p) ** (1.0 / p)


# ---------------------------------------------------------------- np.linalg.eig of a real matrix
# Its eigenvalues and eigenvectors are complex (NumPy returns real arrays when all are real: here they
# are complex always, so that a derivative has one type). Numba's eig of a real matrix takes only
# matrices of real eigenvalues: these run under CPython (the numba backend falls back, with its warning).

def eigvals(a):
    """w of np.linalg.eig(a), in NumPy's order, complex."""
    return np.linalg.eig(a)[0].astype(np.complex128)


def eig_vectors(a):
    """V of w, V = np.linalg.eig(a): unit columns, complex."""
    return np.linalg.eig(a)[1].astype(np.complex128)


def eig_inv_t(a):
    """inv(V^T) for the eigenvectors V of a."""
    return np.linalg.inv(eig_vectors(a).T)
