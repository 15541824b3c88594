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


def test_np_array_of_arrays_names_np_stack():
    def of_arrays(x):
        return np.sum(np.array([x, 2.0 * x]) ** 2)

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
