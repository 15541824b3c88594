"""Array helpers that generated code calls where Numba lacks the NumPy spelling
(or lacks it for some ranks), and the adjoints of shape functions.

Every helper runs under CPython and inside Numba-compiled code; they take
arrays of rank 1 and 2 unless said otherwise.
"""
import numpy as np
from numba import literal_unroll, types
from numba.extending import overload, register_jitable


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

    def along2(g, axis, start, stop):
        if axis == 0:
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
            if axis == 0:
                return g[k, :].copy()
            return g[:, k].copy()
        return pick2
    if g.ndim == 3:
        def pick3(g, axis, k):
            if axis == 0:
                return g[k, :, :].copy()
            if axis == 1:
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


# ---------------------------------------------------------------- reshaping, tiling, flipping

@register_jitable
def reshape(x, shape):
    """np.reshape of any layout (Numba reshapes contiguous arrays only)."""
    return np.reshape(np.ascontiguousarray(x), shape)


@register_jitable
def ravel(x):
    return np.ascontiguousarray(x).ravel()


def tile(x, reps):
    """np.tile with an integer count."""
    return np.tile(x, reps)


@overload(tile)
def _tile_numba(x, reps):
    if x.ndim == 1:
        def tile1(x, reps):
            n = x.shape[0]
            out = np.empty(n * reps, x.dtype)
            for r in range(reps):
                out[r * n:(r + 1) * n] = x
            return out
        return tile1

    def tile2(x, reps):
        n = x.shape[1]
        out = np.empty((x.shape[0], n * reps), x.dtype)
        for r in range(reps):
            out[:, r * n:(r + 1) * n] = x
        return out
    return tile2


def tile_vjp(g, x, reps):
    """The adjoint of tile(x, reps): the tiles summed."""
    n = x.shape[-1]
    out = np.zeros_like(x)
    for r in range(reps):
        out += g[..., r * n:(r + 1) * n]
    return out


@overload(tile_vjp)
def _tile_vjp_numba(g, x, reps):
    if x.ndim == 1:
        def tv1(g, x, reps):
            n = x.shape[0]
            out = np.zeros(n)
            for r in range(reps):
                out += g[r * n:(r + 1) * n]
            return out
        return tv1

    def tv2(g, x, reps):
        n = x.shape[1]
        out = np.zeros(x.shape)
        for r in range(reps):
            out += g[:, r * n:(r + 1) * n]
        return out
    return tv2


@register_jitable
def repeat_vjp(g, x, reps):
    """The adjoint of np.repeat(x, reps) (which flattens x): each run of `reps` summed."""
    out = np.zeros(x.size)
    for i in range(x.size):
        for r in range(reps):
            out[i] += g[i * reps + r]
    return np.reshape(out, x.shape)


def flip(x, axis=None):
    """np.flip: along `axis`, or along every axis."""
    return np.flip(x, axis)


@overload(flip)
def _flip_numba(x, axis=None):
    if x.ndim == 1:
        return lambda x, axis=None: x[::-1]
    if axis is None or isinstance(axis, types.NoneType):
        return lambda x, axis=None: x[::-1, ::-1]

    def flip2(x, axis=None):
        if axis == 0:
            return x[::-1, :]
        return x[:, ::-1]
    return flip2


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
    if a.ndim == 1 and b.ndim == 1:
        return lambda a, b: np.dot(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return lambda a, b: np.dot(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return lambda a, b: np.dot(b, a)
    return lambda a, b: np.dot(a, b.T)


@register_jitable
def kron_vjp_a(g, a, b):
    """The adjoint of np.kron(a, b) (2-D) with respect to a."""
    m, n = b.shape
    out = np.zeros(a.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = np.sum(g[i * m:(i + 1) * m, j * n:(j + 1) * n] * b)
    return out


@register_jitable
def kron_vjp_b(g, a, b):
    m, n = b.shape
    out = np.zeros(b.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out += a[i, j] * g[i * m:(i + 1) * m, j * n:(j + 1) * n]
    return out


@register_jitable
def diff_vjp(g, x):
    """The adjoint of np.diff(x) for 1-D x."""
    out = np.zeros(x.shape[0])
    for i in range(g.shape[0]):
        out[i + 1] += g[i]
        out[i] -= g[i]
    return out
