"""Rules for NumPy's shape functions, joins, sorting and products.

All shape functions are linear: their tangent is the function applied to
the tangent (`linear=True`), and their adjoint moves the cotangent back to
where each element came from. Where Numba lacks a NumPy spelling the rule
is keyed to a helper in adc_runtime (`rt.tile`), so generated code calls the
helper under both backends.
"""
import numpy as np

import adc_runtime as rt

from .core import BY_OBJECT, RULES, HOLOMORPHIC, OWN, REAL, complex_rules, defrule, first, jvp, same_dtype, vjp
from ..errors import AdcTypeError
from ..ir import T


def _rank(*ranks):
    def check(x, *rest):
        if x.ndim not in ranks:
            raise AdcTypeError(f"this function takes arrays of {' or '.join(map(str, ranks))} dimensions here")
        return x
    return check


def _shape_rank(shape):
    return len(shape.elems) if hasattr(shape, "elems") else 1


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
defrule("np.roll", np.roll, typer=first, linear=True)
vjp("np.roll")(lambda g, y, x, shift: (np.roll(g, -shift), 0))
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
defrule("np.repeat", np.repeat, typer=lambda x, reps: T(x.dtype, 1), linear=True)
vjp("np.repeat")(lambda g, y, x, reps: (rt.repeat_vjp(g, x, reps), 0))
defrule("rt.repeat_vjp", rt.repeat_vjp, typer=lambda g, x, reps: T(g.dtype, x.ndim), linear=True, shown="np.repeat")

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


def _inner_type(a, b):
    if a.ndim == 0 or b.ndim == 0 or a.ndim > 2 or b.ndim > 2:
        raise AdcTypeError("np.inner takes arrays of 1 or 2 dimensions here; use * for numbers")
    return T(same_dtype(a, b).dtype, a.ndim + b.ndim - 2)


defrule("rt.inner", np.inner, rt.inner, typer=_inner_type)
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (1, 1))(lambda g, y, a, b: (g * b, g * a))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (2, 1))(lambda g, y, a, b: (np.outer(g, b), np.dot(g, a)))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (1, 2))(lambda g, y, a, b: (np.dot(g, b), np.outer(g, a)))
vjp("rt.inner", when=lambda a, b: (a.ndim, b.ndim) == (2, 2))(lambda g, y, a, b: (np.dot(g, b), np.dot(g.T, a)))
jvp("rt.inner")(lambda y, a, b, da, db: (rt.inner(da, b), rt.inner(a, db)))

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


# ---------------------------------------------------------------- complex arguments (the linear rules above are holomorphic)

complex_rules(HOLOMORPHIC, "rt.inner", "np.kron", "rt.kron_vjp_a", "rt.kron_vjp_b")
complex_rules(OWN, "np.vdot")
complex_rules(REAL, "np.sort")  # NumPy orders complex numbers lexicographically
