"""Array helpers that generated code calls where Numba lacks the NumPy spelling
(or lacks it for some ranks), and the adjoints of shape functions.

Every helper runs under CPython and inside Numba-compiled code; they take
arrays of rank 1 and 2 unless said otherwise.
"""
import numpy as np
from numba import literal_unroll, types
from numba.extending import overload, register_jitable

from .shapes import axis_index


# ---------------------------------------------------------------- joining arrays

@register_jitable
def concatenate(axis, *xs):
    """np.concatenate(xs, axis)."""
    return np.concatenate(xs, axis)


@register_jitable
def stack(axis, *xs):
    """np.stack(xs, axis)."""
    return np.stack(xs, axis)


@register_jitable
def hstack(*xs):
    return np.hstack(xs)


@register_jitable
def vstack(*xs):
    return np.vstack(xs)


def along(g, axis, start, stop):
    """A copy of g[start:stop] taken along `axis`."""
    return np.ascontiguousarray(np.swapaxes(np.swapaxes(g, 0, axis)[start:stop], 0, axis))


@overload(along)
def _along_numba(g, axis, start, stop):
    if g.ndim == 1:
        return lambda g, axis, start, stop: g[start:stop].copy()

    def along2(g, axis, start, stop):  # a negative axis counts from the end (axis=-2 is the rows)
        if axis_index(axis, 2) == 0:
            return np.ascontiguousarray(g[start:stop, :])
        return np.ascontiguousarray(g[:, start:stop])
    return along2


def pick(g, axis, k):
    """A copy of g[k] taken along `axis` (the part of a stacked array)."""
    return np.ascontiguousarray(np.take(g, k, axis))


@overload(pick)
def _pick_numba(g, axis, k):
    if g.ndim == 2:
        def pick2(g, axis, k):
            if axis_index(axis, 2) == 0:
                return g[k, :].copy()
            return g[:, k].copy()
        return pick2
    if g.ndim == 3:
        def pick3(g, axis, k):
            a = axis_index(axis, 3)
            if a == 0:
                return g[k, :, :].copy()
            if a == 1:
                return g[:, k, :].copy()
            return g[:, :, k].copy()
        return pick3


@register_jitable
def _span(k, axis, xs):
    """(offset, size) of xs[k] along `axis` in their concatenation (xs may mix layouts: unrolled)."""
    off, size, j = 0, 0, 0
    for x in literal_unroll(xs):
        if j < k:
            off += x.shape[axis]
        elif j == k:
            size = x.shape[axis]
        j += 1
    return off, size


@register_jitable
def concatenate_part(g, k, axis, *xs):
    """The part of the adjoint g of concatenate(axis, *xs) that belongs to xs[k]."""
    off, size = _span(k, axis, xs)
    return along(g, axis, off, off + size)


@register_jitable
def stack_part(g, k, axis, *xs):
    return pick(g, axis, k)


@register_jitable
def hstack_part(g, k, *xs):
    axis = 0 if xs[0].ndim == 1 else 1
    off, size = _span(k, axis, xs)
    return along(g, axis, off, off + size)


def vstack_part(g, k, *xs):
    if xs[0].ndim == 1:
        return pick(g, 0, k)
    return concatenate_part(g, k, 0, *xs)


@overload(vstack_part)
def _vstack_part_numba(g, k, *xs):
    if xs[0].ndim == 1:
        return lambda g, k, *xs: pick(g, 0, k)
    return lambda g, k, *xs: concatenate_part(g, k, 0, *xs)


# ---------------------------------------------------------------- arrays written out

def array_zeros(n, *xs):
    """Zeros to hold xs, numbers or arrays of one shape (np.array([a, b, c]) stacks arrays): complex128
    if one of them is complex, else float64."""
    shape = np.shape(xs[0])
    if any(np.shape(x) != shape for x in xs):
        raise ValueError("setting an array element with a sequence. The requested array has an inhomogeneous shape")
    dtype = np.complex128 if any(isinstance(x, complex) or np.iscomplexobj(x) for x in xs) else np.float64
    return np.zeros((n,) + shape, dtype)


@register_jitable
def element(v, arr):
    """v, to be written into arr (as arr's dtype)."""
    return v


@register_jitable
def _same_shapes(xs):
    shape = xs[0].shape
    for x in literal_unroll(xs):
        if x.shape != shape:
            raise ValueError("setting an array element with a sequence. The requested array has an inhomogeneous shape")
    return shape


@overload(array_zeros)
def _array_zeros_numba(n, *xs):
    dtype = np.complex128 if any(isinstance(getattr(x, "dtype", x), types.Complex) for x in xs) else np.float64
    if isinstance(xs[0], types.Array):
        return lambda n, *xs: np.zeros((n,) + _same_shapes(xs), dtype)
    return lambda n, *xs: np.zeros(n, dtype)


# ---------------------------------------------------------------- ranges

@register_jitable
def linspace_open(start, stop, num):
    """np.linspace(start, stop, num, endpoint=False)."""
    return np.linspace(start, stop, num + 1)[:num]


# ---------------------------------------------------------------- reshaping, tiling, flipping

@register_jitable
def reshape(x, shape):
    """np.reshape of any layout (Numba reshapes contiguous arrays only)."""
    return np.reshape(np.ascontiguousarray(x), shape)


def ravel(x):
    """np.ravel: a 1-D array (of one element for a number)."""
    return np.ravel(x)


@overload(ravel)
def _ravel_numba(x):
    if isinstance(x, types.Number):
        return lambda x: np.full(1, x)
    return lambda x: np.ascontiguousarray(x).ravel()


@overload(np.var)
def _var_of_number(x):
    """np.var of a number is 0, as in NumPy (Numba types it for arrays only)."""
    if isinstance(x, types.Number):
        return lambda x: 0.0


def tile(x, reps):
    """np.tile of an array of rank 1 or 2 by a count or a tuple of one or two counts."""
    return np.tile(x, reps)


def _tile_counts(reps):
    """(rows, columns) of a count or a tuple of one or two counts (NumPy pads the tuple on the left)."""
    return (1, reps) if isinstance(reps, (int, np.integer)) else ((1,) + tuple(reps))[-2:]


@overload(_tile_counts)
def _tile_counts_numba(reps):
    if isinstance(reps, types.Integer):
        return lambda reps: (1, reps)
    if len(reps) == 1:
        return lambda reps: (1, reps[0])
    return lambda reps: (reps[0], reps[1])


def _as_matrix(x):
    """x as a matrix: a row for a 1-D x."""
    return np.reshape(x, (1, -1)) if np.ndim(x) == 1 else x


@overload(_as_matrix)
def _as_matrix_numba(x):
    if x.ndim == 1:
        return lambda x: np.ascontiguousarray(x).reshape((1, x.shape[0]))
    return lambda x: x


@register_jitable
def _tile2(x, reps):
    """np.tile as a matrix."""
    r0, r1 = _tile_counts(reps)
    a = _as_matrix(x)
    m, n = a.shape
    out = np.empty((m * r0, n * r1), x.dtype)
    for i in range(r0):
        for j in range(r1):
            out[i * m:(i + 1) * m, j * n:(j + 1) * n] = a
    return out


@overload(tile)
def _tile_numba(x, reps):
    if x.ndim == 1 and (isinstance(reps, types.Integer) or len(reps) == 1):
        return lambda x, reps: _tile2(x, reps)[0].copy()
    return lambda x, reps: _tile2(x, reps)


def tile_vjp(g, x):
    """The adjoint of tile(x, reps): the tiles of g summed (the counts are g's shape over x's)."""
    m, n = (1,) * (2 - x.ndim) + x.shape
    g2 = np.reshape(g, (-1, g.shape[-1]))
    return np.reshape(g2.reshape(g2.shape[0] // m, m, g2.shape[1] // n, n).sum(axis=(0, 2)), x.shape)


@overload(tile_vjp)
def _tile_vjp_numba(g, x):
    def impl(g, x):
        a = _as_matrix(x)
        m, n = a.shape
        g2 = _as_matrix(g)
        out = np.zeros((m, n), g.dtype)
        for i in range(g2.shape[0] // m):
            for j in range(g2.shape[1] // n):
                out += g2[i * m:(i + 1) * m, j * n:(j + 1) * n]
        return out.reshape(x.shape)
    return impl


@register_jitable
def repeat_vjp(g, x, reps):
    """The adjoint of np.repeat(x, reps) (which flattens x): each run of `reps` summed."""
    out = np.zeros(x.size, g.dtype)
    for i in range(x.size):
        for r in range(reps):
            out[i] += g[i * reps + r]
    return np.reshape(out, x.shape)


@register_jitable
def diag_vjp(g, x, k):
    """The adjoint of np.diag(x, k) for a matrix x (of any shape): g laid along x's k-th diagonal."""
    out = np.zeros(x.shape, g.dtype)
    for i in range(g.shape[0]):
        if k >= 0:
            out[i, i + k] = g[i]
        else:
            out[i - k, i] = g[i]
    return out


def flip(x, axis=None):
    """np.flip: along `axis`, or along every axis."""
    return np.flip(x, axis)


@overload(flip)
def _flip_numba(x, axis=None):
    every = axis is None or isinstance(axis, types.NoneType)
    if x.ndim == 1:
        if every:
            return lambda x, axis=None: x[::-1]

        def flip1(x, axis=None):
            axis_index(axis, 1)
            return x[::-1]
        return flip1
    if every:
        return lambda x, axis=None: x[::-1, ::-1]

    def flip2(x, axis=None):  # axis=-2 is the rows, out of range raises, as in NumPy
        if axis_index(axis, 2) == 0:
            return x[::-1, :]
        return x[:, ::-1]
    return flip2


def cumsum_axis(x, axis):
    """np.cumsum(x, axis=axis) of a float or complex array (Numba has np.cumsum of the flattened
    array only)."""
    return np.cumsum(x, axis=axis)


@overload(cumsum_axis)
def _cumsum_axis_numba(x, axis):
    if x.ndim == 1:
        def cumsum1(x, axis):
            axis_index(axis, 1)
            return np.cumsum(x)
        return cumsum1
    if x.ndim != 2:
        return None

    def cumsum2(x, axis):
        out = x.copy()
        n, m = x.shape
        if axis_index(axis, 2) == 0:
            for i in range(1, n):
                for j in range(m):
                    out[i, j] += out[i - 1, j]
        else:
            for i in range(n):
                for j in range(1, m):
                    out[i, j] += out[i, j - 1]
        return out
    return cumsum2


# ---------------------------------------------------------------- indexing

@register_jitable
def take_add(buf, idx, g):
    """buf[idx] += g, with repeated indices adding up (np.add.at) along the first axis."""
    for j in range(idx.shape[0]):
        buf[idx[j]] += g[j]


@register_jitable
def mask_add(buf, mask, g):
    """buf[mask] += g for a boolean mask of buf's shape."""
    flat, m = buf.reshape(buf.size), np.ascontiguousarray(mask).reshape(mask.size)
    k = 0
    for j in range(m.shape[0]):
        if m[j]:
            flat[j] += g[k]
            k += 1


@register_jitable
def unpermute(g, perm):
    """The c with c[perm] = g: the adjoint of x[perm] for a permutation perm."""
    out = np.empty_like(g)
    for j in range(perm.shape[0]):
        out[perm[j]] = g[j]
    return out


# ---------------------------------------------------------------- products

def inner(a, b):
    return np.inner(a, b)


@overload(inner)
def _inner_numba(a, b):
    if isinstance(a, types.Number) or isinstance(b, types.Number):
        return lambda a, b: a * b
    if a.ndim == 1 and b.ndim == 1:
        return lambda a, b: np.dot(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return lambda a, b: np.dot(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return lambda a, b: np.dot(b, a)
    return lambda a, b: np.dot(a, b.T)


@overload(np.dot)
def _dot_of_a_number(a, b):
    """np.dot with a number is the product, as in NumPy (Numba types np.dot of arrays only)."""
    if isinstance(a, types.Number) or isinstance(b, types.Number):
        return lambda a, b: a * b


def tensordot(a, b, axes_a, axes_b):
    """np.tensordot(a, b, (axes_a, axes_b)): Numba has no np.tensordot, so a derivative that calls
    this runs under CPython (the numba backend falls back, with its warning)."""
    return np.tensordot(a, b, (list(axes_a), list(axes_b)))


def _paired(axes_a, axes_b, na, nb):
    """The contracted axes of a and of b counted from 0 (NumPy's errors for a wrong pairing), and
    the free axes of each."""
    if len(axes_a) != len(axes_b):
        raise ValueError("shape-mismatch for sum")
    aa, bb = [axis_index(x, na) for x in axes_a], [axis_index(x, nb) for x in axes_b]
    return aa, bb, [i for i in range(na) if i not in aa], [i for i in range(nb) if i not in bb]


def tensordot_a(g, b, axes_a, axes_b):
    """The adjoint of tensordot(a, b, axes) with respect to a, from its cotangent g: g contracted
    with b over b's free axes, its axes put back in a's order."""
    nb, k = np.ndim(b), len(axes_b)
    nfa = np.ndim(g) - (nb - k)
    aa, bb, free_a, free_b = _paired(axes_a, axes_b, nfa + k, nb)
    t = np.tensordot(g, b, (list(range(nfa, np.ndim(g))), free_b))  # a's free axes, then b's contracted in order
    return np.transpose(t, np.argsort(free_a + [aa[bb.index(x)] for x in sorted(bb)]))


def tensordot_b(g, a, axes_a, axes_b):
    """The adjoint of tensordot(a, b, axes) with respect to b."""
    na, k = np.ndim(a), len(axes_a)
    nfa = na - k
    aa, bb, free_a, free_b = _paired(axes_a, axes_b, na, np.ndim(g) - nfa + k)
    t = np.tensordot(a, g, (free_a, list(range(nfa))))  # a's contracted axes in order, then b's free axes
    return np.transpose(t, np.argsort([bb[aa.index(x)] for x in sorted(aa)] + free_b))


def cross(a, b):
    """np.cross of 3-vectors (rows of 3-vectors for 2-D arrays); other lengths are refused."""
    if np.shape(a)[-1] != 3 or np.shape(b)[-1] != 3:
        raise ValueError("adc takes np.cross of 3-vectors only (the last axis of length 3)")
    return np.cross(a, b)


@overload(cross)
def _cross_numba(a, b):
    def impl(a, b):
        if a.shape[-1] != 3 or b.shape[-1] != 3:
            raise ValueError("adc takes np.cross of 3-vectors only (the last axis of length 3)")
        return np.cross(a, b)
    return impl


@register_jitable
def kron_vjp_a(g, a, b):
    """The adjoint of np.kron(a, b) (2-D) with respect to a."""
    m, n = b.shape
    out = np.zeros(a.shape, g.dtype)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = np.sum(g[i * m:(i + 1) * m, j * n:(j + 1) * n] * b)
    return out


@register_jitable
def kron_vjp_b(g, a, b):
    m, n = b.shape
    out = np.zeros(b.shape, g.dtype)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out += a[i, j] * g[i * m:(i + 1) * m, j * n:(j + 1) * n]
    return out


@register_jitable
def diff_vjp(g, x):
    """The adjoint of np.diff(x) for 1-D x."""
    out = np.zeros(x.shape[0], g.dtype)
    for i in range(g.shape[0]):
        out[i + 1] += g[i]
        out[i] -= g[i]
    return out
