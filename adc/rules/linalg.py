"""Rules for np.linalg and np.trace.

Every adjoint is written with differentiable NumPy calls (and the rules of
the decompositions themselves), so Hessian-vector products (forward over
reverse) go through all of them; the tangents call helpers in
adc_runtime.linalg.

At points where a derivative is undefined, adc does what NumPy and autograd
do: `eigvalsh` assumes distinct eigenvalues (repeated ones give a
derivative that depends on the eigenbasis LAPACK returns), `det`, `inv` and
`solve` assume an invertible matrix (a singular one raises LinAlgError),
`cholesky` a symmetric positive-definite one; `eigh` (eigenvectors) distinct
eigenvalues, `svd` distinct nonzero singular values (and the thin SVD,
full_matrices=False, of a non-square matrix), `qr` a matrix of full column
rank with at least as many rows as columns, `pinv` a matrix of full rank.
Eigenvectors and singular vectors are defined up to sign: their derivative
follows the sign LAPACK returns, as in NumPy and autograd. `eigvalsh` and
`eigh` take complex Hermitian matrices too (autograd's convention; the
eigenvectors' phases are arbitrary, so only losses that do not see them
have a derivative). `eig` and `eigvals` take real square matrices with
distinct eigenvalues, and give complex eigenvalues and eigenvectors (the
same phase caveat); `norm` with `ord=` follows the largest elements, row or
column sums, or singular values, sharing a tie equally.
"""
import numpy as np

import adc_runtime as rt
import adc_runtime.linalg as la

from ..errors import AdcTypeError
from .core import HOLOMORPHIC, OWN, REAL, complex_rules, defrule, float_of, inexact, jvp, vjp
from ..ir import I64, T


def _square(a):
    if a.ndim != 2:
        raise AdcTypeError("this np.linalg function takes a square 2-D array")
    return a


_MATRIX = lambda a, *rest: (2,) + (None,) * len(rest)  # noqa: E731  a matrix; on stacks of them, batched


defrule("np.linalg.solve", np.linalg.solve, typer=lambda a, b: T(float_of(a, b), b.ndim),
        core=lambda a, b: (2, 1 if b.ndim == 1 else 2))


@vjp("np.linalg.solve", when=lambda a, b: b.ndim == 1)
def _(g, y, a, b):
    b_bar = np.linalg.solve(a.T, g)
    return -np.outer(b_bar, y), b_bar


@vjp("np.linalg.solve", when=lambda a, b: b.ndim == 2)
def _(g, y, a, b):
    b_bar = np.linalg.solve(a.T, g)
    return -np.dot(b_bar, y.T), b_bar


jvp("np.linalg.solve")(lambda y, a, b, da, db: (la.solve_jvp(y, a, da, np.zeros_like(b)), la.solve_jvp(y, a, np.zeros_like(a), db)))

defrule("np.linalg.inv", np.linalg.inv, typer=lambda a: _square(a), core=_MATRIX)
vjp("np.linalg.inv")(lambda g, y, a: -np.dot(np.dot(y.T, g), y.T))
jvp("np.linalg.inv")(lambda y, a, da: la.inv_jvp(y, da))

defrule("np.linalg.det", np.linalg.det, typer=inexact, core=_MATRIX)
vjp("np.linalg.det")(lambda g, y, a: g * y * np.linalg.inv(a).T)
jvp("np.linalg.det")(lambda y, a, da: la.det_jvp(y, a, da))

defrule("np.linalg.eigvalsh", np.linalg.eigvalsh, typer=lambda a: T("float64", 1), core=_MATRIX)


@vjp("np.linalg.eigvalsh")
def _(g, y, a):
    """conj(V) diag(g) V^T: real symmetric or complex Hermitian A (autograd's complex convention)."""
    v = la.eigh_vectors(a)
    return np.dot(np.conj(v) * g, v.T)


jvp("np.linalg.eigvalsh")(lambda y, a, da: la.eigvalsh_jvp(a, da))

defrule("np.linalg.cholesky", np.linalg.cholesky, typer=lambda a: _square(a), core=_MATRIX)
jvp("np.linalg.cholesky")(lambda y, a, da: la.cholesky_jvp(y, da))


@vjp("np.linalg.cholesky")
def _(g, y, a):
    """L^-T Phi(L^T g) L^-1, symmetrised; Phi keeps the lower triangle and halves the diagonal."""
    p = np.dot(y.T, g)
    li = np.linalg.inv(y)
    s = np.dot(np.dot(li.T, np.tril(p) - 0.5 * np.diag(np.diag(p))), li)
    return 0.5 * (s + s.T)


defrule("np.trace", np.trace, typer=inexact)
vjp("np.trace")(lambda g, y, a: la.trace_vjp(g, a))
jvp("np.trace")(lambda y, a, da: np.trace(da))

# decompositions: `lower` spells `w, V = np.linalg.eigh(A)` as one call per output (see passes/lower/npcalls.py)

def _gaps(w):
    """F with F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    n = w.shape[0]
    e = np.eye(n)
    return (1.0 - e) / (np.outer(np.ones(n), w) - np.outer(w, np.ones(n)) + e)


defrule("la.eigh_vectors", la.eigh_vectors, typer=lambda a: _square(a), shown="np.linalg.eigh", core=_MATRIX)
vjp("la.eigh_vectors")(lambda g, y, a: np.dot(np.dot(np.conj(y), _gaps(np.linalg.eigvalsh(a)) * np.dot(y.T, g)), y.T))
jvp("la.eigh_vectors")(lambda y, a, da: la.eigh_vectors_jvp(a, da))

defrule("la.svd_u", la.svd_u, typer=lambda a, full: T("float64", 2), shown="np.linalg.svd", core=_MATRIX)
defrule("la.svd_s", la.svd_s, typer=lambda a, full: T("float64", 1), shown="np.linalg.svd", core=_MATRIX)
defrule("la.svd_vt", la.svd_vt, typer=lambda a, full: T("float64", 2), shown="np.linalg.svd", core=_MATRIX)
vjp("la.svd_s")(lambda g, y, a, full: (np.dot(la.svd_u(a, full) * g, la.svd_vt(a, full)), 0))


@vjp("la.svd_u")
def _(g, y, a, full):
    """U (F * (U^T g - g^T U)) S V^T + (I - U U^T) g S^-1 V^T, F from the squared singular values."""
    s, vt = la.svd_s(a, full), la.svd_vt(a, full)
    j = _gaps(s * s) * (np.dot(y.T, g) - np.dot(g.T, y))
    return np.dot(np.dot(y, j * s), vt) + np.dot((g - np.dot(y, np.dot(y.T, g))) / s, vt), 0


@vjp("la.svd_vt")
def _(g, y, a, full):
    """U S (F * (V^T g^T - g V)) V^T + U S^-1 g (I - V V^T)."""
    u, s = la.svd_u(a, full), la.svd_s(a, full)
    k = _gaps(s * s) * (np.dot(y, g.T) - np.dot(g, y.T))
    inner = np.dot(np.dot(u, (s * k.T).T), y)
    return inner + np.dot(u, (g - np.dot(np.dot(g, y.T), y)) / np.expand_dims(s, 1)), 0


jvp("la.svd_u")(lambda y, a, full, da, dfull: (la.svd_u_jvp(a, da), 0))
jvp("la.svd_s")(lambda y, a, full, da, dfull: (la.svd_s_jvp(a, da), 0))
jvp("la.svd_vt")(lambda y, a, full, da, dfull: (la.svd_vt_jvp(a, da), 0))


def _copyltu(m):
    """The symmetric matrix with m's lower triangle."""
    return np.tril(m, -1) + np.tril(m, -1).T + np.diag(np.diag(m))


defrule("la.qr_q", la.qr_q, typer=lambda a: T("float64", 2), shown="np.linalg.qr", core=_MATRIX)
defrule("la.qr_r", la.qr_r, typer=lambda a: T("float64", 2), shown="np.linalg.qr", core=_MATRIX)
# A = QR with at least as many rows as columns: A_bar = (gQ + Q copyltu(M)) R^-T
vjp("la.qr_q")(lambda g, y, a: np.linalg.solve(la.qr_r(a), (g + np.dot(y, _copyltu(-np.dot(g.T, y)))).T).T)
vjp("la.qr_r")(lambda g, y, a: np.linalg.solve(y, np.dot(la.qr_q(a), _copyltu(np.dot(y, g.T))).T).T)
jvp("la.qr_q")(lambda y, a, da: la.qr_q_jvp(a, da))
jvp("la.qr_r")(lambda y, a, da: la.qr_r_jvp(a, da))
defrule("la.slogdet_sign", la.slogdet_sign, typer=lambda a: T("float64"), nondiff=True, complex=REAL,
        shown="np.linalg.slogdet", core=_MATRIX)  # the sign of a complex determinant is a phase, not piecewise constant
defrule("la.logdet", la.logdet, typer=lambda a: T("float64"), shown="np.linalg.slogdet", core=_MATRIX)
vjp("la.logdet")(lambda g, y, a: g * np.linalg.inv(a).T)
jvp("la.logdet")(lambda y, a, da: la.logdet_jvp(a, da))
defrule("np.linalg.pinv", np.linalg.pinv, typer=lambda a: T("float64", 2), core=_MATRIX)
jvp("np.linalg.pinv")(lambda y, a, da: la.pinv_jvp(y, a, da))


@vjp("np.linalg.pinv")
def _(g, y, a):
    """-P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A), for P = pinv(A) of full rank."""
    pt = y.T
    return (-np.dot(np.dot(pt, g), pt) + np.dot(np.dot(np.eye(a.shape[0]) - np.dot(a, y), g.T), np.dot(y, pt))
            + np.dot(np.dot(pt, y), np.dot(g.T, np.eye(a.shape[1]) - np.dot(y, a))))


# np.linalg.norm(x, ord) without axis=: a vector norm of a 1-D x, a matrix norm of a 2-D one (as NumPy
# reads it; a stack of matrices takes axis=(-2, -1)). Real arrays; ties share the derivative equally.
def _ord_of(name, *ranks):
    def typer(x, *p):
        if x.ndim not in ranks:
            raise AdcTypeError(f"np.linalg.norm with ord={name} takes arrays of {' or '.join(map(str, ranks))} "
                               f"dimensions, not {x} (NumPy raises); pass axis= for a stack of vectors or matrices")
        return T("float64")
    return typer


def _VECTOR(x):
    return x.ndim == 1


def _ties(c, y):
    """1 / (the number of ties) where c attains the extreme y, else 0."""
    return (c == y) / np.sum(c == y)


for _key, _name in (("la.norm_1", "1"), ("la.norm_neg_1", "-1"), ("la.norm_inf", "inf"), ("la.norm_neg_inf", "-inf"),
                    ("la.norm_2", "2"), ("la.norm_neg_2", "-2")):
    defrule(_key, getattr(la, _key[3:]), typer=_ord_of(_name, 1, 2), shown="np.linalg.norm")
defrule("la.norm_fro", la.norm_fro, typer=_ord_of("'fro'", 2), shown="np.linalg.norm")
defrule("la.norm_nuc", la.norm_nuc, typer=_ord_of("'nuc'", 2), shown="np.linalg.norm")
defrule("la.norm_p", la.norm_p, typer=_ord_of("p", 1), shown="np.linalg.norm")

# the gradients: of a vector's p-norm sign(x) (|x| / y)^(p - 1) (ord -1 and -2 of a vector are p-norms);
# the max-norms follow the largest elements (of a matrix, its largest column or row sums); ord 2 of a
# matrix is its largest singular value, of gradient u v^T from its singular vectors (-2: the smallest)
def _p_grad(y, x, p):
    return np.sign(x) * (np.abs(x) / y) ** (p - 1.0)


def _columns_grad(y, x):
    return np.sign(x) * _ties(rt.sum_axis(np.abs(x), 0), y)


def _rows_grad(y, x):
    return np.sign(x) * rt.expand_axis(_ties(rt.sum_axis(np.abs(x), 1), y), 1)


def _spectral_grad(x, k):
    return np.outer(la.svd_u(x, False)[:, k], la.svd_vt(x, False)[k])


vjp("la.norm_1", when=_VECTOR)(lambda g, y, x: g * np.sign(x))
jvp("la.norm_1", when=_VECTOR)(lambda y, x, dx: np.sum(np.sign(x) * dx))
vjp("la.norm_neg_1", when=_VECTOR)(lambda g, y, x: g * _p_grad(y, x, -1.0))
jvp("la.norm_neg_1", when=_VECTOR)(lambda y, x, dx: np.sum(_p_grad(y, x, -1.0) * dx))
vjp("la.norm_2", when=_VECTOR)(lambda g, y, x: g * x / y)
jvp("la.norm_2", when=_VECTOR)(lambda y, x, dx: np.sum(x * dx) / y)
vjp("la.norm_neg_2", when=_VECTOR)(lambda g, y, x: g * _p_grad(y, x, -2.0))
jvp("la.norm_neg_2", when=_VECTOR)(lambda y, x, dx: np.sum(_p_grad(y, x, -2.0) * dx))
for _key in ("la.norm_inf", "la.norm_neg_inf"):
    vjp(_key, when=_VECTOR)(lambda g, y, x: g * np.sign(x) * _ties(np.abs(x), y))
    jvp(_key, when=_VECTOR)(lambda y, x, dx: np.sum(np.sign(x) * _ties(np.abs(x), y) * dx))
    vjp(_key)(lambda g, y, x: g * _rows_grad(y, x))
    jvp(_key)(lambda y, x, dx: np.sum(_rows_grad(y, x) * dx))
for _key in ("la.norm_1", "la.norm_neg_1"):
    vjp(_key)(lambda g, y, x: g * _columns_grad(y, x))
    jvp(_key)(lambda y, x, dx: np.sum(_columns_grad(y, x) * dx))
vjp("la.norm_2")(lambda g, y, x: g * _spectral_grad(x, 0))
jvp("la.norm_2")(lambda y, x, dx: np.sum(_spectral_grad(x, 0) * dx))
vjp("la.norm_neg_2")(lambda g, y, x: g * _spectral_grad(x, -1))
jvp("la.norm_neg_2")(lambda y, x, dx: np.sum(_spectral_grad(x, -1) * dx))
vjp("la.norm_fro")(lambda g, y, x: g * x / y)
jvp("la.norm_fro")(lambda y, x, dx: np.sum(x * dx) / y)
vjp("la.norm_nuc")(lambda g, y, x: g * np.dot(la.svd_u(x, False), la.svd_vt(x, False)))
jvp("la.norm_nuc")(lambda y, x, dx: np.sum(np.dot(la.svd_u(x, False), la.svd_vt(x, False)) * dx))
vjp("la.norm_p")(lambda g, y, x, p: (g * np.sign(x) * (np.abs(x) / y) ** (p - 1.0), 0))
jvp("la.norm_p")(lambda y, x, p, dx, dp: (np.sum(np.sign(x) * (np.abs(x) / y) ** (p - 1.0) * dx), 0))


# np.linalg.eig and eigvals of a real matrix (complex results), distinct eigenvalues: with V^-T = inv(V^T)
# and F from the eigenvalues' gaps, A_bar = Re(V^-T (diag(w_bar) + F * (V^T V_bar) - F * (V^T conj(V)
# diag(Re(V^T V_bar)))) V^T), the last term from the unit norm of each eigenvector (autograd's adjoint);
# dw = diag(V^-1 dA V), dV = V C - V diag(Re(V^H V C)) for C = F * (V^-1 dA V). Eigenvectors are defined
# up to a complex phase: only losses that do not see it (abs(V), w) have a derivative.
def _real_square(a):
    if a.ndim != 2 or a.dtype == "complex128":
        raise AdcTypeError(f"np.linalg.eig and eigvals take a real square 2-D array here, not {a}")
    return T("complex128", 1)


defrule("la.eigvals", np.linalg.eigvals, la.eigvals, typer=_real_square, shown="np.linalg.eigvals")
defrule("la.eig_vectors", la.eig_vectors, typer=lambda a: T("complex128", _real_square(a).ndim + 1),
        shown="np.linalg.eig")
defrule("la.eig_inv_t", la.eig_inv_t, typer=lambda a: T("complex128", _real_square(a).ndim + 1), shown="np.linalg.eig")


def _eig_back(a, inner):
    """Re(V^-T inner V^T) of the eigenvectors V of a."""
    return np.real(np.dot(np.dot(la.eig_inv_t(a), inner), la.eig_vectors(a).T))


def _eig_tangent(a, da):
    """V^-1 dA V."""
    return np.dot(np.dot(la.eig_inv_t(a).T, da), la.eig_vectors(a))


vjp("la.eigvals")(lambda g, y, a: _eig_back(a, np.diag(g)))
jvp("la.eigvals")(lambda y, a, da: np.diag(_eig_tangent(a, da)))


@vjp("la.eig_vectors")
def _(g, y, a):
    f = _gaps(la.eigvals(a))
    p = np.dot(y.T, g)
    return _eig_back(a, f * p - f * np.dot(np.dot(y.T, np.conj(y)), np.real(p) * np.eye(a.shape[0])))


def _eig_vectors_tangent(v, a, da):
    c = np.dot(v, _gaps(la.eigvals(a)) * _eig_tangent(a, da))
    return c - v * np.real(rt.sum_axis(np.conj(v) * c, 0))


jvp("la.eig_vectors")(lambda y, a, da: _eig_vectors_tangent(y, a, da))
jvp("la.eig_inv_t")(lambda y, a, da: -np.dot(np.dot(y, _eig_vectors_tangent(la.eig_vectors(a), a, da).T), y))


_HELPER_RANKS = {  # rank of each helper's result, from its arguments' types
    "solve_jvp": lambda x, *t: x.ndim, "inv_jvp": lambda *t: 2, "det_jvp": lambda *t: 0, "logdet_jvp": lambda *t: 0,
    "eigvalsh_jvp": lambda *t: 1, "cholesky_jvp": lambda *t: 2, "trace_vjp": lambda *t: 2,
    "eigh_vectors_jvp": lambda *t: 2, "svd_u_jvp": lambda *t: 2, "svd_s_jvp": lambda *t: 1,
    "svd_vt_jvp": lambda *t: 2, "qr_q_jvp": lambda *t: 2, "qr_r_jvp": lambda *t: 2, "pinv_jvp": lambda *t: 2,
}
_REAL_HELPERS = ("eigvalsh_jvp", "svd_s_jvp")  # eigenvalues and singular values are real
for _helper, _rank in _HELPER_RANKS.items():
    defrule("la." + _helper, getattr(la, _helper),
            typer=lambda *t, _rank=_rank, _real=_helper in _REAL_HELPERS: T("float64" if _real else float_of(*t), _rank(*t)),
            linear=_helper == "trace_vjp")  # g * I: linear in g, reads only the shape of A

# batched calls (the batch pass): the result of a stack allocated from its first slice's; stacks' lengths agree
defrule("rt.batch_empty", rt.batch_empty, typer=lambda n, first: T(first.dtype, first.ndim + 1), nondiff=True)
defrule("rt.batch_length", rt.batch_length, typer=lambda *ns: I64, nondiff=True, pure=False)
defrule("rt.index_array", rt.index_array, typer=lambda *ns: T("int64", 1), nondiff=True, shown="a list of indices")

# complex matrices: solve, inv, det and trace are holomorphic; eigvalsh and eigh take Hermitian ones
# (their templates conjugate); cholesky, svd, qr, pinv and slogdet refuse them
complex_rules(HOLOMORPHIC, "np.linalg.solve", "np.linalg.inv", "np.linalg.det", "np.trace", "la.solve_jvp",
              "la.inv_jvp", "la.det_jvp")
complex_rules(OWN, "np.linalg.eigvalsh", "la.eigh_vectors", "la.eigvalsh_jvp", "la.eigh_vectors_jvp")
