"""NumPy's reductions with keywords or an axis by position: np.sum(x, axis=1, keepdims=True),
np.mean(x, 0), np.var(x, axis=(0, 1), ddof=1), np.linalg.norm(x, axis=0).

Contract: `has_axis_keywords` says whether a call of a reduction is of this kind; `reduce_axis`
lowers it through the `Lowerer` and returns the reduced value: along
one constant axis a runtime helper (`rt.sum_axis(x, a)`), then `rt.expand_axis` for keepdims=;
over a tuple of axes (axis=(0, 2)) one axis after another (`rt.nth_axis` places each when types
and shapes are known); ddof= rescales a variance; np.linalg.norm's ord= picks a vector or a matrix
norm (`_norm`). Axes, keepdims=, ddof= and ord= are constants when lowering (written out, or names bound to them), by keyword or by position.
"""
import gast
import numpy as np

import adc_runtime as rt

from ...ir import Value
from .values import Static, hashable

AXIS_REDUCTIONS = {np.sum: "sum", np.mean: "mean", np.prod: "prod", np.max: "max", np.min: "min",
                   np.amax: "max", np.amin: "min", np.average: "mean", np.std: "std", np.var: "var", np.linalg.norm: "norm"}
KEYWORDS = {"std": ("axis", "keepdims", "ddof"), "var": ("axis", "keepdims", "ddof"), "norm": ("axis", "keepdims", "ord")}


def has_axis_keywords(lw, node, fn, args):
    """A reduction with axis=, keepdims=, ... by keyword or by position (np.sum(x, 0))."""
    return hashable(fn) in AXIS_REDUCTIONS and (bool(node.keywords) or len(args) > 1)


def _by_position(lw, node, fn, name, args):
    """The keywords a reduction's positional arguments after the array stand for: axis (for the norm
    ord, axis, keepdims), written as constants in the source."""
    extra = len(args) - 1
    names = ("ord", "axis", "keepdims") if name == "norm" else ("axis",)
    if extra > len(names) and fn is np.average:
        lw.fail(node, "np.average with weights", "write the weighted mean out: np.sum(w * x) / np.sum(w)")
    if extra > len(names):
        lw.fail(node, "a reduction with positional arguments after axis", "pass keepdims= (and ddof=) by keyword")
    out = {}
    for key, sub in zip(names, node.args[len(node.args) - extra:] if extra else []):
        out[key] = known(lw, sub, key)
    return out


def known(lw, node, key):
    """The constant `node` stands for when lowering: written out (a tuple of them for an axis), or
    a name bound to one (a helper's parameter, `def lse(x, axis): ... np.max(x, axis=axis)`)."""
    if isinstance(node, gast.Tuple):
        return tuple(known(lw, e, key) for e in node.elts)
    if isinstance(node, gast.Constant):
        return node.value
    if key == "ord" and isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = known(lw, node.operand, key)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
    v = lw.expr(node)
    if key == "ord" and isinstance(v, Static) and isinstance(v.obj, (float, str)):
        return v.obj
    if key == "ord" and isinstance(v, Value) and isinstance(lw.b.consts.get(v.id), (float, str)):
        return lw.b.consts[v.id]
    if isinstance(v, Static) and (v.obj is None or isinstance(v.obj, (bool, int))):
        return v.obj
    if isinstance(v, Value) and isinstance(lw.b.consts.get(v.id), (bool, int)):
        return lw.b.consts[v.id]
    if isinstance(v, Value) and v.id in lw.tuples:
        parts = [lw.b.consts.get(p.id) for p in lw.tuples[v.id]]
        if all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            return tuple(parts)
    lw.fail(node, f"a computed {key}=", f"write {key} as a constant, or pass one to the function that uses it")


def reduce_axis(lw, node, fn, args):
    """np.sum(x, axis=a, keepdims=k) (or np.sum(x, a)) -> rt.sum_axis(x, a), then rt.expand_axis when keepdims;
    ddof=d scales a variance by n / (n - d) (a standard deviation by its root); the norm along
    an axis is the root of the sum of squared magnitudes."""
    name = AXIS_REDUCTIONS[hashable(fn)]
    kw = _by_position(lw, node, hashable(fn), name, args)
    for k in node.keywords:
        if k.arg in kw:
            lw.fail(k.value, f"{k.arg}= given twice (by position and by keyword)", f"pass {k.arg} once")
        kw[k.arg] = known(lw, k.value, k.arg)
    args = [lw.as_value(args[0], node)]  # the others are read from the source
    axis, keep, ddof = kw.get("axis"), kw.get("keepdims", False), kw.get("ddof", 0)
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    if kw.get("ord") is not None:
        return _norm(lw, node, args[0], kw["ord"], axis, keep)
    if not isinstance(ddof, int) or isinstance(ddof, bool) or ddof < 0:
        lw.fail(node, f"ddof={ddof!r}", "pass a non-negative integer")
    if isinstance(axis, tuple):
        return _over_axes(lw, node, name, args[0], _axes(lw, node, axis), keep, ddof)
    if axis is None:
        out = lw.call_rule(node, fn, args)
    elif name == "norm":
        out = lw.apply_template(lambda x, a: np.sqrt(rt.sum_axis(np.real(x * np.conj(x)), a)), [args[0], lw.b.const(axis)])
    else:
        out = lw.b.emit("call", [args[0], lw.b.const(axis)], attrs={"fn": f"rt.{name}_axis"})
    if ddof:
        out = lw.apply_template(_DDOF[name, axis is not None], [out, args[0], lw.b.const(axis or 0), lw.b.const(ddof)])
    if keep and axis is None:  # every axis kept, of length 1
        return lw.b.emit("call", [out, args[0]], attrs={"fn": "rt.keep_all"})
    if keep:
        out = lw.b.emit("call", [out, lw.b.const(axis)], attrs={"fn": "rt.expand_axis"})
    return out


def _axes(lw, node, axes):
    """axis=(0, 2) as a tuple value; integers written out, none twice when they count from one end."""
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        lw.fail(node, f"a reduction over axis={axes}", "write the axes as integers: axis=(0, 2)")
    for sign in (lambda a: a >= 0, lambda a: a < 0):
        same = [a for a in axes if sign(a)]
        if len(set(same)) < len(same):
            lw.fail(node, f"a reduction over axis={axes}, which names an axis twice (NumPy raises)",
                    "give each axis once")
    return lw.expr_values([lw.b.const(a) for a in axes])


def _over_axes(lw, node, name, x, axes, keep, ddof):
    """A reduction over a tuple of axes: along each of them, the highest first, so that the others
    keep their place (rt.nth_axis counts each from x's dimensions when types and shapes are known;
    an axis out of range or named twice raises as NumPy raises); the spread of the values over them
    (var, std) as the mean of the squared distances from their mean; keepdims adds them back, the
    lowest first. The norm over two axes is the Frobenius norm."""
    n = len(lw.tuples[axes.id])

    def nth(k):
        return lw.b.emit("call", [x, axes, lw.b.const(k)], attrs={"fn": "rt.nth_axis"}, name="axis")

    def along(v, reducer):
        for k in reversed(range(n)):
            v = lw.b.emit("call", [v, nth(k)], attrs={"fn": f"rt.{reducer}_axis"})
        return v

    def kept(v):
        for k in range(n):
            v = lw.b.emit("call", [v, nth(k)], attrs={"fn": "rt.expand_axis"})
        return v

    if name in ("var", "std"):
        m = kept(along(x, "mean"))
        out = along(lw.apply_template(lambda x, m: np.real((x - m) * np.conj(x - m)), [x, m]), "mean")
        if ddof:
            out = lw.apply_template(lambda v, x, m, d: v * (x.size / (x.size - d * m.size)), [out, x, m, lw.b.const(ddof)])
        if name == "std":
            out = lw.apply_template(lambda v: np.sqrt(v), [out])
    elif name == "norm":
        out = lw.apply_template(lambda s: np.sqrt(s), [along(lw.apply_template(lambda x: np.real(x * np.conj(x)), [x]), "sum")])
    else:
        out = along(x, name)
    return kept(out) if keep else out


# np.linalg.norm(x, ord): of a vector (x of one axis, or along axis=k), and of a matrix (x of two, or
# over axis=(r, c)); ord=None and "fro" are the 2-norm of the elements, as the reductions above take it
_VECTOR = {  # ord -> the norm along axis a
    np.inf: lambda x, a: rt.max_axis(np.abs(x), a),
    -np.inf: lambda x, a: rt.min_axis(np.abs(x), a),
    1: lambda x, a: rt.sum_axis(np.abs(x), a),
    2: lambda x, a: np.sqrt(rt.sum_axis(np.real(x * np.conj(x)), a)),
}
_MATRIX = {  # ord -> the reductions, in order, along axis r (0) or c (1) of axis=(r, c): the column sums' max, ...
    1: (("sum", 0), ("max", 1)), -1: (("sum", 0), ("min", 1)), np.inf: (("sum", 1), ("max", 0)),
    -np.inf: (("sum", 1), ("min", 0)),
}
_SPECTRAL = {  # ord -> the reduction of the singular values
    2: lambda x: rt.max_axis(np.linalg.svd(x, False, False), -1),
    -2: lambda x: rt.min_axis(np.linalg.svd(x, False, False), -1),
    "nuc": lambda x: rt.sum_axis(np.linalg.svd(x, False, False), -1),
}
_WHOLE = {np.inf: "la.norm_inf", -np.inf: "la.norm_neg_inf", 1: "la.norm_1", -1: "la.norm_neg_1", 2: "la.norm_2",
          -2: "la.norm_neg_2", "fro": "la.norm_fro", "nuc": "la.norm_nuc"}  # axis=None: by the rank, when typed


def _norm(lw, node, x, order, axis, keep):
    """np.linalg.norm(x, ord, axis, keepdims) for an ord other than None."""
    number = isinstance(order, (int, float)) and not isinstance(order, bool)
    if not (number or order in ("fro", "nuc")) or (number and order == 0):
        lw.fail(node, f"np.linalg.norm with ord={order!r}", "adc takes ord=None, 'fro', 'nuc', inf, -inf and numbers "
                "other than 0 (a count of nonzero elements, which has no derivative)")
    if axis is None:
        if keep:
            lw.fail(node, "np.linalg.norm with ord= and keepdims=True but no axis", "pass the axes: axis=(0, 1)")
        key = _WHOLE.get(order, "la.norm_p")
        return lw.b.emit("call", [x] + ([lw.b.const(float(order))] if key == "la.norm_p" else []), attrs={"fn": key})
    if not isinstance(axis, tuple):
        if order in ("fro", "nuc"):
            lw.fail(node, f"np.linalg.norm with ord={order!r} along one axis", "pass two axes: axis=(0, 1)")
        template = _VECTOR.get(order, lambda x, a, p: rt.sum_axis(np.abs(x) ** p, a) ** (1.0 / p))
        extra = [lw.b.const(float(order))] if order not in _VECTOR else []
        out = lw.apply_template(template, [x, lw.b.const(axis)] + extra)
        return lw.b.emit("call", [out, lw.b.const(axis)], attrs={"fn": "rt.expand_axis"}) if keep else out
    if len(axis) != 2:
        lw.fail(node, f"np.linalg.norm over axis={axis}", "pass one axis (a vector norm) or two (a matrix norm)")
    if order == "fro":
        return _over_axes(lw, node, "norm", x, _axes(lw, node, axis), keep, 0)
    axes = _axes(lw, node, axis)
    if order in _MATRIX:
        v = lw.apply_template(lambda x: np.abs(x), [x])
        for reducer, k in _MATRIX[order]:  # each keeping its axis, so that the other keeps its place
            a = axis[k]
            v = lw.b.emit("call", [lw.b.emit("call", [v, lw.b.const(a)], attrs={"fn": f"rt.{reducer}_axis"}),
                                   lw.b.const(a)], attrs={"fn": "rt.expand_axis"})
        for k in () if keep else (1, 0):
            v = lw.b.emit("call", [v, lw.b.emit("call", [x, axes, lw.b.const(k)], attrs={"fn": "rt.nth_axis"},
                                                name="axis")], attrs={"fn": "rt.squeeze_axis"})
        return v
    if order not in _SPECTRAL:
        lw.fail(node, f"np.linalg.norm of a matrix with ord={order!r}", "NumPy takes 'fro', 'nuc', 1, -1, 2, -2, inf, -inf")
    if axis not in ((-2, -1), (-1, -2), (0, 1), (1, 0)):
        lw.fail(node, f"np.linalg.norm with ord={order!r} over axis={axis}",
                "adc takes the singular values of the last two axes: axis=(-2, -1) (move the axes there first)")
    if min(axis) >= 0:  # (0, 1) names the last two axes of a matrix only
        x = lw.b.emit("call", [x], attrs={"fn": "rt.matrix"}, name=x.name)
    out = lw.apply_template(_SPECTRAL[order], [x])
    for k in (0, 1) if keep else ():
        out = lw.b.emit("call", [out, lw.b.emit("call", [x, axes, lw.b.const(k)], attrs={"fn": "rt.nth_axis"},
                                                  name="axis")], attrs={"fn": "rt.expand_axis"})
    return out


_DDOF = {  # (statistic, along an axis): its value y rescaled from n samples to n - ddof
    ("var", False): lambda y, x, a, d: y * (x.size / (x.size - d)),
    ("var", True): lambda y, x, a, d: y * (x.shape[a] / (x.shape[a] - d)),
    ("std", False): lambda y, x, a, d: y * np.sqrt(x.size / (x.size - d)),
    ("std", True): lambda y, x, a, d: y * np.sqrt(x.shape[a] / (x.shape[a] - d)),
}
