"""simplify: hoist constants, fold integer arithmetic on constants.

Contract: takes a typed function; returns it with every constant defined
at the top of the function (so no loop ever records one), and every
`binop` on two int constants replaced by a constant. Float arithmetic is
left alone: folding it could change rounding.
"""
import operator

from ..ir import walk

_FOLD = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}


def simplify(fn):
    _fold(fn)
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


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)
