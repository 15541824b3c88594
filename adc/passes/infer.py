"""infer: give every value a type, from the types of the actual arguments.

Contract: takes an `ir.Function` whose parameters (and captured values)
carry types; returns it with every value typed. Loop-carried values and
`if` results take the unified type of what flows into them (int and float
unify to float); arrays of different rank never unify. Values that already
carry a type (pops created by the reverse pass) keep it.
"""
import numpy as np

from .. import externs, ops, randoms
from ..externs import ExternT
from ..errors import AdcTypeError, fail
from ..ir import BOOL, C128, F64, I64, T, TupleT, phi_edges, unify, walk

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
    if randoms.kind_of(x) is not None:
        return randoms.RngT(randoms.kind_of(x))
    raise AdcTypeError(f"adc takes numbers and NumPy arrays; {what} is a {type(x).__name__}")


def _c_function_type(x, what):
    result = externs.c_result(x)
    if result is None:
        raise AdcTypeError(f"{what} is the C function {externs.name_of(x)} {externs.c_signature(x)}: adc calls C "
                           "functions of numbers only. hint: set its argtypes and restype to ctypes.c_double, "
                           "c_int64, ... (or give a Numba cfunc a signature of numbers)")
    return ExternT(result, externs.c_signature(x))


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
        for incoming, phi in phi_edges(op):
            give(incoming, phi.type)
    return changed


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
    return _set(op.result, ops.result_type(op, types), op)


def _check_effect(op):
    if op.opname == "setslice" and op.args[0].type is not None:
        ops.getslice_type(op, [a.type for a in op.args[:-1]])
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
