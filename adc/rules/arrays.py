"""Rules for NumPy's shape functions, joins, sorting and products.

All shape functions are linear: their tangent is the function applied to
the tangent (`linear=True`), and their adjoint moves the cotangent back to
where each element came from. Where Numba lacks a NumPy spelling the rule
is keyed to a helper in adc_runtime (`rt.tile`), so generated code calls the
helper under both backends.
"""
import numpy as np

import adc_runtime as rt

from .core import BY_OBJECT, RULES, HOLOMORPHIC, OWN, REAL, complex_rules, defrule, first, jvp, matmul_core, same_dtype, vjp
from ..errors import AdcTypeError
from ..ir import T, TupleT


def _rank(*ranks):
    def check(x, *rest):
        if x.ndim not in ranks:
            raise AdcTypeError(f"this function takes arrays of {' or '.join(map(str, ranks))} dimensions here")
        return x
    return check


def _shape_rank(shape):
    return len(shape.elems) if hasattr(shape, "elems") else 1


def _counts(name, *counts):
    """Refuse counts, shifts and axes that are not integers (tuples of them included)."""
    if any(isinstance(c, TupleT) or c.ndim or c.dtype != "int64" for c in counts):
        raise AdcTypeError(f"{name} takes an integer here (not a tuple or an array of them)")


def _number(x, *rest):
    return x.ndim == 0


# ---------------------------------------------------------------- reshaping (views of their argument)

defrule("rt.reshape", np.reshape, rt.reshape, typer=lambda x, shape: T(x.dtype, _shape_rank(shape)), linear=True, view=True)
vjp("rt.reshape")(lambda g, y, x, shape: (rt.reshape(g, x.shape), 0))
defrule("rt.ravel", np.ravel, rt.ravel, typer=lambda x: T(x.dtype, 1), linear=True, view=True, shown="np.ravel")
vjp("rt.ravel", when=lambda x: x.ndim == 0)(lambda g, y, x: g[0])  # np.ravel of a number: a 1-element array
vjp("rt.ravel")(lambda g, y, x: rt.reshape(g, x.shape))
defrule("np.swapaxes", np.swapaxes, typer=first, linear=True, view=True)
vjp("np.swapaxes")(lambda g, y, x, a, b: (np.swapaxes(g, a, b), 0, 0))
BY_OBJECT[id(np.expand_dims)] = "rt.expand_axis"  # np.expand_dims(x, axis) and np.squeeze(x, axis)
BY_OBJECT[id(np.squeeze)] = "rt.squeeze_axis"

# ---------------------------------------------------------------- flips, rolls, triangles, diagonals

defrule("np.flip", np.flip, typer=_rank(1, 2), linear=True, view=True)
vjp("np.flip")(lambda g, y, x: np.flip(g))
defrule("rt.flip", rt.flip, typer=lambda x, axis: _rank(1, 2)(x), linear=True, view=True, shown="np.flip")  # np.flip(x, axis)
vjp("rt.flip")(lambda g, y, x, axis: (rt.flip(g, axis), 0))
defrule("np.fliplr", np.fliplr, typer=_rank(2), linear=True, view=True)
vjp("np.fliplr")(lambda g, y, x: np.fliplr(g))
defrule("np.flipud", np.flipud, typer=_rank(1, 2), linear=True, view=True)
vjp("np.flipud")(lambda g, y, x: np.flipud(g))
defrule("np.roll", np.roll, typer=lambda x, shift: _counts("np.roll's shift", shift) or x, linear=True)
vjp("np.roll")(lambda g, y, x, shift: (np.roll(g, -shift), 0))
defrule("rt.roll_axis", rt.roll_axis, typer=lambda x, shift, axis: _counts("np.roll", shift, axis) or _rank(1, 2)(x),
        linear=True, shown="np.roll(..., axis=...)")  # np.roll(x, shift, axis=a)
vjp("rt.roll_axis")(lambda g, y, x, shift, axis: (rt.roll_axis(g, -shift, axis), 0, 0))
defrule("np.triu", np.triu, typer=_rank(2), linear=True, core=lambda m, k: (2, None))  # on stacks: batched
vjp("np.triu")(lambda g, y, x, k: (np.triu(g, k), 0))
defrule("np.tril", np.tril, typer=_rank(2), linear=True, core=lambda m, k: (2, None))
vjp("np.tril")(lambda g, y, x, k: (np.tril(g, k), 0))
defrule("np.diag", np.diag, typer=lambda x, k: T(x.dtype, 3 - _rank(1, 2)(x).ndim), linear=True)
vjp("np.diag", when=lambda x, k: x.ndim == 2)(lambda g, y, x, k: (rt.diag_vjp(g, x, k), 0))  # of any shape
vjp("np.diag")(lambda g, y, x, k: (np.diag(g, k), 0))  # a vector laid along a diagonal: read it back
defrule("rt.diag_vjp", rt.diag_vjp, typer=lambda g, x, k: T(g.dtype, 2), linear=True, shown="np.diag")
defrule("np.diff", np.diff, typer=_rank(1), linear=True)
vjp("np.diff")(lambda g, y, x: rt.diff_vjp(g, x))
defrule("rt.diff_vjp", rt.diff_vjp, typer=lambda g, x: T(g.dtype, x.ndim), linear=True, shown="np.diff")


def _diagonal_type(x, k):
    if x.ndim != 2:
        raise AdcTypeError("np.diagonal takes matrices here (NumPy raises for 1-D arrays; np.diag makes a matrix of them)")
    _counts("np.diagonal's offset", k)
    return T(x.dtype, 1)


defrule("rt.diagonal", np.diagonal, rt.diagonal, typer=_diagonal_type, linear=True, view=True)
vjp("rt.diagonal")(lambda g, y, x, k: (rt.diag_vjp(g, x, k), 0))
defrule("np.rot90", np.rot90, typer=lambda m, k: _counts("np.rot90's k", k) or _rank(2)(m), linear=True, view=True)
vjp("np.rot90")(lambda g, y, m, k: (np.rot90(g, -k), 0))  # a rotation's inverse is its transpose

# ---------------------------------------------------------------- moving axes, promotion to a rank (views)

def _permuted(x, axes, inverse):
    if not isinstance(axes, TupleT) or len(axes.elems) != x.ndim:
        raise AdcTypeError(f"np.transpose of {x} takes {x.ndim} axes")
    return x


defrule("rt.transpose_axes", rt.transpose_axes, typer=_permuted, linear=True, view=True, shown="np.transpose")
vjp("rt.transpose_axes")(lambda g, y, x, axes, inverse: (rt.transpose_axes(g, inverse, axes), 0, 0))
defrule("np.moveaxis", np.moveaxis, typer=lambda x, a, b: _counts("np.moveaxis", a, b) or x, linear=True, view=True)
vjp("np.moveaxis")(lambda g, y, x, a, b: (np.moveaxis(g, b, a), 0, 0))
defrule("rt.rollaxis", np.rollaxis, rt.rollaxis, typer=lambda x, a, b: _counts("np.rollaxis", a, b) or x, linear=True,
        view=True)
vjp("rt.rollaxis")(lambda g, y, x, a, b: (rt.rollaxis_vjp(g, a, b), 0, 0))
defrule("rt.rollaxis_vjp", rt.rollaxis_vjp, typer=first, linear=True, shown="np.rollaxis")
vjp("rt.rollaxis_vjp")(lambda g, y, x, a, b: (rt.rollaxis(g, a, b), 0, 0))


def _at_least(k):
    def typer(x):
        if isinstance(x, TupleT):
            raise AdcTypeError("this function takes a number or an array here, not a tuple")
        return T(x.dtype, max(x.ndim, k))
    return typer


for _k, _helper in ((1, rt.atleast_1d), (2, rt.atleast_2d), (3, rt.atleast_3d)):
    defrule(f"rt.atleast_{_k}d", getattr(np, f"atleast_{_k}d"), _helper, typer=_at_least(_k), linear=True, view=True)
defrule("rt.as_column", rt.as_column, typer=_at_least(2), linear=True, view=True, shown="np.column_stack")
for _key, _k in (("rt.atleast_1d", 1), ("rt.atleast_2d", 2), ("rt.atleast_3d", 3), ("rt.as_column", 2)):
    vjp(_key, when=_number)(lambda g, y, x: np.sum(g))  # a number made an array of one element
    vjp(_key, when=lambda x, _k=_k: x.ndim >= _k)(lambda g, y, x: g)
    vjp(_key)(lambda g, y, x: rt.reshape(g, x.shape))
defrule("rt.real_if_close", np.real_if_close, rt.real_if_close, typer=first, linear=True, view=True, complex=REAL)
vjp("rt.real_if_close")(lambda g, y, x: g)


def _matrix(x):
    if x.ndim != 2:
        raise AdcTypeError(f"{x} where adc takes a matrix (np.tensordot(a, b, axes=2) of matrices, np.linalg.norm(x, ord, "
                           "axis=(0, 1))); for other ranks pass lists of axes, axes=([1, 2], [0, 1]), or axis=(-2, -1)")
    return x


defrule("rt.matrix", rt.matrix, typer=_matrix, linear=True, view=True, shown="a matrix argument")  # the callers check
vjp("rt.matrix")(lambda g, y, x: g)

# ---------------------------------------------------------------- splitting, the builtin sum of an array

defrule("rt.split_start", rt.split_start, typer=lambda *t: T("int64"), nondiff=True, shown="np.split")


def _split_axis(name, least):
    def typer(x):
        if x.ndim < least:
            raise AdcTypeError(f"{name} takes arrays of at least {least} dimension{'s' * (least > 1)}, not {x}")
        return T("int64")
    return typer


defrule("rt.hsplit_axis", rt.hsplit_axis, typer=_split_axis("np.hsplit", 1), nondiff=True, shown="np.hsplit")
defrule("rt.vsplit_axis", rt.vsplit_axis, typer=_split_axis("np.vsplit", 2), nondiff=True, shown="np.vsplit")


def _summed(x):
    if isinstance(x, TupleT) or x.ndim not in (1, 2):
        raise AdcTypeError(f"sum of {x}: adc adds up the rows of 1-D and 2-D arrays and the elements of tuples "
                           "written out (sum((a, b, c)))")
    return T("int64" if x.dtype == "bool" else x.dtype, x.ndim - 1)


defrule("rt.sum_leading", rt.sum_leading, typer=_summed, linear=True, shown="sum")  # sum(x) = x[0] + x[1] + ...
vjp("rt.sum_leading", when=lambda x: x.ndim == 1)(lambda g, y, x: np.full_like(x, g))
vjp("rt.sum_leading")(lambda g, y, x: rt.spread(g, x, 0))

# ---------------------------------------------------------------- repeating

def _tiled(x, reps):
    """np.tile(x, reps): the rank of x or of reps (a count or a tuple of counts), whichever is larger."""
    counts = reps.elems if hasattr(reps, "elems") else (reps,)
    if any(getattr(c, "dtype", None) != "int64" or c.ndim for c in counts):
        raise AdcTypeError("np.tile takes a count or a tuple of counts written out: np.tile(x, 3), np.tile(A, (2, 1))")
    ndim = max(_rank(1, 2)(x).ndim, len(counts))
    if ndim > 2:
        raise AdcTypeError("np.tile makes arrays of 1 or 2 dimensions here: give reps one or two counts")
    return T(x.dtype, ndim)


defrule("rt.tile", np.tile, rt.tile, typer=_tiled, linear=True, shown="np.tile")
vjp("rt.tile")(lambda g, y, x, reps: (rt.tile_vjp(g, x), 0))  # the counts are read from the shapes
defrule("rt.tile_vjp", rt.tile_vjp, typer=lambda g, x: T(g.dtype, x.ndim), linear=True, shown="np.tile")
defrule("np.repeat", np.repeat, typer=lambda x, reps: _counts("np.repeat's count", reps) or T(x.dtype, 1), linear=True)
vjp("np.repeat")(lambda g, y, x, reps: (rt.repeat_vjp(g, x, reps), 0))
defrule("rt.repeat_vjp", rt.repeat_vjp, typer=lambda g, x, reps: T(g.dtype, x.ndim), linear=True, shown="np.repeat")
defrule("rt.repeat_axis", rt.repeat_axis, typer=lambda x, reps, axis: _counts("np.repeat", reps, axis) or _rank(1, 2)(x),
        linear=True, shown="np.repeat(..., axis=...)")  # np.repeat(x, reps, axis=a): the rank stays
vjp("rt.repeat_axis")(lambda g, y, x, reps, axis: (rt.repeat_axis_vjp(g, x, reps, axis), 0, 0))
defrule("rt.repeat_axis_vjp", rt.repeat_axis_vjp, typer=lambda g, x, reps, axis: T(g.dtype, x.ndim), linear=True,
        shown="np.repeat(..., axis=...)")

# ---------------------------------------------------------------- joining: (axis, *arrays) -> one array

defrule("rt.concatenate", rt.concatenate, typer=lambda axis, *xs: same_dtype(*xs), linear=True, part="rt.concatenate_part", lead=1)
defrule("rt.stack", rt.stack, typer=lambda axis, *xs: same_dtype(*xs).with_ndim(xs[0].ndim + 1), linear=True,
        part="rt.stack_part", lead=1)
defrule("rt.hstack", rt.hstack, typer=lambda *xs: same_dtype(*xs), linear=True, part="rt.hstack_part")
defrule("rt.vstack", rt.vstack, typer=lambda *xs: same_dtype(*xs).with_ndim(2), linear=True, part="rt.vstack_part")
for _join in ("concatenate", "stack", "hstack", "vstack"):
    RULES[f"rt.{_join}"].shown = f"np.{_join}"
for _join in ("concatenate", "stack", "hstack", "vstack"):  # the part of xs[k] in the cotangent g: (g, k, ...)
    defrule(f"rt.{_join}_part", getattr(rt, f"{_join}_part"), typer=lambda g, k, *rest, _j=_join: T(g.dtype, rest[-1].ndim), linear=True)

# ---------------------------------------------------------------- sorting and indexing helpers

defrule("np.sort", np.sort, typer=_rank(1))
vjp("np.sort")(lambda g, y, x: rt.unpermute(g, np.argsort(x)))
jvp("np.sort")(lambda y, x, dx: dx[np.argsort(x)])
defrule("np.argsort", np.argsort, typer=lambda x: T("int64", _rank(1)(x).ndim), nondiff=True)
defrule("rt.unpermute", rt.unpermute, typer=first, linear=True)
defrule("rt.take_add", rt.take_add, typer=lambda buf, idx, g: None, pure=False, scatter=True)
defrule("rt.mask_add", rt.mask_add, typer=lambda buf, mask, g: None, pure=False, scatter=True)

# ---------------------------------------------------------------- products


def _product_type(name):
    def typer(a, b):
        if a.ndim == 0 or b.ndim == 0:  # with a number, np.dot and np.inner are the product
            return same_dtype(a, b)
        if a.ndim > 2 or b.ndim > 2:
            raise AdcTypeError(f"{name} takes numbers and arrays of 1 or 2 dimensions here")
        return T(same_dtype(a, b).dtype, a.ndim + b.ndim - 2)
    return typer


def _matmul_type(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise AdcTypeError("@ and np.matmul of a number raise in NumPy (a ValueError); multiply with *, or use np.dot")
    return _product_type("@ and np.matmul")(a, b)


defrule("np.dot", np.dot, typer=_product_type("np.dot"))
defrule("np.matmul", np.matmul, typer=_matmul_type, shown="np.matmul (@)", spelled="np.dot",
        core=matmul_core)  # of arrays, np.dot
defrule("rt.inner", np.inner, rt.inner, typer=_product_type("np.inner"))
for _key in ("np.dot", "rt.inner"):  # with a number: the product
    vjp(_key, when=lambda a, b: a.ndim == 0 and b.ndim == 0)(lambda g, y, a, b: (g * b, g * a))
    vjp(_key, when=lambda a, b: a.ndim == 0)(lambda g, y, a, b: (np.sum(g * b), g * a))
    vjp(_key, when=lambda a, b: b.ndim == 0)(lambda g, y, a, b: (g * b, np.sum(g * a)))
for _key in ("np.dot", "np.matmul"):
    vjp(_key, when=lambda a, b: (a.ndim, b.ndim) == (1, 1))(lambda g, y, a, b: (g * b, g * a))
    vjp(_key, when=lambda a, b: (a.ndim, b.ndim) == (2, 1))(lambda g, y, a, b: (np.outer(g, b), np.dot(a.T, g)))
    vjp(_key, when=lambda a, b: (a.ndim, b.ndim) == (1, 2))(lambda g, y, a, b: (np.dot(b, g), np.outer(a, g)))
    vjp(_key, when=lambda a, b: (a.ndim, b.ndim) == (2, 2))(lambda g, y, a, b: (np.dot(g, b.T), np.dot(a.T, g)))
    jvp(_key)(lambda y, a, b, da, db: (np.dot(da, b), np.dot(a, db)))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (1, 1))(lambda g, y, a, b: (g * b, g * a))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (2, 1))(lambda g, y, a, b: (np.outer(g, b), np.dot(g, a)))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (1, 2))(lambda g, y, a, b: (np.dot(g, b), np.outer(g, a)))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (2, 2))(lambda g, y, a, b: (np.dot(g, b), np.dot(g.T, a)))
jvp("rt.inner")(lambda y, a, b, da, db: (rt.inner(da, b), rt.inner(a, db)))

# np.outer flattens its arguments: a number is a row (or a column) of one element, a matrix its elements
defrule("np.outer", np.outer, typer=lambda a, b: T(same_dtype(a, b).dtype, 2))
vjp("np.outer", when=lambda a, b: a.ndim == 0 and b.ndim == 0)(lambda g, y, a, b: (g[0, 0] * b, g[0, 0] * a))
vjp("np.outer", when=lambda a, b: a.ndim == 0)(lambda g, y, a, b: (np.sum(g[0] * rt.ravel(b)),
                                                                     rt.reshape(g[0] * a, b.shape)))
vjp("np.outer", when=lambda a, b: b.ndim == 0)(lambda g, y, a, b: (rt.reshape(g[:, 0] * b, a.shape),
                                                                     np.sum(g[:, 0] * rt.ravel(a))))
vjp("np.outer", when=lambda a, b: (a.ndim, b.ndim) == (1, 1))(lambda g, y, a, b: (np.dot(g, b), np.dot(a, g)))
vjp("np.outer")(lambda g, y, a, b: (rt.reshape(np.dot(g, rt.ravel(b)), a.shape), rt.reshape(np.dot(rt.ravel(a), g), b.shape)))
jvp("np.outer")(lambda y, a, b, da, db: (np.outer(da, b), np.outer(a, db)))

# np.cross of 3-vectors (rt.cross refuses other lengths at run time): bilinear, rows broadcast
defrule("rt.cross", np.cross, rt.cross, typer=lambda a, b: same_dtype(_rank(1, 2)(a), _rank(1, 2)(b)), broadcasting=True)
vjp("rt.cross")(lambda g, y, a, b: (rt.cross(b, g), rt.cross(g, a)))
jvp("rt.cross")(lambda y, a, b, da, db: (rt.cross(da, b), rt.cross(a, db)))

defrule("np.vdot", np.vdot, typer=lambda a, b: T(same_dtype(_rank(1)(a), _rank(1)(b)).dtype))
vjp("np.vdot")(lambda g, y, a, b: (np.conj(g * b), g * np.conj(a)))  # vdot(a, b) = sum(conj(a) * b)
jvp("np.vdot")(lambda y, a, b, da, db: (np.vdot(da, b), np.vdot(a, db)))

defrule("np.kron", np.kron, typer=lambda a, b: same_dtype(_rank(2)(a), _rank(2)(b)))
vjp("np.kron")(lambda g, y, a, b: (rt.kron_vjp_a(g, a, b), rt.kron_vjp_b(g, a, b)))
jvp("np.kron")(lambda y, a, b, da, db: (np.kron(da, b), np.kron(a, db)))
defrule("rt.kron_vjp_a", rt.kron_vjp_a, typer=lambda g, a, b: T(same_dtype(g, b).dtype, 2), shown="np.kron")
defrule("rt.kron_vjp_b", rt.kron_vjp_b, typer=lambda g, a, b: T(same_dtype(g, a).dtype, 2), shown="np.kron")
jvp("rt.kron_vjp_a")(lambda y, g, a, b, dg, da, db: (rt.kron_vjp_a(dg, a, b), np.zeros_like(a),
                                                      rt.kron_vjp_a(g, a, db)))
jvp("rt.kron_vjp_b")(lambda y, g, a, b, dg, da, db: (rt.kron_vjp_b(dg, a, b), rt.kron_vjp_b(g, da, b),
                                                      np.zeros_like(b)))



def _contracted(a, b, axes_a, axes_b):
    """The rank of tensordot(a, b, (axes_a, axes_b)) (rt.tensordot)."""
    k = len(axes_a.elems)
    if k != len(axes_b.elems) or k > a.ndim or k > b.ndim:
        raise AdcTypeError(f"np.tensordot of {a} and {b} over {len(axes_a.elems)} and {len(axes_b.elems)} axes: "
                           "give as many axes of each, no more than it has")
    return a.ndim + b.ndim - 2 * k


# np.tensordot(a, b, axes=([1, 0], [0, 1])): bilinear; each adjoint contracts g with the other factor
defrule("rt.tensordot", rt.tensordot, typer=lambda a, b, p, q: T(same_dtype(a, b).dtype, _contracted(a, b, p, q)),
        shown="np.tensordot")
vjp("rt.tensordot")(lambda g, y, a, b, p, q: (rt.tensordot_a(g, b, p, q), rt.tensordot_b(g, a, p, q), 0, 0))
jvp("rt.tensordot")(lambda y, a, b, p, q, da, db, dp, dq: (rt.tensordot(da, b, p, q), rt.tensordot(a, db, p, q), 0, 0))
defrule("rt.tensordot_a", rt.tensordot_a, typer=lambda g, b, p, q: T(same_dtype(g, b).dtype, g.ndim - b.ndim + 2 * len(q.elems)),
        shown="np.tensordot")
defrule("rt.tensordot_b", rt.tensordot_b, typer=lambda g, a, p, q: T(same_dtype(g, a).dtype, g.ndim - a.ndim + 2 * len(p.elems)),
        shown="np.tensordot")
jvp("rt.tensordot_a")(lambda y, g, b, p, q, dg, db, dp, dq: (rt.tensordot_a(dg, b, p, q), rt.tensordot_a(g, db, p, q), 0, 0))
jvp("rt.tensordot_b")(lambda y, g, a, p, q, dg, da, dp, dq: (rt.tensordot_b(dg, a, p, q), rt.tensordot_b(g, da, p, q), 0, 0))


# ---------------------------------------------------------------- complex arguments (the linear rules above are holomorphic)

complex_rules(HOLOMORPHIC, "np.dot", "np.matmul", "np.outer", "rt.inner", "np.kron", "rt.kron_vjp_a", "rt.kron_vjp_b",
              "rt.cross", "rt.tensordot", "rt.tensordot_a", "rt.tensordot_b")
complex_rules(OWN, "np.vdot")
complex_rules(REAL, "np.sort")  # NumPy orders complex numbers lexicographically
