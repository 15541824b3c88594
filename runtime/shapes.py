"""Shape helpers for the NumPy calls adc lowers to more than one rule: promotion to a rank
(np.atleast_2d), splitting, rolling and repeating along an axis, moving axes, the builtin sum
of an array, and the adjoints of those that are not their own kind.

Every helper runs under CPython (where it is NumPy's function) and inside Numba-compiled code
(an overload per rank where Numba lacks the NumPy spelling); they take arrays of rank 1 and 2
unless said otherwise.
"""
import numpy as np
from numba import types
from numba.extending import overload, register_jitable


@register_jitable
def axis_index(axis, ndim):
    """`axis` in 0 .. ndim - 1; NumPy's AxisError (a ValueError) when it is out of range."""
    if axis < -ndim or axis >= ndim:
        raise ValueError("axis is out of bounds for the array")
    return axis + ndim if axis < 0 else axis


@register_jitable
def nth_axis(x, axes, k):
    """The k-th smallest of `axes` (a reduction's tuple axis=) counted from 0 in x's dimensions;
    NumPy's errors for an axis out of range or given twice."""
    n = len(axes)
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = axis_index(axes[i], x.ndim)
    out = np.sort(out)
    for i in range(1, n):
        if out[i] == out[i - 1]:
            raise ValueError("duplicate value in 'axis'")
    return out[k]


# ---------------------------------------------------------------- promotion to a rank

def atleast_1d(x):
    return np.atleast_1d(x)


def atleast_2d(x):
    return np.atleast_2d(x)


def atleast_3d(x):
    return np.atleast_3d(x)


def as_column(x):
    """What np.column_stack makes of each array: a column for a number or a 1-D array."""
    return np.atleast_2d(x).T if np.ndim(x) < 2 else x


def _promoted(numpy_fn, k):
    shape = (1,) * k

    def typer(x):
        if isinstance(x, types.Number):
            return lambda x: np.full(shape, x)
        return lambda x: numpy_fn(x)
    return typer


overload(atleast_1d)(_promoted(np.atleast_1d, 1))
overload(atleast_2d)(_promoted(np.atleast_2d, 2))
overload(atleast_3d)(_promoted(np.atleast_3d, 3))


@overload(as_column)
def _as_column_numba(x):
    if isinstance(x, types.Number):
        return lambda x: np.full((1, 1), x)
    if x.ndim == 1:
        return lambda x: np.atleast_2d(x).T
    return lambda x: x


@register_jitable
def real_if_close(x):
    """np.real_if_close of a real value: the value (adc refuses complex ones: their result's type
    depends on their values)."""
    return x


@register_jitable
def matrix(x):
    """x, which adc's types have checked is a matrix (a reduction over axis=(0, 1))."""
    return x


@register_jitable
def diagonal(x, k):
    """np.diagonal(x, k) of a matrix (a copy: adc treats it as a view all the same)."""
    return np.diag(x, k)


# ---------------------------------------------------------------- splitting

@register_jitable
def split_start(total, sections, k, equal):
    """Where part k of np.array_split(x, sections) starts along an axis of length `total`;
    np.split (`equal`) raises as NumPy does when the parts would not be of one length."""
    q, r = total // sections, total % sections
    if equal and r:
        raise ValueError("array split does not result in an equal division")
    return k * q + min(k, r)


def hsplit_axis(x):
    """The axis np.hsplit splits: 0 for a 1-D array, else 1."""
    return 0 if np.ndim(x) == 1 else 1


@overload(hsplit_axis)
def _hsplit_axis_numba(x):
    axis = 0 if x.ndim == 1 else 1
    return lambda x: axis


@register_jitable
def vsplit_axis(x):
    """The axis np.vsplit splits (adc's types have checked that x has two dimensions or more)."""
    return 0


# ---------------------------------------------------------------- rolling and repeating along an axis

def roll_axis(x, shift, axis):
    """np.roll(x, shift, axis=axis)."""
    return np.roll(x, shift, axis)


@overload(roll_axis)
def _roll_axis_numba(x, shift, axis):
    if x.ndim == 1:
        def roll1(x, shift, axis):
            axis_index(axis, 1)
            return np.roll(x, shift)
        return roll1
    if x.ndim != 2:
        return None

    def roll2(x, shift, axis):
        a = axis_index(axis, 2)
        n, m = x.shape
        out = np.empty_like(x)
        if a == 0:
            for i in range(n):
                out[(i + shift) % n, :] = x[i, :]
        else:
            for j in range(m):
                out[:, (j + shift) % m] = x[:, j]
        return out
    return roll2


def repeat_axis(x, reps, axis):
    """np.repeat(x, reps, axis=axis) for a count `reps`."""
    return np.repeat(x, reps, axis)


@overload(repeat_axis)
def _repeat_axis_numba(x, reps, axis):
    if x.ndim == 1:
        def repeat1(x, reps, axis):
            axis_index(axis, 1)
            return np.repeat(x, reps)
        return repeat1
    if x.ndim != 2:
        return None

    def repeat2(x, reps, axis):
        a = axis_index(axis, 2)
        if reps < 0:
            raise ValueError("negative dimensions are not allowed")
        n, m = x.shape
        out = np.empty((n * reps, m) if a == 0 else (n, m * reps), x.dtype)
        for r in range(reps):
            if a == 0:
                for i in range(n):
                    out[i * reps + r, :] = x[i, :]
            else:
                for j in range(m):
                    out[:, j * reps + r] = x[:, j]
        return out
    return repeat2


def repeat_axis_vjp(g, x, reps, axis):
    """The adjoint of repeat_axis(x, reps, axis): each run of `reps` along the axis summed."""
    a = axis % x.ndim
    h = np.moveaxis(g, a, 0)
    h = h.reshape((x.shape[a], reps) + h.shape[1:]).sum(axis=1)
    return np.ascontiguousarray(np.moveaxis(h, 0, a))


@overload(repeat_axis_vjp)
def _repeat_axis_vjp_numba(g, x, reps, axis):
    if x.ndim == 1:
        def vjp1(g, x, reps, axis):
            out = np.zeros(x.shape[0], g.dtype)
            for i in range(x.shape[0]):
                for r in range(reps):
                    out[i] += g[i * reps + r]
            return out
        return vjp1

    def vjp2(g, x, reps, axis):
        a = axis_index(axis, 2)
        n, m = x.shape
        out = np.zeros((n, m), g.dtype)
        for r in range(reps):
            if a == 0:
                for i in range(n):
                    out[i, :] += g[i * reps + r, :]
            else:
                for j in range(m):
                    out[:, j] += g[:, j * reps + r]
        return out
    return vjp2


# ---------------------------------------------------------------- moving axes

@register_jitable
def transpose_axes(x, axes, inverse):
    """np.transpose(x, axes); `inverse`, the inverse permutation, is what its adjoint transposes by."""
    return np.transpose(x, axes)


@register_jitable
def _rolled(ndim, axis, start):
    """(source, destination) of np.rollaxis(x, axis, start) as np.moveaxis takes them."""
    axis = axis_index(axis, ndim)
    if start < 0:
        start += ndim
    if start < 0 or start > ndim:
        raise ValueError("start arg of rollaxis is out of bounds for the array")
    return axis, start - 1 if axis < start else start


@register_jitable
def rollaxis(x, axis, start):
    """np.rollaxis(x, axis, start) (Numba has np.moveaxis only)."""
    source, destination = _rolled(x.ndim, axis, start)
    return np.moveaxis(x, source, destination)


@register_jitable
def rollaxis_vjp(g, axis, start):
    """The adjoint of rollaxis(x, axis, start): the axis moved back."""
    source, destination = _rolled(g.ndim, axis, start)
    return np.moveaxis(g, destination, source)


# ---------------------------------------------------------------- the builtin sum of an array

def sum_leading(x):
    """sum(x) of an array, as Python adds its rows: np.sum(x, axis=0) of x's dtype (an int for bools)."""
    return np.sum(x, axis=0)


@overload(sum_leading)
def _sum_leading_numba(x):
    if x.ndim == 1:
        return lambda x: np.sum(x)
    if x.ndim != 2:
        return None
    dtype = (np.int64 if isinstance(x.dtype, (types.Integer, types.Boolean))
             else np.complex128 if isinstance(x.dtype, types.Complex) else np.float64)

    def impl(x):
        out = np.zeros(x.shape[1], dtype)
        for i in range(x.shape[0]):
            for j in range(x.shape[1]):
                out[j] += x[i, j]
        return out
    return impl
