"""Linear algebra through the harness, on well-conditioned, symmetric and SPD matrices.

Every case is checked at order 2 as well (Hessian-vector products, on the
python backend).
"""
import autograd.numpy as anp
import numpy as np
import pytest

import adc
from harness import autograd_version, check_grads

R = np.random.default_rng(7)
N = 4
WELL = np.eye(N) * 3.0 + R.uniform(-0.5, 0.5, (N, N))  # well conditioned
B = R.uniform(-1.0, 1.0, N)
B2 = R.uniform(-1.0, 1.0, (N, 2))
_G = R.uniform(-1.0, 1.0, (N, N))
SPD = np.dot(_G, _G.T) + N * np.eye(N)
SYM = (_G + _G.T) * 0.5 + np.diag(np.arange(N) * 2.0)  # symmetric, well-separated eigenvalues


def solve_vec(A, b):
    x = np.linalg.solve(A, b)
    return np.sum(x * x) + np.sum(np.sin(x))


def solve_mat(A, b):
    return np.sum(np.linalg.solve(A, b) ** 2)


def inv_det(A):
    return np.sum(np.linalg.inv(A) * A.T) + np.linalg.det(A) * 0.1


def cholesky_loss(A):
    L = np.linalg.cholesky(A)
    s = 0.0
    for i in range(L.shape[0]):
        s = s + L[i, i] * (i + 1.0)
    return s + np.sum(L * L)


def cholesky_loss_ag(A):
    L = anp.linalg.cholesky(A)
    return anp.sum(anp.diag(L) * anp.arange(1.0, A.shape[0] + 1.0)) + anp.sum(L * L)


def spectrum(A):
    w = np.linalg.eigvalsh(A)
    return np.sum(w * w * w) + w[0] + np.trace(np.dot(A, A))


def spectrum_ag(A):
    w = anp.linalg.eigh(A)[0]
    return anp.sum(w * w * w) + w[0] + anp.trace(anp.dot(A, A))


TALL = R.uniform(-1.0, 1.0, (5, 3)) + np.eye(5, 3) * 2.0
W3 = np.arange(1.0, 4.0)


def eigen_loss(A):
    w, V = np.linalg.eigh(A)
    return np.sum(V ** 4 * np.arange(1.0, N + 1.0)) + w[-1] * w[0]


def svd_loss(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return np.sum(U ** 4 * W3) + np.sum(s ** 3) + np.sum(Vt ** 4 * W3[:, None])


def qr_loss(A):
    Q, R = np.linalg.qr(A)
    return np.sum(Q * np.sin(A)) + np.sum(R ** 3)


def qr_loss_ag(A):
    """qr_loss with Gram-Schmidt QR (autograd has no qr rule), signed as LAPACK signs R's diagonal."""
    d = np.sign(np.diag(np.linalg.qr(TALL)[1]))
    cols, rows = [], []
    for j in range(A.shape[1]):
        r = [anp.dot(q, A[:, j]) for q in cols]
        v = A[:, j] - sum(rk * q for rk, q in zip(r, cols)) if cols else A[:, j]
        nv = anp.sqrt(anp.dot(v, v))
        cols.append(v / nv)
        rows.append(anp.concatenate([anp.array(r), anp.array([nv]), anp.zeros(A.shape[1] - j - 1)]) if r
                    else anp.concatenate([anp.array([nv]), anp.zeros(A.shape[1] - 1)]))
    Q, R = anp.stack(cols, axis=1) * d, anp.stack(rows, axis=1) * d[:, None]
    return anp.sum(Q * anp.sin(A)) + anp.sum(R ** 3)


def slogdet_loss(A):
    sign, logdet = np.linalg.slogdet(A)
    return sign * logdet + np.linalg.slogdet(A)[1] ** 2


def pinv_loss(A):
    return np.sum(np.linalg.pinv(A) ** 2 * np.arange(15.0).reshape(3, 5))


CASES = [
    (solve_vec, (WELL, B), (0, 1), None, False),
    (solve_mat, (WELL, B2), (0, 1), None, False),
    (inv_det, (WELL,), 0, None, False),
    (cholesky_loss, (SPD,), 0, cholesky_loss_ag, True),
    (spectrum, (SYM,), 0, spectrum_ag, True),
    (eigen_loss, (SYM,), 0, None, True),
    (svd_loss, (TALL,), 0, None, False),
    (qr_loss, (TALL,), 0, qr_loss_ag, False),
    (slogdet_loss, (WELL,), 0, None, False),
    (pinv_loss, (TALL,), 0, None, False),
]

@pytest.mark.parametrize("f,args,wrt,ag,symmetric", CASES, ids=[c[0].__name__ for c in CASES])
def test_linalg(f, args, wrt, ag, symmetric):
    if symmetric:
        # a derivative with respect to a symmetric matrix: compare along symmetric directions only
        f, args, wrt, ag = lambda_sym(f), (args[0],), 0, lambda_sym(ag or autograd_version(f))
    check_grads(f, args, wrt=wrt, ag=ag, order=1)
    # Hessian-vector products on the python backend only: Numba compiles of linear algebra are slow,
    # and the order-1 checks above already compile these rules under Numba
    check_grads(f, args, wrt=wrt, ag=ag, order=2, backends=("python",))


def lambda_sym(f):
    """f on the symmetric part of its argument, so that finite differences stay symmetric."""
    def g(A):
        return f(0.5 * (A + A.T))
    g.inner = f
    return g
