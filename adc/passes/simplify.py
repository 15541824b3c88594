"""simplify: hoist constants, fold integer arithmetic on constants, drop `* 1.0`.

Contract: takes a typed function; returns it with every constant defined
at the top of the function (so no loop ever records one), every `binop`
on two int constants replaced by a constant, every multiplication by
the float constant 1.0 (the seed of a backward sweep) replaced by its other
operand and every `x ** 1` by `x`, when that has the result's type (and, for
arrays, when neither memory is written: the product is a new array). Other
float arithmetic is left alone: folding it could change rounding.
"""
import operator

from .. import ops
from ..ir import walk
from .reverse.aliases import alias_classes

_FOLD = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}


def simplify(fn):
    _fold(fn)
    _drop_unit_products(fn)
    _signs(fn)
    hoisted = []
    _hoist(fn.body, hoisted, top=True)
    fn.body.ops[0:0] = hoisted
    return fn


def _hoist(region, hoisted, top):
    kept = []
    for op in region.ops:
        if op.opname == "const" and not top:
            hoisted.append(op)
            continue
        for r in op.regions:
            _hoist(r, hoisted, top=False)
        kept.append(op)
    region.ops = kept


def _fold(fn):
    consts = {}
    for op in walk(fn.body):
        if op.opname == "const":
            consts[op.result.id] = op.attrs["value"]
        elif op.opname == "binop" and op.attrs["op"] in _FOLD and all(_is_int(consts.get(a.id)) for a in op.args):
            value = _FOLD[op.attrs["op"]](*(consts[a.id] for a in op.args))
            op.opname, op.args, op.attrs = "const", [], {"value": value}
            consts[op.result.id] = value
        elif op.opname == "call" and op.attrs["fn"] == "rt.range_len" and all(_is_int(consts.get(a.id)) for a in op.args):
            value = len(range(*(consts[a.id] for a in op.args)))
            op.opname, op.args, op.attrs = "const", [], {"value": value}
            consts[op.result.id] = value


def _drop_unit_products(fn):
    """x * 1.0 and x ** 1 -> x. For arrays only where neither memory is written: NumPy's product
    is a new array, and writing it must not change x (nor a write into x change it)."""
    ones = _ones(fn, float)
    exponent_ones = _ones(fn, (int, float))
    find = alias_classes(walk(fn.body))
    written = {find(ops.written(op).id) for op in walk(fn.body) if ops.stores(op) or ops.writes(op)}

    def may_share(a, b):
        return not a.type.is_array or not ({find(a.id), find(b.id)} & written)

    same = {}
    for op in walk(fn.body):
        if op.opname == "binop" and op.attrs["op"] == "pow" and op.args[1].id in exponent_ones:
            base = same.get(op.args[0].id, op.args[0])
            if base.type == op.result.type and may_share(op.result, base):  # x ** 1 (the power rule's n - 1 at n = 2)
                same[op.result.id] = base
        if op.opname == "binop" and op.attrs["op"] == "mul":
            a, b = (same.get(x.id, x) for x in op.args)
            for unit, other in ((a, b), (b, a)):
                if unit.id in ones and other.type == op.result.type and may_share(op.result, other):
                    same[op.result.id] = other
                    break
    if same:
        replace_uses(fn, same)


def _ones(fn, kinds):
    """Ids of the constants equal to 1 of Python type `kinds` (bools excluded)."""
    return {op.result.id for op in walk(fn.body) if op.opname == "const" and op.attrs["value"] == 1
            and isinstance(op.attrs["value"], kinds) and not isinstance(op.attrs["value"], bool)}


def _signs(fn):
    """-(c) -> a constant; x * -1.0 -> -x; a + (-b) -> a - b. Each is exact in IEEE arithmetic."""
    defs = {}
    for op in walk(fn.body):
        for r in op.results:
            defs[r.id] = op
        if op.opname == "unop" and op.attrs["op"] == "neg" and _const(defs, op.args[0]) is not None:
            value = -_const(defs, op.args[0])
            op.opname, op.args, op.attrs = "const", [], {"value": value}
        elif op.opname == "binop" and op.attrs["op"] == "mul":
            for k in (0, 1):
                if _const(defs, op.args[k]) == -1.0 and op.args[1 - k].type == op.result.type:
                    op.opname, op.args, op.attrs = "unop", [op.args[1 - k]], {"op": "neg"}
                    break
        if op.opname == "binop" and op.attrs["op"] == "add":
            b = defs.get(op.args[1].id)
            if b is not None and b.opname == "unop" and b.attrs["op"] == "neg" and b.result.type == op.result.type:
                op.attrs, op.args = {"op": "sub"}, [op.args[0], b.args[0]]


def _const(defs, v):
    op = defs.get(v.id)
    if op is None or op.opname != "const" or isinstance(op.attrs["value"], bool):
        return None
    return op.attrs["value"]


def replace_uses(fn, mapping):
    """Read mapping[v] wherever `v` was read."""
    def sub(vals):
        return [mapping.get(v.id, v) for v in vals]
    fn.body.yields = sub(fn.body.yields)
    for op in walk(fn.body):
        op.args = sub(op.args)
        for r in op.regions:
            r.yields = sub(r.yields)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)
