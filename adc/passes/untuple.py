"""untuple: no tuple flows through a phi node; an element read of a tuple op is that element.

Contract: takes a typed function; returns it with every tuple-typed value
that a `for`/`while` carries or an `if` yields split into one value per
element (scalar replacement of aggregates), and every `getitem(t, k)` of a
tuple op `t` at a constant `k` replaced by the element itself. Tuple ops
nothing reads any more are dropped. After it, the derivative passes see
the elements of `p = (p[1] * 2.0, p[0] + p[1])` carried around a loop as
scalars, as if the user had written `a, b = b * 2.0, a + b`; before it, a
tuple phi hid them from activity analysis (tuples carry no derivative).
"""
from ..errors import fail
from ..ir import CARRIED_AT, I64, Op, TupleT, Value, walk
from .simplify import replace_uses


def untuple(fn):
    changed = True
    while changed:
        changed = _split_region(fn.body)
        changed |= _forward_elements(fn)
    _drop_unread_tuples(fn)
    _refuse_hidden_elements(fn)
    return fn


def _refuse_hidden_elements(fn):
    """A read of a tuple's element that is left (a run-time index into a tuple a loop carries)
    would hide a derivative: refuse it rather than give zero."""
    for op in walk(fn.body):
        if op.opname == "getitem" and isinstance(op.args[0].type, TupleT) and op.result.type.is_float:
            fail("indexing a tuple carried by a loop at a run-time index", op.loc,
                 "index a tuple built outside the loop, or keep the values in an array: np.array([a, b, c])[i]")


def _split_region(region):
    """Split the tuple phis of the ops of `region` and of their nested regions."""
    changed = False
    ops = []
    for op in region.ops:
        for r in op.regions:
            changed |= _split_region(r)
        before, after = [], []
        if op.opname in ("for", "while"):
            changed |= _split_loop(op, before, after)
        elif op.opname == "if":
            changed |= _split_if(op, after)
        ops += before + [op] + after
    region.ops = ops
    return changed


def _split_loop(op, before, after):
    """Split carried position k of a loop whose carried values are tuples: the init, the
    parameters of every region (a `while`'s condition too), the body's yield, the result."""
    body = op.regions[-1]
    first_init, skip = CARRIED_AT[op.opname]
    changed = False
    k = 0
    while k < len(op.results):
        t = op.results[k].type
        if not isinstance(t, TupleT):
            k += 1
            continue
        n = len(t.elems)
        init = op.args[first_init + k]
        op.args[first_init + k:first_init + k + 1] = _elements(init, t, before)
        for region in op.regions:
            p = region.params[skip + k]
            parts = [Value(f"{p.name}_{j}", e) for j, e in enumerate(t.elems)]
            region.params[skip + k:skip + k + 1] = parts
            region.ops.insert(0, Op("tuple", parts, [p], loc=op.loc))
        y = body.yields[k]
        body.yields[k:k + 1] = _elements(y, t, body.ops)
        _split_result(op, k, t, after)
        changed = True
        k += n
    return changed


def _split_if(op, after):
    changed = False
    k = 0
    while k < len(op.results):
        t = op.results[k].type
        if not isinstance(t, TupleT):
            k += 1
            continue
        for arm in op.regions:
            y = arm.yields[k]
            arm.yields[k:k + 1] = _elements(y, t, arm.ops)
        _split_result(op, k, t, after)
        changed = True
        k += len(t.elems)
    return changed


def _split_result(op, k, t, after):
    """Result k of `op`, a tuple of type `t`, becomes one result per element; the tuple is
    rebuilt from them by an op appended to `after`."""
    r = op.results[k]
    parts = [Value(f"{r.name}_{j}", e) for j, e in enumerate(t.elems)]
    op.results[k:k + 1] = parts
    after.append(Op("tuple", parts, [r], loc=op.loc))


def _elements(v, t, ops):
    """Values for the elements of tuple `v` of type `t`, read by ops appended to `ops`."""
    out = []
    for j, e in enumerate(t.elems):
        c = Value("c", I64)
        x = Value(f"{v.name}_{j}", e)
        ops += [Op("const", [], [c], {"value": j}), Op("getitem", [v, c], [x])]
        out.append(x)
    return out


def _forward_elements(fn):
    """getitem(tuple(a, b, ...), k) at a constant k -> the element itself."""
    tuples, consts, same = {}, {}, {}
    for op in walk(fn.body):
        if op.opname == "tuple":
            tuples[op.result.id] = op.args
        elif op.opname == "const":
            consts[op.result.id] = op.attrs["value"]
        elif op.opname == "getitem" and op.args[0].id in tuples and len(op.args) == 2:
            k = consts.get(op.args[1].id)
            parts = tuples[op.args[0].id]
            if isinstance(k, int) and not isinstance(k, bool) and -len(parts) <= k < len(parts):
                same[op.result.id] = parts[k]
    if not same:
        return False
    for key, v in list(same.items()):
        while v.id in same:
            v = same[v.id]
        same[key] = v
    replace_uses(fn, same)
    _drop(fn, lambda op: op.opname == "getitem" and op.result.id in same)
    return True


def _drop_unread_tuples(fn):
    """Drop tuple ops, and element reads of tuples, whose results nothing reads."""
    while True:
        read = {a.id for op in walk(fn.body) for a in op.args}
        read |= {y.id for op in walk(fn.body) for r in op.regions for y in r.yields}
        read |= {y.id for y in fn.body.yields}
        if not _drop(fn, lambda op: _of_tuples(op) and op.result.id not in read):
            return


def _of_tuples(op):
    return op.opname == "tuple" or (op.opname == "getitem" and isinstance(op.args[0].type, TupleT))


def _drop(fn, dead):
    dropped = False
    for region in [fn.body] + [r for op in walk(fn.body) for r in op.regions]:
        kept = [op for op in region.ops if not dead(op)]
        dropped |= len(kept) != len(region.ops)
        region.ops = kept
    return dropped
