"""Random draws lowered (adc/randoms.py): `draw` and `rng` ops.

Contract: `is_draw(lw, node)` says whether a call is a draw, a seed or the
making of a generator: a method of `adc.randoms.METHODS` called on a value
(`rs.randn(n, d)`, `rng.normal(0.0, 1.0, size=(n, d))`,
`np.random.default_rng(0).uniform(...)`: whether the value is a generator is
checked when typing), a method of NumPy's global state (`np.random.randn`,
`np.random.seed`), or `np.random.RandomState(seed)` / `np.random.default_rng(seed)`.
`lower(lw, node)` binds its arguments as NumPy does (keywords too, defaults
filled in) and emits the op; a size is kept as the integers written out, or
as the one value given (an int or a shape).
"""
import gast

from ... import randoms
from .values import Static

_OBJECT = "object"


def is_draw(lw, node):
    if isinstance(node.func, gast.Attribute) and node.func.attr in randoms.METHODS and lw.static(node.func) is None:
        return True
    obj = getattr(lw.static(node.func), "obj", None)
    return randoms.global_method(obj) is not None or randoms.constructor(obj) is not None


def lower(lw, node):
    obj = getattr(lw.static(node.func), "obj", None)
    lw.at(node)
    if randoms.constructor(obj) is not None:
        return _make(lw, node, randoms.constructor(obj))
    if randoms.global_method(obj) is not None:
        return _draw(lw, node, randoms.global_method(obj), [], randoms.GLOBAL)
    generator = lw.value(node.func.value)
    lw.at(node)
    return _draw(lw, node, node.func.attr, [generator], _OBJECT)


def _make(lw, node, kind):
    """np.random.RandomState(seed), np.random.default_rng(seed): a generator of the function's own."""
    if node.keywords or len(node.args) > 1:
        lw.fail(node, "a generator made with keywords or several arguments", "pass one integer seed: RandomState(0)")
    seed = [lw.value(a) for a in node.args if not _is_none(a)]
    lw.at(node)
    return lw.b.emit("rng", seed, attrs={"kind": kind}, name="rs")


def _draw(lw, node, method, generator, source):
    params, size = randoms.bind(method, node.args, {k.arg: k.value for k in node.keywords}, lw.loc(node))
    values = [p if isinstance(p, gast.AST) else lw.b.const(p) for p in params]
    values = [lw.value(v) if isinstance(v, gast.AST) else v for v in values]
    attrs = {"method": method, "source": source, "nparams": len(values), "size": None}
    if method == "seed":
        seed = [] if size is None or _is_none(size) else [lw.value(size)]
        lw.at(node)
        lw.b.emit("draw", generator + seed, nresults=0, attrs={**attrs, "nparams": 0, "size": "value" if seed else None})
        return Static(None)
    if randoms.METHODS[method][1] is None:  # randn(d0, d1, ...)
        sizes, attrs["size"] = [lw.value(a) for a in size], "dims"
    elif size is None or _is_none(size):
        sizes = []
    elif isinstance(size, gast.Tuple):
        sizes, attrs["size"] = [lw.value(e) for e in size.elts], "count"
    else:
        sizes, attrs["size"] = [lw.value(size)], "value"
        elements = lw.tuples.get(sizes[0].id)
        if elements is not None:  # a tuple built in the source: its elements
            sizes, attrs["size"] = list(elements), "count"
    lw.at(node)
    return lw.b.emit("draw", generator + values + sizes, attrs=attrs, name="draw")


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None
