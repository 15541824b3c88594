"""Helpers of batched calls (np.linalg on stacks of matrices, @ on stacks): the loop the
compiler writes over a stack allocates its result from the first slice's; and the index
array of a list of positions written out (x[[0, 2]])."""
import numpy as np
from numba import types
from numba.extending import overload


def batch_empty(n, first):
    """An array for n results shaped like `first` (a number or an array): shape (n, *first.shape)."""
    return np.empty((n,) + np.shape(first), np.result_type(first))


@overload(batch_empty)
def _batch_empty_numba(n, first):
    if isinstance(first, (types.Float, types.Integer, types.Complex, types.Boolean)):
        return lambda n, first: np.empty(n, type(first))
    if first.ndim == 1:
        return lambda n, first: np.empty((n, first.shape[0]), first.dtype)
    if first.ndim == 2:
        return lambda n, first: np.empty((n, first.shape[0], first.shape[1]), first.dtype)
    if first.ndim == 3:
        return lambda n, first: np.empty((n, first.shape[0], first.shape[1], first.shape[2]), first.dtype)


def batch_length(*ns):
    """The length of stacks called together, which must agree (NumPy raises ValueError too)."""
    for m in ns:
        if m != ns[0]:
            raise ValueError("stacks of different lengths in one batched call")
    return ns[0]


@overload(batch_length)
def _batch_length_numba(*ns):
    def impl(*ns):
        for m in ns:
            if m != ns[0]:
                raise ValueError("stacks of different lengths in one batched call")
        return ns[0]
    return impl


def index_array(*ns):
    """np.array(ns) of int64: the positions of x[[0, 2]]."""
    return np.array(ns, np.int64)


@overload(index_array)
def _index_array_numba(*ns):
    def impl(*ns):
        out = np.empty(len(ns), np.int64)
        for k in range(len(ns)):
            out[k] = ns[k]
        return out
    return impl
