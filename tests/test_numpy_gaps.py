"""NumPy forms people write that adc once refused: reductions over a tuple of axes, np.squeeze with
a tuple of axes, np.array of arrays, np.einsum with an ellipsis or the implicit output, np.tensordot
with lists of axes, np.linalg.norm with ord=, np.linalg.eig and eigvals; each through the one
harness (python backend, a Numba family per kind at the end), and the clear errors of what stays
refused."""
import warnings

import autograd.numpy as anp
import numpy as np
import pytest

import adc
from harness import check_grads, check_vjp

R = np.random.default_rng(21)
V = R.normal(size=4)
M = R.normal(size=(3, 4))
S = R.normal(size=(2, 3, 4))
T = R.normal(size=(2, 4, 3))
POS = R.uniform(0.5, 1.5, (2, 3, 4))  # prod's derivative divides by x
PY = ("python",)


# ---------------------------------------------------------------- reductions over a tuple of axes

def tuple_axes(x):
    return (np.sum(np.sum(x, axis=(0, 2)) ** 2) + np.sum(np.mean(x, axis=(2, 0), keepdims=True) * x)
            + np.sum(np.prod(x, axis=(0, -1))) + np.sum(np.max(x * x, axis=(1, 2))) + np.sum(np.min(x, axis=(-3, -1), keepdims=True))
            + np.sum(np.var(x, axis=(0, 2))) + np.sum(np.std(x, axis=(0, 1), ddof=1, keepdims=True) * x)
            + np.sum(np.linalg.norm(x, axis=(0, 2))) + np.sum(x * x, axis=(0, 1, 2)) + np.sum(x.sum(axis=(2, 1)) ** 3))


def tuple_axes_ag(x):
    return (anp.sum(anp.sum(x, axis=(0, 2)) ** 2) + anp.sum(anp.mean(x, axis=(2, 0), keepdims=True) * x)
            + anp.sum(anp.prod(x, axis=(0, -1))) + anp.sum(anp.max(x * x, axis=(1, 2))) + anp.sum(anp.min(x, axis=(-3, -1), keepdims=True))
            + anp.sum(anp.var(x, axis=(0, 2))) + anp.sum(anp.std(x, axis=(0, 1), ddof=1, keepdims=True) * x)
            + anp.sum(anp.sqrt(anp.sum(x * x, axis=(0, 2)))) + anp.sum(x * x, axis=(0, 1, 2)) + anp.sum(anp.sum(x, axis=(2, 1)) ** 3))


def test_reductions_over_a_tuple_of_axes():
    check_grads(tuple_axes, (POS,), ag=tuple_axes_ag, backends=PY)


def test_a_reduction_over_a_tuple_of_axes_with_an_array_output():
    check_vjp(lambda x: np.sum(x * x, axis=(0, 2)) + np.mean(x, axis=(-1, -3)), (S,), backends=PY)


def test_a_complex_spread_over_a_tuple_of_axes():
    z = S + 1j * R.normal(size=S.shape)
    check_grads(lambda z: np.sum(np.var(z, axis=(0, 2))) + np.sum(np.std(z, axis=(1, 0))), (z,), backends=PY, order=1)


def _twice(x):
    return np.sum(np.sum(x, axis=(0, -3)))


def _too_many(x):
    return np.sum(np.sum(x, axis=(0, 1, 2)))


def test_a_tuple_of_axes_naming_one_twice_or_too_many():
    with pytest.raises(ValueError, match="duplicate value"):
        adc.grad(_twice, backend="python")(S)
    with pytest.raises(adc.AdcError, match="names 3 axes of float64"):
        adc.grad(_too_many, backend="python")(M)


# ---------------------------------------------------------------- np.squeeze

def squeezes(x):
    return (np.sum(np.squeeze(x, axis=(1, 3)) ** 3 * np.arange(3.0)) + np.sum(x.squeeze(axis=(-1,)) ** 2)
            + np.sum(np.squeeze(x, (-3, 3))[1] ** 2))


def test_np_squeeze_with_a_tuple_of_axes():
    check_grads(squeezes, (R.normal(size=(2, 1, 3, 1)),), backends=PY)


def _squeeze_all(x):
    return np.sum(np.squeeze(x) ** 2)


def _squeeze_method(x):
    return np.sum(x.squeeze() ** 2)


@pytest.mark.parametrize("f", [_squeeze_all, _squeeze_method])
def test_np_squeeze_without_an_axis_is_refused_naming_axis(f):
    """The rank of np.squeeze(x) depends on the lengths of x's axes; a specialization's types carry
    ranks, not lengths."""
    with pytest.raises(adc.AdcSyntaxError, match="np.squeeze without axis=") as info:
        adc.grad(f, backend="python")(np.ones((3, 1)))
    assert "pass axis=" in str(info.value) and "test_numpy_gaps.py" in str(info.value)


# ---------------------------------------------------------------- np.array of arrays

def array_of_arrays(x, a):
    return (np.sum(np.array([x, 2 * x, x * x]) ** 2 * np.arange(3.0)[:, None]) + np.sum(np.array([a, a * x[:3, None]]) ** 3)
            + np.sum(np.array([x[0], x[1] * x[2]]) ** 2))


def array_of_arrays_ag(x, a):
    return (anp.sum(anp.stack([x, 2 * x, x * x]) ** 2 * anp.arange(3.0)[:, None]) + anp.sum(anp.stack([a, a * x[:3, None]]) ** 3)
            + anp.sum(anp.array([x[0], x[1] * x[2]]) ** 2))


def test_np_array_of_arrays_is_their_stack():
    check_grads(array_of_arrays, (V, M), wrt=(0, 1), ag=array_of_arrays_ag, backends=PY)
    check_vjp(lambda x: np.array([x, np.sin(x)]), (V,), ag=lambda x: anp.stack([x, anp.sin(x)]), backends=PY)


def _mixed(x):
    return np.sum(np.array([x, x[0]]))


def _ragged(x):
    return np.sum(np.array([x, x[:2]]))


def test_np_array_of_numbers_and_arrays_is_refused_and_of_two_shapes_raises():
    with pytest.raises(adc.AdcError, match="mixes numbers and arrays") as info:
        adc.grad(_mixed, backend="python")(V)
    assert "np.stack" in str(info.value)
    with pytest.raises(ValueError, match="inhomogeneous"):
        adc.grad(_ragged, backend="python")(V)


# ---------------------------------------------------------------- np.einsum

def einsums(a, b):
    return (np.sum(np.einsum('...ij,...jk->...ik', a, b) ** 2) + np.sum(np.einsum('...i,...i->...', a, a) ** 2)
            + np.sum(np.einsum('...ij,...ij', a, a * a)) + np.sum(np.einsum('...ij,...kj->...ik', a, a) ** 2)
            + np.sum(np.einsum('...ij->...ji', a) * b) + np.sum(np.einsum('...ij,jk->...ik', a, b[0]) ** 2)
            + np.sum(np.einsum('ij,jk', a[0], b[1]) ** 2) + np.sum(np.einsum('...i', a) ** 2)
            + np.sum(np.einsum('ba,ac', a[1], b[0]) ** 3))


def einsums_ag(a, b):
    e = anp.einsum
    return (anp.sum(e('...ij,...jk->...ik', a, b) ** 2) + anp.sum(e('...i,...i->...', a, a) ** 2)
            + anp.sum(e('...ij,...ij', a, a * a)) + anp.sum(e('...ij,...kj->...ik', a, a) ** 2)
            + anp.sum(e('...ij->...ji', a) * b) + anp.sum(e('...ij,jk->...ik', a, b[0]) ** 2)
            + anp.sum(e('ij,jk', a[0], b[1]) ** 2) + anp.sum(e('...i', a) ** 2) + anp.sum(e('ba,ac', a[1], b[0]) ** 3))


def test_np_einsum_with_an_ellipsis_and_the_implicit_output():
    check_grads(einsums, (S, T), wrt=(0, 1), ag=einsums_ag, backends=PY)


def _ellipsis_of_three(a):
    return np.sum(np.einsum('...ij,...jk,...kl->...il', a, a, a))


def test_np_einsum_with_an_ellipsis_and_three_operands_is_refused():
    with pytest.raises(adc.AdcSyntaxError, match="more than two operands"):
        adc.grad(_ellipsis_of_three, backend="python")(np.ones((2, 3, 3)))


# ---------------------------------------------------------------- np.tensordot

B = R.normal(size=(3, 2, 5))
C = R.normal(size=(4, 2))


def tensordots(a, b, c):
    return (np.sum(np.tensordot(a, b, axes=([1, 0], [0, 1])) ** 2) + np.sum(np.tensordot(a, c, axes=((2,), (0,))) ** 3)
            + np.sum(np.tensordot(a, c, axes=(-1, 0)) * a[:, :, :2]) + np.tensordot(a, a, axes=([0, 1, 2], [0, 1, 2]))
            + np.sum(np.tensordot(c, b, axes=([1], [1])) ** 2) + np.sum(np.tensordot(a, b[:, :, :4], axes=0) * 0.1)
            + np.tensordot(a[0], a[1], axes=2) + np.tensordot(a, a, axes=3) + np.sum(np.tensordot(b[:, :, 0].T, a[0], axes=1) ** 2))


def tensordots_ag(a, b, c):
    t = anp.tensordot
    return (anp.sum(t(a, b, axes=([1, 0], [0, 1])) ** 2) + anp.sum(t(a, c, axes=((2,), (0,))) ** 3)
            + anp.sum(t(a, c, axes=(-1, 0)) * a[:, :, :2]) + t(a, a, axes=([0, 1, 2], [0, 1, 2]))
            + anp.sum(t(c, b, axes=([1], [1])) ** 2) + anp.sum(t(a, b[:, :, :4], axes=0) * 0.1)
            + t(a[0], a[1], axes=2) + t(a, a, axes=3) + anp.sum(t(b[:, :, 0].T, a[0], axes=1) ** 2))


def test_np_tensordot_with_lists_of_axes():
    check_grads(tensordots, (S, B, C), wrt=(0, 1, 2), ag=tensordots_ag, backends=PY)


def _tensordot_2_of_stacks(a):
    return np.sum(np.tensordot(a, a, axes=2))


def test_np_tensordot_over_two_axes_of_stacks_names_the_lists():
    with pytest.raises(adc.AdcError, match="axes=\\(\\[1, 2\\], \\[0, 1\\]\\)"):
        adc.grad(_tensordot_2_of_stacks, backend="python")(S)


def test_np_tensordot_with_lists_of_axes_with_an_array_output():
    check_vjp(lambda a: np.tensordot(a, B, axes=([1, 0], [0, 1])), (S,),
              ag=lambda a: anp.tensordot(a, B, axes=([1, 0], [0, 1])), backends=PY)


# ---------------------------------------------------------------- np.linalg.norm with ord=

def vector_norms(x):
    return (np.linalg.norm(x, 1) + np.linalg.norm(x, ord=np.inf) * np.linalg.norm(x, -np.inf) + np.linalg.norm(x, 2) ** 2
            + np.linalg.norm(x, 3) + np.linalg.norm(x, 1.5) + np.linalg.norm(x, -1) + np.linalg.norm(x, -2))


def vector_norms_ag(x):
    a = anp.abs(x)
    return (anp.sum(a) + anp.max(a) * anp.min(a) + anp.sum(x * x) + anp.sum(a ** 3) ** (1 / 3) + anp.sum(a ** 1.5) ** (1 / 1.5)
            + anp.sum(a ** -1.0) ** -1.0 + anp.sum(a ** -2.0) ** -0.5)


def matrix_norms(x):
    return (np.linalg.norm(x, 'fro') + np.linalg.norm(x, 'nuc') + np.linalg.norm(x, 1) + np.linalg.norm(x, -1)
            + np.linalg.norm(x, np.inf) + np.linalg.norm(x, -np.inf) + np.linalg.norm(x, 2) + np.linalg.norm(x, -2))


def matrix_norms_ag(x):
    a, s = anp.abs(x), anp.linalg.svd(x, full_matrices=False)[1]
    return (anp.sqrt(anp.sum(x * x)) + anp.sum(s) + anp.max(anp.sum(a, 0)) + anp.min(anp.sum(a, 0)) + anp.max(anp.sum(a, 1))
            + anp.min(anp.sum(a, 1)) + anp.max(s) + anp.min(s))


def stacked_norms(x):
    return (np.sum(np.linalg.norm(x, ord=1, axis=(1, 2))) + np.sum(np.linalg.norm(x, np.inf, axis=(-1, 0), keepdims=True) * x)
            + np.sum(np.linalg.norm(x, 2, axis=(-2, -1)) ** 2) + np.sum(np.linalg.norm(x, 'nuc', axis=(-1, -2), keepdims=True) * x)
            + np.sum(np.linalg.norm(x, ord=np.inf, axis=1)) + np.sum(np.linalg.norm(x, 3, axis=-1, keepdims=True) * x)
            + np.sum(np.linalg.norm(x, 'fro', axis=(0, 2))) + np.sum(np.linalg.norm(x, -np.inf, axis=0) ** 2)
            + np.sum(np.linalg.norm(x, 1, axis=2)))


def stacked_norms_ag(x):
    a = anp.abs(x)
    s = anp.stack([anp.linalg.svd(x[0], full_matrices=False)[1], anp.linalg.svd(x[1], full_matrices=False)[1]])
    return (anp.sum(anp.max(anp.sum(a, 1), 1)) + anp.sum(anp.max(anp.sum(a, 0, keepdims=True), -1, keepdims=True) * x)
            + anp.sum(anp.max(s, 1) ** 2) + anp.sum(anp.sum(s, 1)[:, None, None] * x)
            + anp.sum(anp.max(a, 1)) + anp.sum(anp.sum(a ** 3, -1, keepdims=True) ** (1 / 3) * x)
            + anp.sum(anp.sqrt(anp.sum(x * x, (0, 2)))) + anp.sum(anp.min(a, 0) ** 2) + anp.sum(anp.sum(a, 2)))


@pytest.mark.parametrize("f, ag, x", [(vector_norms, vector_norms_ag, V), (matrix_norms, matrix_norms_ag, M),
                                      (stacked_norms, stacked_norms_ag, S)], ids=["vector", "matrix", "axes"])
def test_np_linalg_norm_with_ord(f, ag, x):
    check_grads(f, (x,), ag=ag, backends=PY)


def _norm_ord_0(x):
    return np.linalg.norm(x, 0)


def _norm_fro_of_a_vector(x):
    return np.linalg.norm(x, 'fro')


def _norm_2_of_a_stack(x):
    return np.linalg.norm(x, 2)


def _spectral_norm_over_first_axes(x):
    return np.sum(np.linalg.norm(x, 2, axis=(0, 2)))


@pytest.mark.parametrize("f, x, match", [
    (_norm_ord_0, V, "ord=0"), (_norm_fro_of_a_vector, V, "ord='fro' takes arrays of 2"),
    (_norm_2_of_a_stack, S, "ord=2 takes arrays of 1 or 2"), (_spectral_norm_over_first_axes, S, "axis=\\(-2, -1\\)")])
def test_np_linalg_norm_refusals(f, x, match):
    with pytest.raises(adc.AdcError, match=match):
        adc.grad(f, backend="python")(x)


# ---------------------------------------------------------------- np.linalg.eig and eigvals

E = R.normal(size=(4, 4))  # two real eigenvalues and a complex pair
W = R.normal(size=(4, 4))


def eigenvalues(a):
    w = np.linalg.eigvals(a)
    return np.sum(np.abs(w) ** 2) + np.real(w).sum() + np.sum(np.imag(w) ** 2)


def eigenvalues_ag(a):
    w = anp.linalg.eig(a)[0]
    return anp.sum(anp.abs(w) ** 2) + anp.real(w).sum() + anp.sum(anp.imag(w) ** 2)


def eigenpairs(a):
    r = np.linalg.eig(a)
    w, v = r
    return np.sum(np.abs(v) ** 2 * W) + np.sum(np.real(w * np.conj(w))) + np.sum(np.real(r.eigenvalues) ** 3)


def eigenpairs_ag(a):
    w, v = anp.linalg.eig(a)
    return anp.sum(anp.abs(v) ** 2 * W) + anp.sum(anp.real(w * anp.conj(w))) + anp.sum(anp.real(w) ** 3)


def test_eigenvalues_of_a_real_matrix():
    assert np.iscomplexobj(np.linalg.eigvals(E)) and np.any(np.imag(np.linalg.eigvals(E)) != 0)
    check_grads(eigenvalues, (E,), ag=eigenvalues_ag, backends=PY)


def test_eigenvectors_through_a_loss_blind_to_their_phases():
    check_grads(eigenpairs, (E,), ag=eigenpairs_ag, backends=PY, order=1)


def test_eig_of_a_complex_matrix_is_refused():
    with pytest.raises(adc.AdcError, match="np.linalg.eigvals for complex arguments"):
        adc.grad(eigenvalues, backend="python")(E + 1j * W)


# ---------------------------------------------------------------- under Numba

def numba_family(x):
    """One compile for the forms Numba runs: a tuple of axes of a 3-D array, np.array of arrays, an
    einsum with an ellipsis, norms with ord= of a matrix and a vector."""
    return (np.sum(np.sum(x, axis=(0, 2)) ** 2) + np.sum(np.array([x[0], x[1] * x[0]]) ** 2)
            + np.sum(np.einsum('...i,...i->...', x[0], x[1])) + np.linalg.norm(x[0], 1) + np.linalg.norm(x[0, 0], 3))


def numba_family_ag(x):
    return (anp.sum(anp.sum(x, axis=(0, 2)) ** 2) + anp.sum(anp.stack([x[0], x[1] * x[0]]) ** 2)
            + anp.sum(x[0] * x[1]) + anp.max(anp.sum(anp.abs(x[0]), 0)) + anp.sum(anp.abs(x[0, 0]) ** 3) ** (1 / 3))


def test_the_new_forms_under_numba():
    check_grads(numba_family, (S,), ag=numba_family_ag, backends=("numba",), order=1)


@pytest.mark.parametrize("f, args", [(lambda a: np.sum(np.tensordot(a, C, axes=([2], [0])) ** 2), (S,)),
                                     (eigenvalues, (E,))], ids=["tensordot", "eigvals"])
def test_numba_lacks_these_and_falls_back_with_its_warning(f, args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = adc.grad(f, backend="numba")(*args)
    assert any(issubclass(w.category, adc.AdcFallbackWarning) for w in caught)
    np.testing.assert_allclose(g, adc.grad(f, backend="python")(*args), rtol=1e-12)


def _keep_all(A):
    return (np.sum(np.sum(A, keepdims=True) * A) + np.sum(np.mean(A, keepdims=True) ** 2)
            + np.sum(np.max(A, keepdims=True)))


def test_a_whole_array_reduction_with_keepdims_keeps_every_axis():
    """np.sum(A, keepdims=True) of a matrix is (1, 1), as NumPy's (it was (1,))."""
    A = np.arange(6.0).reshape(2, 3) / 7
    for backend in ("python", "numba"):
        value, tangent = adc.jvp(lambda A: np.sum(A, keepdims=True), backend=backend)(A, A)
        assert value.shape == tangent.shape == (1, 1)
    check_grads(_keep_all, (A,), backends=("python",))
