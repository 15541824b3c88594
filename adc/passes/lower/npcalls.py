"""NumPy call forms: the NumPy calls that are more than one rule applied to positional arguments.

Contract: the functions here take the `Lowerer` and the call's gast node
(most also the NumPy function called and its lowered arguments) and emit
through the lowerer; they return the IR value of the call, or, for the
predicates, whether a call is of their kind. `calls.py` asks
`takes_keywords` which keywords a call may have, binds them with `bind`
before anything else, and lowers the calls `is_form` and
`has_axis_keywords` pick out with `lower_form` and `reduce_axis` (entries of
its call table), and np.einsum with `einsum`. Covered here:

- keyword arguments, bound to positions with NumPy's defaults (`SIGNATURES`);
- reductions with constant axis= and keepdims= (reductions.py);
- joins of a tuple or list of arrays: `np.concatenate((a, b), axis=1)` becomes
  `rt.concatenate(1, a, b)`, whose adjoint hands each array its part;
- decompositions with several outputs (`w, V = np.linalg.eigh(A)`): one call
  per output, so each output has its own adjoint and the unused ones cost nothing;
- `np.einsum` and `np.tensordot` (contractions.py);
- `np.array([a, b, c])` of numbers or arrays written out: an array filled element by element (row by row);
- `np.linspace` with a constant endpoint=, `np.flip` along one axis.
"""
import numpy as np

from . import contractions, npsplits, nptemplates
from .contractions import einsum  # noqa: F401  (calls.py's entry)
from .reductions import AXIS_REDUCTIONS, KEYWORDS, has_axis_keywords, reduce_axis  # noqa: F401  (calls.py's entries)
from ...ir import Value
from .values import hashable

_ROW_STACK = getattr(np, "row_stack", np.vstack)  # an alias of np.vstack, deprecated in NumPy 2
SIGNATURES = {  # parameters after which keywords bind; (name, default) is optional, None leaves it out
    np.concatenate: ("arrays", ("axis", 0)),
    np.stack: ("arrays", ("axis", 0)),
    np.diag: ("v", ("k", 0)),
    np.triu: ("m", ("k", 0)),
    np.tril: ("m", ("k", 0)),
    np.flip: ("m", ("axis", None)),
    np.squeeze: ("a", "axis"),
    np.expand_dims: ("a", "axis"),
    np.roll: ("a", "shift", ("axis", None)),
    np.tile: ("a", "reps"),
    np.repeat: ("a", "repeats", ("axis", None)),
    np.swapaxes: ("a", "axis1", "axis2"),
    np.reshape: ("a", "shape"),
    np.clip: ("a", "a_min", "a_max"),
    np.tensordot: ("a", "b", ("axes", 2)),
    np.linalg.svd: ("a", ("full_matrices", True), ("compute_uv", True)),
    np.hstack: ("tup",),
    np.vstack: ("tup",),
    np.linalg.eigh: ("a", ("UPLO", None)),
    np.linalg.qr: ("a",),
    np.linalg.slogdet: ("a",),
    np.linalg.eig: ("a",),
    np.array: ("object",),
    np.linspace: ("start", "stop", ("num", 50), ("endpoint", True)),
    np.asarray: ("a",),
    np.trace: ("a", ("offset", 0)),
    np.cumsum: ("a", ("axis", None)),
    np.split: ("ary", "indices_or_sections", ("axis", 0)),
    np.array_split: ("ary", "indices_or_sections", ("axis", 0)),
    np.hsplit: ("ary", "indices_or_sections"),
    np.vsplit: ("ary", "indices_or_sections"),
    np.column_stack: ("tup",),
    _ROW_STACK: ("tup",),
    np.append: ("arr", "values", ("axis", None)),
    np.rot90: ("m", ("k", 1)),
    np.moveaxis: ("a", "source", "destination"),
    np.rollaxis: ("a", "axis", ("start", 0)),
    np.diagonal: ("a", ("offset", 0)),
    np.real_if_close: ("a", ("tol", None)),
    np.nan_to_num: ("x",),
    np.transpose: ("a", ("axes", None)),
    np.diff: ("a", ("n", 1)),
    sum: ("iterable", ("start", 0)),
    np.meshgrid: ("x", "y"),
}


def bind(lw, node, fn, args):
    """`args` and the call's keywords in `fn`'s parameter order, defaults filled in."""
    params = SIGNATURES[fn]
    names = [p if isinstance(p, str) else p[0] for p in params]
    bound = dict(zip(names, args))
    if len(args) > len(params):
        lw.fail(node, f"a call with {len(args)} arguments to {_name(fn)}", "pass the arguments NumPy documents")
    for k in node.keywords:
        if k.arg not in names or k.arg in bound:
            lw.fail(k.value, f"the keyword {k.arg}= of {_name(fn)}", f"adc takes: {', '.join(names)}")
        bound[k.arg] = lw.expr(k.value)
    out = []
    for p, name in zip(params, names):
        if name in bound:
            out.append(bound[name])
        elif isinstance(p, str):
            lw.fail(node, f"{_name(fn)} without {name}=", f"pass {name}= (adc must know the result's rank when "
                    "compiling, and its types carry the ranks of arrays, not their lengths)")
        elif p[1] is not None:
            out.append(lw.b.const(p[1]))
    return out


def _name(fn):
    if not (getattr(fn, "__module__", None) or "").startswith("numpy"):
        return fn.__name__  # the builtin sum
    return f"np.{'linalg.' if fn.__module__.endswith('linalg') else ''}{fn.__name__}"


# ---------------------------------------------------------------- keywords

def takes_keywords(lw, node, fn):
    """Whether adc takes the keywords of the call `node` of `fn` (a function, or None): those
    `bind` binds, and constant axis= and keepdims= on sum, mean, prod, max, min, std, var and
    np.linalg.norm (ddof= on std and var; ord= on norm)."""
    if fn not in AXIS_REDUCTIONS:
        return fn in SIGNATURES
    allowed = KEYWORDS.get(AXIS_REDUCTIONS[fn], ("axis", "keepdims"))
    for k in node.keywords:
        if k.arg not in allowed:
            lw.fail(k.value, f"the keyword {k.arg}=", f"use {'= and '.join(allowed)}= only")
    return True  # their values must be constants when lowering: reductions.known


# ---------------------------------------------------------------- joins

JOINS = {np.concatenate: "rt.concatenate", np.stack: "rt.stack", np.hstack: "rt.hstack", np.vstack: "rt.vstack",
         _ROW_STACK: "rt.vstack"}


_PROMOTED = {np.hstack: "rt.atleast_1d", np.vstack: "rt.atleast_2d", _ROW_STACK: "rt.atleast_2d"}


def join(lw, node, fn, args):
    arrays = lw.tuples.get(getattr(args[0], "id", None))
    if arrays is None:
        lw.fail(node, f"{_name(fn)} of a value that is not a tuple written out", "write the arrays out: (a, b, c)")
    lead = args[1:2] if fn in (np.concatenate, np.stack) else []
    promote = _PROMOTED.get(fn)  # as NumPy defines hstack and vstack: numbers and rows made arrays first
    if promote is not None:
        arrays = [lw.b.emit("call", [a], attrs={"fn": promote}, name=a.name) for a in arrays]
    return lw.b.emit("call", lead + list(arrays), attrs={"fn": JOINS[fn]})


# ---------------------------------------------------------------- ranges

def linspace(lw, node, fn, args):
    """np.linspace(a, b, num, endpoint=True|False): endpoint must be a constant."""
    start, stop, num, endpoint = args
    closed = lw.b.consts.get(endpoint.id)
    if not isinstance(closed, bool):
        lw.fail(node, "np.linspace with a computed endpoint=", "write endpoint=True or endpoint=False")
    key = "np.linspace" if closed else "rt.linspace_open"
    return lw.b.emit("call", [lw.as_value(a, node) for a in (start, stop, num)], attrs={"fn": key})


def trace(lw, node, fn, args):
    """np.trace(a, offset=k): the sum of a's k-th diagonal (np.trace(a) is its rule)."""
    a, offset = args
    if lw.b.const_int(offset) == 0:
        return lw.call_rule(node, fn, [a])
    return lw.apply_template(lambda a, k: np.sum(np.diag(a, k)), [a, offset])


def cumsum(lw, node, fn, args):
    """np.cumsum(a, axis=k): rt.cumsum_axis (np.cumsum(a), of the flattened array, is its rule)."""
    if len(args) == 1:
        return lw.call_rule(node, fn, args)
    return lw.b.emit("call", [lw.as_value(a, node) for a in args], attrs={"fn": "rt.cumsum_axis"})


def meshgrid(lw, node, fn, args):
    """np.meshgrid(x, y) of two vectors (indexing="xy"): (X, Y), each of len(y) rows of len(x)."""
    grids = [lw.apply_template(lambda x, y: np.outer(np.ones_like(y), x), args),
             lw.apply_template(lambda x, y: np.outer(y, np.ones_like(x)), args)]
    return lw.expr_values(grids)


def diff(lw, node, fn, args):
    """np.diff(a, n): np.diff applied n times (a constant n; np.diff(a, 0) is a itself, as in NumPy)."""
    a, n = lw.as_value(args[0], node), lw.b.const_int(args[1])
    if n is None or n < 0:
        lw.fail(node, "np.diff with an order that is not a constant >= 0", "write n as a constant: np.diff(x, 2)")
    for _ in range(n):
        a = lw.call_rule(node, fn, [a])
    return a


def squeeze(lw, node, fn, args):
    """np.squeeze(a, axis=(0, 2)): one axis after another, the highest first (rt.nth_axis places
    each when typed); np.squeeze(a, axis=k) is its rule. Without axis= the result's rank would
    depend on the lengths of a's axes, which adc's types do not carry: refused when binding."""
    a, axis = lw.as_value(args[0], node), args[1]
    parts = lw.tuples.get(getattr(axis, "id", None))
    if parts is None:
        return lw.call_rule(node, fn, [a, axis])
    ints = [lw.b.const_int(p) for p in parts]
    if None in ints:
        lw.fail(node, "np.squeeze with axes that are not integers written out", "write them out: axis=(0, 2)")
    axes, out = lw.expr_values([lw.b.const(k) for k in ints]), a
    for k in reversed(range(len(ints))):
        nth = lw.b.emit("call", [a, axes, lw.b.const(k)], attrs={"fn": "rt.nth_axis"}, name="axis")
        out = lw.b.emit("call", [out, nth], attrs={"fn": "rt.squeeze_axis"})
    return out


def flip(lw, node, fn, args):
    """np.flip(m, axis): rt.flip (np.flip(m), of every axis, is its rule)."""
    return lw.b.emit("call", args, attrs={"fn": "rt.flip"})


# ---------------------------------------------------------------- arrays written out

def array(lw, node, fn, args):
    """np.array([a, b, c]): a float (or complex) array filled element by element (derivatives flow
    into it), or row by row when a, b, c are arrays of one shape (as np.stack stacks them; a list
    mixing numbers and arrays is refused when typed); of nested lists, [[a, b], [c, d]], the stack
    of its rows."""
    parts = lw.tuples.get(getattr(args[0], "id", None))
    if parts is None and len(args) == 1 and isinstance(args[0], Value):  # of an array or a number: as it is
        return args[0] if fn is np.asarray else lw.call_rule(node, np.copy, args)
    if parts is not None and parts and all(p.id in lw.tuples for p in parts):
        rows = [array(lw, node, fn, [p]) for p in parts]
        return lw.b.emit("call", [lw.b.const(0)] + rows, attrs={"fn": "rt.stack"}, name="arr")
    if parts is None or any(p.id in lw.tuples for p in parts):
        lw.fail(node, "np.array of something other than a list of numbers written out (or of such lists)",
                "write the numbers out, np.array([a, b, c]), or pass the array in as an argument")
    if all(lw.b.const_int(p) is not None for p in parts):
        lw.fail(node, "np.array of integers", "write floats (np.array([1.0, 2.0])), or pass an index array in")
    values = [lw.as_value(p, node) for p in parts]
    out = lw.b.emit("call", [lw.b.const(len(parts))] + values, attrs={"fn": "rt.array_zeros"}, name="arr")
    for k, v in enumerate(values):  # each element as the array's dtype: a real one keeps the real part of its adjoint
        lw.b.emit("setitem", [out, lw.b.const(k), lw.b.emit("call", [v, out], attrs={"fn": "rt.element"})], nresults=0)
    return out


# ---------------------------------------------------------------- decompositions

DECOMPOSITIONS = {
    np.linalg.eigh: ("np.linalg.eigvalsh", "la.eigh_vectors"),
    np.linalg.qr: ("la.qr_q", "la.qr_r"),
    np.linalg.slogdet: ("la.slogdet_sign", "la.logdet"),
    np.linalg.eig: ("la.eigvals", "la.eig_vectors"),
}


FIELDS = {np.linalg.eigh: ("eigenvalues", "eigenvectors"), np.linalg.eig: ("eigenvalues", "eigenvectors"), np.linalg.svd: ("U", "S", "Vh"),
          np.linalg.qr: ("Q", "R"), np.linalg.slogdet: ("sign", "logabsdet")}  # NumPy's result objects


def decompose(lw, node, fn, args):
    """One call per output; their tuple, known to `lw`, is what unpacking, indexing and the
    fields of NumPy's result object (`np.linalg.eigh(a).eigenvalues`) see. eigh's UPLO="U"
    reads the upper triangle: eigh of the symmetric matrix it stands for."""
    if fn is np.linalg.eigh and len(args) == 2:
        uplo = getattr(args.pop(), "obj", None)
        if uplo not in ("L", "U"):
            lw.fail(node, "np.linalg.eigh with this UPLO=", 'write UPLO="L" or UPLO="U"')
        if uplo == "U":
            args = [lw.apply_template(lambda a: np.triu(a) + np.transpose(np.triu(a, 1)), args)]
    args = [lw.as_value(a, node) for a in args]
    if fn is np.linalg.svd:
        a, full, uv = args
        if lw.b.consts.get(uv.id) is False:
            return lw.b.emit("call", [a, full], attrs={"fn": "la.svd_s"}, name="s")
        keys, args = ("la.svd_u", "la.svd_s", "la.svd_vt"), [a, full]
    else:
        keys = DECOMPOSITIONS[fn]
    parts = [lw.b.emit("call", list(args), attrs={"fn": key}, name=key.split("_")[-1]) for key in keys]
    t = lw.b.emit("tuple", parts, name="parts")
    lw.tuples[t.id] = parts
    if len(parts) == len(FIELDS[fn]):
        lw.captures.fields[t.id] = FIELDS[fn]
    return t


# ---------------------------------------------------------------- the forms

FORMS = {**dict.fromkeys(JOINS, join), **dict.fromkeys([np.linalg.svd, *DECOMPOSITIONS], decompose),
         np.tensordot: contractions.tensordot, np.array: array, np.asarray: array, np.linspace: linspace, np.flip: flip,
         np.trace: trace, np.cumsum: cumsum, np.squeeze: squeeze, np.diff: diff, np.meshgrid: meshgrid, **npsplits.FORMS,
         **nptemplates.FORMS}
_WITH_ONLY = {np.flip: 2, np.roll: 3, np.repeat: 3, np.transpose: 2}  # forms only with this many arguments (an axis): else a rule


def is_form(lw, node, fn, args):
    """Whether the call of `fn` on `args` (bound) is one of the forms here."""
    fn = hashable(fn)
    return fn in FORMS and _WITH_ONLY.get(fn, len(args)) == len(args)


def lower_form(lw, node, fn, args):
    return FORMS[fn](lw, node, fn, args)
