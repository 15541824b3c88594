"""NumPy written as people write it: views returned from the function, np.array of nested lists,
each through the one harness; and the clear errors of what stays refused."""
import numpy as np
import pytest

import adc
from harness import check_grads, check_vjp

R = np.random.default_rng(8)
A = R.normal(size=(3, 4))
V = R.normal(size=3)


def returns_reshape(a):
    return (a * a).reshape(12)


def returns_views(a):
    return np.swapaxes(np.flipud(a * 2.0), 0, 1).ravel()


def nested_array(x):
    m = np.array([[x[0], x[1] * x[2]], [np.sin(x[2]), 2.0]])
    return np.sum(m @ m)


@pytest.mark.parametrize("f", [returns_reshape, returns_views])
def test_a_returned_view(f):
    check_vjp(f, (A,))


def test_np_array_of_nested_lists():
    check_grads(nested_array, (V,))


def test_a_view_returned_after_its_array_is_written_is_refused():
    def write_after(a):
        b = a * 1.0
        v = b.reshape(12)
        b[0, 0] = 3.0
        return v

    with pytest.raises(adc.AdcSyntaxError, match="returned after its array is written"):
        adc.vjp(write_after, backend="python")(A)


def test_np_array_mixing_numbers_and_arrays_names_np_stack():
    def of_arrays(x):
        return np.sum(np.array([x, 2.0 * x[0]]) ** 2)

    with pytest.raises(adc.AdcSyntaxError, match="np.stack"):
        adc.grad(of_arrays, backend="python")(V)


def _decompositions(a):
    r = np.linalg.eigh(a, UPLO="U")
    s = np.linalg.svd(a)
    return (np.sum(r.eigenvalues ** 3) + np.sum(r.eigenvectors[:, 0] ** 2 * a[0]) + np.sum(s.S)
            + np.linalg.slogdet(a + 4 * np.eye(3)).logabsdet)


def _decompositions_ag(a):
    import autograd.numpy as anp
    w, v = anp.linalg.eigh(anp.triu(a) + anp.triu(a, 1).T)
    return (anp.sum(w ** 3) + anp.sum(v[:, 0] ** 2 * a[0]) + anp.sum(anp.linalg.svd(a, full_matrices=False)[1])
            + anp.linalg.slogdet(a + 4 * anp.eye(3))[1])


def test_result_objects_of_decompositions_and_eigh_upper():
    check_grads(_decompositions, (R.normal(size=(3, 3)),), ag=_decompositions_ag, order=1)


STACK = R.normal(size=(4, 3, 3)) + 3 * np.eye(3)
RHS = R.normal(size=(4, 3, 2))
MAT = R.normal(size=(3, 2))


def stacked(a, b):
    """np.linalg on stacks of matrices and @ on stacks (passes/batch.py): one loop per stack."""
    s = a @ np.swapaxes(a, 1, 2) + np.eye(3)
    return (np.sum(np.linalg.inv(a) ** 2) + np.sum(np.linalg.det(a)) + np.sum(np.linalg.solve(a, b) ** 2)
            + np.sum(np.linalg.cholesky(s)) + np.sum(np.linalg.eigvalsh(s) ** 2) + np.sum(np.tril(a) ** 3)
            + np.sum((a @ b) ** 2) + np.sum(np.matmul(a, MAT) ** 2) + np.sum(np.linalg.slogdet(s)[1]))


def stacked_ag(a, b):
    import autograd.numpy as anp
    s = anp.matmul(a, anp.swapaxes(a, 1, 2)) + anp.eye(3)
    return (anp.sum(anp.linalg.inv(a) ** 2) + anp.sum(anp.linalg.det(a)) + anp.sum(anp.linalg.solve(a, b) ** 2)
            + anp.sum(anp.linalg.cholesky(s)) + anp.sum(anp.linalg.eigh(s)[0] ** 2) + anp.sum(anp.tril(a) ** 3)
            + anp.sum(anp.matmul(a, b) ** 2) + anp.sum(anp.matmul(a, MAT) ** 2) + anp.sum(anp.linalg.slogdet(s)[1]))


def test_batched_linear_algebra():
    check_grads(stacked, (STACK, RHS), wrt=(0, 1), ag=stacked_ag, order=1)


def test_stacks_of_two_lengths_raise_as_numpy_does():
    def two(a, b):
        return np.sum(a @ b)

    with pytest.raises(ValueError, match="stacks of different lengths"):
        adc.grad(two, backend="python")(STACK, RHS[:2])


def reductions_3d(b):
    return (np.sum(np.sum(b, axis=1) ** 2) + np.sum(np.mean(b, axis=0) ** 3) + np.sum(np.prod(b, axis=2))
            + np.sum(np.max(b, axis=-1) * np.min(b, axis=1)[:, :1]) + np.sum(np.var(b, axis=1))
            + np.sum(np.std(b, axis=2)) + np.sum(np.sum(b, axis=2, keepdims=True) * b)
            + np.sum(np.mean(b, axis=0, keepdims=True) ** 2 * b))


def reductions_3d_few(b):
    return np.sum(np.sum(b, axis=1) ** 2) + np.sum(np.max(b, axis=-1)) + np.sum(np.mean(b, axis=0, keepdims=True) * b)


def test_reductions_along_an_axis_of_3d_arrays():
    """Every reduction on the python backend; a few under Numba, whose compile of all of them with
    their Hessian-vector products took minutes."""
    check_grads(reductions_3d, (R.uniform(0.5, 1.5, size=(2, 3, 4)),), backends=("python",))
    check_grads(reductions_3d_few, (R.uniform(0.5, 1.5, size=(2, 3, 4)),), backends=("numba",), order=1)


SUBSCRIPTS = "ij,jk,kl->il"


def einsum_chains(a, b, c):
    """np.einsum of three and four operands, and subscripts held in a name, contracted pair by pair."""
    return (np.sum(np.einsum(SUBSCRIPTS, a, b, c) ** 2) + np.einsum("ij,jk,ki->", a, b, c)
            + np.sum(np.einsum("i,ij,jk->k", V, a, b)) + np.einsum("ij,jk,kl,li", a, b, c, np.eye(3)))


def test_einsum_of_several_operands():
    check_grads(einsum_chains, (A[:, :4], R.normal(size=(4, 2)), R.normal(size=(2, 3))), wrt=(0, 1, 2), order=1)


def list_indices(x, a, b):
    """Lists of constant positions as indices, axes permuted, a meshgrid, an einsum summing a letter out."""
    return (np.sum(x[[0, 2, 2]] ** 2) + np.sum(a[[2, 0]] ** 3) + np.sum(a[:, [3, 0]] ** 2)
            + np.sum(a[[1, 0], :] * a[:2, :]) + np.sum(b.transpose(1, 2, 0) ** 2 * np.arange(24.0).reshape(3, 4, 2))
            + np.sum(np.transpose(b, (2, 0, 1))[0] * a[:2, :3]) + np.sum(np.meshgrid(x, a[0])[0] * np.meshgrid(x, a[0])[1])
            + np.einsum("ij,jk,kl->", a, a.T, a))


def list_indices_ag(x, a, b):
    import autograd.numpy as anp
    xs, ys = anp.outer(anp.ones(4), x), anp.outer(a[0], anp.ones(3))  # np.meshgrid, which autograd lacks
    return (anp.sum(x[anp.array([0, 2, 2])] ** 2) + anp.sum(a[anp.array([2, 0])] ** 3)
            + anp.sum(a[:, anp.array([3, 0])] ** 2) + anp.sum(a[anp.array([1, 0]), :] * a[:2, :])
            + anp.sum(anp.transpose(b, (1, 2, 0)) ** 2 * anp.arange(24.0).reshape(3, 4, 2))
            + anp.sum(anp.transpose(b, (2, 0, 1))[0] * a[:2, :3]) + anp.sum(xs * ys)
            + anp.sum(anp.dot(anp.dot(a, a.T), a)))


def test_list_indices_transposes_and_meshgrid():
    check_grads(list_indices, (V, A, R.normal(size=(2, 3, 4))), wrt=(0, 1, 2), ag=list_indices_ag, order=1)


def _logsumexp(x, axis, keepdims=True):
    m = np.max(x, axis=axis, keepdims=keepdims)
    return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims))


def axis_through_a_helper(a):
    """axis= and keepdims= given to a helper as its parameters: constants when adc lowers the call."""
    return np.sum(a - _logsumexp(a, 1)) + np.sum(_logsumexp(a, axis=0, keepdims=False) ** 2)


def test_an_axis_passed_to_a_helper():
    check_grads(axis_through_a_helper, (A,), order=1)


def test_an_axis_known_only_at_run_time_is_refused():
    def runtime_axis(a, k):
        return np.sum(np.sum(a, axis=k))

    with pytest.raises(adc.AdcSyntaxError, match="a computed axis="):
        adc.grad(runtime_axis, backend="python")(A, 1)
