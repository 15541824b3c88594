"""NumPy's reductions with keywords or an axis by position: np.sum(x, axis=1, keepdims=True),
np.mean(x, 0), np.var(x, axis=(0, 1), ddof=1), np.linalg.norm(x, axis=0).

Contract: `has_axis_keywords` says whether a call of a reduction is of this kind; `reduce_axis`
lowers it through the `Lowerer` and returns the reduced value: along
one constant axis a runtime helper (`rt.sum_axis(x, a)`), then `rt.expand_axis` for keepdims=;
over a tuple of axes (axis=(0, 2)) one axis after another (`rt.nth_axis` places each when types
and shapes are known); ddof= rescales a variance. Axes, keepdims= and ddof= are
constants when lowering (written out, or names bound to them), by keyword or by position.
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
    v = lw.expr(node)
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
        lw.fail(node, "np.linalg.norm with ord=", "adc takes the 2-norm (ord=None); write others with np.sum")
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
    if keep:
        out = lw.b.emit("call", [out, lw.b.const(axis if axis is not None else 0)], attrs={"fn": "rt.expand_axis"})
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


_DDOF = {  # (statistic, along an axis): its value y rescaled from n samples to n - ddof
    ("var", False): lambda y, x, a, d: y * (x.size / (x.size - d)),
    ("var", True): lambda y, x, a, d: y * (x.shape[a] / (x.shape[a] - d)),
    ("std", False): lambda y, x, a, d: y * np.sqrt(x.size / (x.size - d)),
    ("std", True): lambda y, x, a, d: y * np.sqrt(x.shape[a] / (x.shape[a] - d)),
}
