"""infer: give every value a type, from the types of the actual arguments.

Contract: takes an `ir.Function` whose parameters (and captured values)
carry types; returns it with every value typed. Loop-carried values and
`if` results take the unified type of what flows into them (int and float
unify to float); arrays of different rank never unify. Values that already
carry a type (pops created by the reverse pass) keep it.
"""
import numpy as np

from .. import externs, rules
from ..externs import ExternT
from ..errors import AdcTypeError, fail
from ..ir import BOOL, C128, F64, I64, T, TupleT, pattern_ndim, unify, walk

_DTYPES = {np.dtype(np.float64): "float64", np.dtype(np.int64): "int64", np.dtype(np.bool_): "bool",
           np.dtype(np.complex128): "complex128", np.dtype(np.int32): "int64"}


def type_of(x, what="argument"):
    """The adc type of a Python argument value."""
    if isinstance(x, (bool, np.bool_)):
        return BOOL
    if isinstance(x, (int, np.integer)):
        return I64
    if isinstance(x, (float, np.floating)):
        return F64
    if isinstance(x, (complex, np.complexfloating)):
        return C128
    if isinstance(x, np.ndarray) and x.dtype in _DTYPES and x.ndim > 0:
        return T(_DTYPES[x.dtype], x.ndim)
    if isinstance(x, np.ndarray) and x.ndim == 0:
        raise AdcTypeError(f"{what} is a 0-d array of {x.dtype} ({x!r}): adc takes numbers, and arrays with at "
                           "least one dimension. hint: pass the number, float(x) or x.item(), or an array of "
                           "shape (1,), x.reshape(1)")
    if isinstance(x, np.ndarray):
        raise AdcTypeError(f"adc takes float64, int64, bool and complex128 arrays; {what} is an array of "
                           f"{x.dtype} with {x.ndim} dimensions. hint: x.astype(np.float64)")
    if isinstance(x, tuple):
        return TupleT(tuple(type_of(e, what) for e in x))
    if externs.is_c_function(x):
        return _c_function_type(x, what)
    raise AdcTypeError(f"adc takes numbers and NumPy arrays; {what} is a {type(x).__name__}")


def _c_function_type(x, what):
    result = externs.c_result(x)
    if result is None:
        raise AdcTypeError(f"{what} is the C function {externs.name_of(x)} {externs.c_signature(x)}: adc calls C "
                           "functions of numbers only. hint: set its argtypes and restype to ctypes.c_double, "
                           "c_int64, ... (or give a Numba cfunc a signature of numbers)")
    return ExternT(result, externs.c_signature(x))


def _extern(op, t):
    """The result of a C function (its declared type) or of a ufunc (NumPy's loop for these arguments)."""
    if "ufunc" not in op.attrs:
        return t[0].result
    out = externs.ufunc_result(op.attrs["ufunc"], t)
    if out is None:
        fail(f"a call to {op.attrs['home']}.{op.attrs['callee']} with arguments {', '.join(map(str, t))}",
             op.loc, "adc calls a ufunc with one output on float, int, bool or complex arguments")
    return out


def infer(fn):
    """Type every value of `fn` (parameters must be typed)."""
    for _ in range(20):
        if not (_region(fn.body) | _type_placeholders(fn)):
            _check_int_powers(fn)
            return fn
    raise AdcTypeError("adc could not settle the types of loop-carried values")


def _check_int_powers(fn):
    """n ** k of integers is a float in Python when k < 0, an int (or an error) in Numba and NumPy:
    adc takes an integer power only with an exponent that is a constant >= 0."""
    nonneg = {op.result.id for op in walk(fn.body) if op.opname == "const" and isinstance(op.attrs["value"], int)
              and op.attrs["value"] >= 0}
    for op in walk(fn.body):
        if (op.opname == "binop" and op.attrs["op"] == "pow" and op.args[1].id not in nonneg
                and all(getattr(a.type, "dtype", None) in ("int64", "bool") for a in op.args)):
            fail("an integer raised to an integer power that may be negative (a float in Python, "
                 "an integer in compiled code)", op.loc, "make the base a float: float(n) ** k, or n ** 2.0")


def _type_placeholders(fn):
    """An `undef` takes the type of the phi node it flows into (alone, or as an element of a
    tuple that does: the result placeholder of `return a, b` inside a loop)."""
    undefs = {op.result.id: op.result for op in walk(fn.body) if op.opname == "undef"}
    tuples = {op.result.id: op.args for op in walk(fn.body) if op.opname == "tuple"}
    changed = False

    def give(incoming, t):
        nonlocal changed
        if incoming.id in undefs and t is not None and incoming.type is None:
            incoming.type, changed = t, True
        elif incoming.id in tuples and isinstance(t, TupleT) and len(t.elems) == len(tuples[incoming.id]):
            for e, te in zip(tuples[incoming.id], t.elems):
                give(e, te)

    for op in walk(fn.body):
        for incoming, phi in _phi_edges(op):
            give(incoming, phi.type)
    return changed


def _phi_edges(op):
    """(incoming value, phi value) pairs of a structured op."""
    if op.opname == "for":
        params = op.regions[0].params[1:]
        return list(zip(op.args[3:], params)) + list(zip(op.regions[0].yields, params))
    if op.opname == "while":
        params = op.regions[1].params
        return list(zip(op.args, params)) + list(zip(op.regions[1].yields, params))
    if op.opname == "if":
        return [(y, r) for arm in op.regions for y, r in zip(arm.yields, op.results)]
    return []


def _set(v, t, op):
    """Give `v` type `t`; report whether it changed."""
    if t is None or v.type == t:
        return False
    new = unify(v.type, t)
    if new is None:
        fail(f"a value that is both {v.type} and {t}", op.loc if op else None,
             "keep each variable one kind: a scalar, or an array of one rank")
    changed = new != v.type
    v.type = new
    return changed


def _region(region):
    changed = False
    for op in region.ops:
        changed |= _op(op)
    return changed


def _op(op):
    if op.opname in _STRUCTURED:
        return _STRUCTURED[op.opname](op)
    if not op.results:
        _check_effect(op)
        return False
    if op.results[0].type is not None and op.opname in ("pop", "undef"):
        return False
    types = [a.type for a in op.args]
    if any(t is None for t in types):
        return False  # an operand typed on a later sweep
    return _set(op.result, _TYPERS[op.opname](op, types), op)


def _rule_type(key, op, types):
    try:
        return rules.RULES[key].typer(*types)
    except AdcTypeError as exc:
        fail(f"{rules.shown(key)} on {', '.join(map(str, types))}", op.loc, str(exc))
    except (TypeError, AttributeError):
        fail(f"{rules.shown(key)} on arguments of types {', '.join(map(str, types))}", op.loc,
             "check the number and kind of the arguments")


def _const(op, types):
    v = op.attrs["value"]
    return BOOL if isinstance(v, bool) else I64 if isinstance(v, int) else C128 if isinstance(v, complex) else F64


def _getitem(op, types):
    base, idx = types[0], types[1:]
    if isinstance(base, TupleT) and op.attrs.get("index") is not None:  # an element lowering tracks
        return base.elems[op.attrs["index"]]
    if isinstance(base, TupleT):
        _check_index_types(op, idx)
        if len(idx) != 1 or not base.elems:
            fail("this tuple index", op.loc, "index a tuple that has elements with one integer: t[i]")
        return base.elems[0] if len(set(base.elems)) == 1 else fail(
            "indexing a tuple of mixed types", op.loc, "unpack it: a, b = t")
    if len(idx) == 1 and getattr(idx[0], "ndim", 0) and idx[0].dtype in ("int64", "bool"):
        return _gather(op, base, idx[0])
    if any(isinstance(t, TupleT) or t.ndim or t.dtype not in ("int64", "bool") for t in idx):
        fail("indexing with a non-integer", op.loc, "index arrays with integers: x[i], A[i, j]")
    if base.ndim < len(idx):
        fail(f"{len(idx)} indices into an array of {base.ndim} dimensions", op.loc, "use one index per dimension")
    return T(base.dtype, base.ndim - len(idx))


def _gather(op, base, idx):
    """x[idx] with an integer array (rows of x) or a boolean mask of x's shape (a 1-D array)."""
    if idx.dtype == "int64":
        return T(base.dtype, base.ndim - 1 + idx.ndim)
    if idx.ndim != base.ndim:
        fail("a boolean mask of another rank than its array", op.loc, "index with a mask of the array's shape")
    return T(base.dtype, 1)


def _getslice(op, types):
    base = types[0]
    if not getattr(base, "is_array", False):
        fail("slicing a value that is not an array", op.loc, "slice arrays only")
    _check_index_types(op, types[1:])
    ndim = pattern_ndim(op.attrs["pattern"], base.ndim)
    if ndim is None:
        fail(f"too many indices for an array of {base.ndim} dimensions", op.loc, "use one index per dimension")
    return T(base.dtype, ndim)


def _check_index_types(op, idx):
    if any(isinstance(t, TupleT) or t.ndim or t.dtype not in ("int64", "bool") for t in idx):
        fail("indexing with a non-integer", op.loc, "index arrays with integers and slices: x[i], x[a:b]")


def _check_effect(op):
    if op.opname == "setslice" and op.args[0].type is not None:
        _getslice(op, [a.type for a in op.args[:-1]])
    if op.opname in ("setitem", "iadd_item") and _row_write(op):
        return _check_effect(op)
    if op.opname == "setitem":
        base, idx = op.args[0].type, op.args[1:-1]
        if base is None:
            return
        if isinstance(base, TupleT) or len(idx) != base.ndim:
            fail("this element write", op.loc, "write one element with one index per dimension: A[i, j] = v")
        val = op.args[-1].type
        if val is not None and val.ndim:
            fail("writing an array into an array element", op.loc, "write a scalar: x[i] = v")


def _row_write(op):
    """`A[i] = v` with fewer integer indices than A has axes writes a row: it is `A[i, :] = v`
    (a setslice; `+=` an iadd_slice). Rewrites `op` so and says whether it did."""
    base, idx = op.args[0].type, op.args[1:-1]
    if not isinstance(base, T) or not base.ndim or not 0 < len(idx) < base.ndim:
        return False
    if any(t is None or isinstance(t, TupleT) or t.ndim or t.dtype != "int64" for t in (i.type for i in idx)):
        return False
    op.opname = "setslice" if op.opname == "setitem" else "iadd_slice"
    op.attrs = dict(op.attrs, pattern=(("i",),) * len(idx) + (("s", False, False, False),) * (base.ndim - len(idx)))
    return True


_TYPERS = {
    "const": _const,
    "binop": lambda op, t: _rule_type(op.attrs["op"], op, t),
    "unop": lambda op, t: BOOL if op.attrs["op"] == "not" else t[0],
    "cmp": lambda op, t: T("bool", max(x.ndim for x in t)),
    "logic": lambda op, t: BOOL,
    "call": lambda op, t: _rule_type(op.attrs["fn"], op, t),
    "shape": lambda op, t: TupleT((I64,) * t[0].ndim) if t[0].ndim else fail(
        f"the shape of {op.args[0].name}, a number ({t[0]})", op.loc, "pass an array for it"),
    "len": lambda op, t: I64,
    "size": lambda op, t: I64,
    "tuple": lambda op, t: TupleT(tuple(t)),
    "getitem": _getitem,
    "cast": lambda op, t: T(op.attrs["dtype"]),
    "zeros_like": lambda op, t: t[0],
    "pop": lambda op, t: op.result.type,
    "undef": lambda op, t: op.result.type,
    "custom": lambda op, t: t[op.attrs["nargs"]],
    "extern": _extern,
    "getslice": _getslice,
}


def _for(op):
    body = op.regions[0]
    changed = _set(body.params[0], I64, op)
    return _loop(op, op.args[3:], body.params[1:], op.regions, body) | changed


def _while(op):
    cond, body = op.regions
    changed = False
    for a, b in zip(cond.params, body.params):
        changed |= _set(a, b.type, op) | _set(b, a.type, op)
    return _loop(op, op.args, cond.params, op.regions, body, body.params) | changed


def _loop(op, inits, params, regions, body, more_params=()):
    changed = False
    for init, p, q in zip(inits, params, more_params or params):
        changed |= _set(p, init.type, op) | _set(q, init.type, op)
    for r in regions:
        changed |= _region(r)
    for y, p, q, res in zip(body.yields, params, more_params or params, op.results):
        changed |= _set(p, y.type, op) | _set(q, y.type, op) | _set(res, p.type, op)
    return changed


def _if(op):
    changed = _region(op.regions[0]) | _region(op.regions[1])
    for a, b, res in zip(op.regions[0].yields, op.regions[1].yields, op.results):
        if "what" in op.attrs and None not in (a.type, b.type) and unify(a.type, b.type) is None:
            fail(f"{op.attrs['what']}, of types {a.type} and {b.type}", op.loc,
                 "index at run time a tuple whose elements are all numbers or all arrays of one rank")
        changed |= _set(res, a.type, op) | _set(res, b.type, op)
    return changed


_STRUCTURED = {"for": _for, "while": _while, "if": _if}
