"""bounds, domains: the primal's run-time errors, made explicit where compiled code would not raise.

Numba compiles derivatives with its bounds checks off (they cost up to 70% on loop code, and the
stacks adc writes are in bounds by construction) and with NumPy's error model (a derivative's
0.5 / sqrt(0) is inf, as the README promises). What the primal raises under CPython is then
checked by calls of runtime helpers that these passes insert into the primal, before it is
differentiated, so that every derivative raises where the primal does, in its forward sweep:

- `bounds`: every integer index of a user array is checked (-n <= i < n, Python's rule). An index
  read or written on every trip of a `for` loop, affine in its counter, over an array and with
  coefficients the loop does not change, is checked once on loop entry, at the first and the last
  trip (an affine index is monotone: both in bounds means all are); an index a `while` loop's test
  reads, at its top, and the loop does not change is checked once before the loop (the test runs
  at least once), and not again in the body, which runs right after a test; others where they are
  used.
  A `for` over a range of a non-integer is refused here, as Python's TypeError. (A hoisted check
  raises on loop entry: where one trip would raise another error before a later trip's index
  goes out of range, the derivative raises the IndexError. Both raise before any result.)
- `domains`: the primal's `math` calls are spelled by their checked twins (`rt.log` is `math.log`
  with CPython's errors: a nan from a number that is not nan is a domain error, an infinity from a
  finite number a range error, or a domain error for the functions that cannot overflow); the
  `math` calls of derivative rules stay unchecked. Scalar `/`, `//` and `%` check a divisor that
  is not a nonzero constant, scalar `**` zero to a negative power. NumPy's functions and array
  arithmetic are left alone: they give inf and nan, as NumPy does.

Contract of both: take a typed primal `Function`; return it with check ops inserted (calls of
`rt.check_*` marked `check`, no results, not differentiable) and the math calls marked `checked`
with their runtime twin, nothing else changed.
"""
from ..errors import AdcTypeError
from ..ops import indices, is_indexed
from ..ir import I64, Op, TupleT, Value, defined_under, for_bounds, walk
from ..rules.core import RULES, defrule

_CHECKS = ("rt.check_index", "rt.check_loop_index", "rt.check_take", "rt.check_divisor", "rt.check_pow")
for _key in _CHECKS:
    if _key not in RULES:
        defrule(_key, typer=lambda *t: None, nondiff=True, pure=False)



# ---------------------------------------------------------------- bounds

def bounds(fn):
    _refuse_float_ranges(fn)
    _Bounds(fn).region(fn.body, None)
    return fn


def _refuse_float_ranges(fn):
    for op in walk(fn.body):
        if op.opname == "for" and any(getattr(a.type, "dtype", "int64") not in ("int64", "bool") or
                                      getattr(a.type, "ndim", 0) for a in for_bounds(op)):
            kinds = ", ".join(str(a.type) for a in for_bounds(op))
            where = "\n" + op.loc.render() if op.loc is not None else ""
            raise AdcTypeError(f"range() of a non-integer (start, stop, step: {kinds}); Python raises TypeError{where}"
                               "\n  hint: range takes integers: convert with int(...), or use a while loop")


def _indices(op):
    """(axis, index value) of each integer index `op` applies to an array, and an integer-array
    index as (axis, value, True)."""
    base = op.args[0]
    if isinstance(base.type, TupleT) or not getattr(base.type, "is_array", False):
        return []
    if op.opname in ("getitem", "setitem", "iadd_item"):
        return [(k, v, v.type.ndim > 0) for k, v in enumerate(indices(op)) if v.type.dtype == "int64"]
    values = list(indices(op))
    out, axis = [], 0
    for p in op.attrs["pattern"]:
        if p[0] == "i":
            out.append((axis, values.pop(0), False))
        elif p[0] == "s":
            for _ in [has for has in p[1:] if has]:
                values.pop(0)
        axis += p[0] != "n"
    return [(k, v, many) for k, v, many in out if v.type == I64]


class _Bounds:
    def __init__(self, fn):
        self.consts = {op.result.id: op.attrs["value"] for op in walk(fn.body) if op.opname == "const"}
        self.facts = {}  # id of a for op -> (ids of the values defined in it, defining ops atop its body)
        self.done_after = {}  # id of a region -> the (array, axis, index) checked by its end

    def loop_facts(self, loop):
        if id(loop) not in self.facts:
            body = loop.regions[0]
            self.facts[id(loop)] = (_inside(loop), {r.id: op for op in body.ops for r in op.results})
        return self.facts[id(loop)]

    def hoistable(self, loop, array, idx):
        inside, defs = self.loop_facts(loop)
        return array.id not in inside and _affine(idx, loop.regions[0].params[0], inside, defs)

    def region(self, region, loop, done=frozenset()):
        """Insert per-use checks into `region`; return the checks to hoist before `loop`, the for op
        whose body `region` is (None for any other region). `done`: the (array, axis, index) checked
        already by the time `region` runs."""
        ops, hoisted, done = [], [], set(done)
        for op in region.ops:
            for access, axis, idx, many in self.while_entry(op, done) if op.opname == "while" else ():
                if not many and loop is not None and self.hoistable(loop, access.args[0], idx):
                    hoisted.append((access, axis, idx))
                else:
                    ops.extend(_check_here(access, axis, idx, many))
            inner = set(done)
            for k, r in enumerate(op.regions):
                pre = self.region(r, op if op.opname == "for" and k == 0 else None, inner)
                ops.extend(pre)
                if op.opname == "while" and k == 0:  # the test runs before each trip of the body
                    inner = self.done_after[id(r)]
            if is_indexed(op):
                for axis, idx, many in _indices(op):
                    key = (op.args[0].id, axis, idx.id)
                    if key in done:
                        continue
                    done.add(key)
                    if not many and loop is not None and self.hoistable(loop, op.args[0], idx):
                        hoisted.append((op, axis, idx))
                    else:
                        ops.extend(_check_here(op, axis, idx, many))
            ops.append(op)
        region.ops = ops
        self.done_after[id(region)] = done
        return _check_on_entry(loop, hoisted, *self.loop_facts(loop), self.consts) if hoisted else []

    def while_entry(self, loop, done):
        """(access op, axis, index, many) of what the test of while `loop` reads unconditionally (at
        the top of its region) at an index the loop does not change, to check before the loop: the
        test runs at least once, with the same index every time. Their keys join `done`."""
        inside = {p.id for r in loop.regions for p in r.params} | set().union(*(defined_under(r.ops)
                                                                             for r in loop.regions))
        found = []
        for op in loop.regions[0].ops:
            if not is_indexed(op) or op.args[0].id in inside:
                continue
            for axis, idx, many in _indices(op):
                key = (op.args[0].id, axis, idx.id)
                if idx.id not in inside and key not in done:
                    done.add(key)
                    found.append((op, axis, idx, many))
        return found


def _inside(loop):
    """Ids of the values defined in `loop`'s body (its parameters too)."""
    body = loop.regions[0]
    return {p.id for p in body.params} | defined_under(body.ops)


def _affine(v, counter, inside, defs):
    """Whether `v` is a * counter + b with a and b values the loop does not change."""
    if v.id == counter.id or v.id not in inside:
        return True
    op = defs.get(v.id)
    if op is None or v.type != I64:
        return False
    if op.opname == "const":
        return True
    if op.opname == "unop" and op.attrs["op"] == "neg":
        return _affine(op.args[0], counter, inside, defs)
    if op.opname != "binop" or op.attrs["op"] not in ("add", "sub", "mul"):
        return False
    a, b = op.args
    if op.attrs["op"] == "mul":
        fixed = [x for x in (a, b) if _invariant(x, counter, inside, defs)]
        return bool(fixed) and all(_affine(x, counter, inside, defs) for x in (a, b))
    return _affine(a, counter, inside, defs) and _affine(b, counter, inside, defs)


def _invariant(v, counter, inside, defs):
    if v.id == counter.id:
        return False
    if v.id not in inside:
        return True
    op = defs.get(v.id)
    return op is not None and (op.opname == "const" or op.opname in ("binop", "unop") and
                               all(_invariant(a, counter, inside, defs) for a in op.args))


def _length(ops, array, axis, loc):
    """n = array.shape[axis], appended to `ops`."""
    shape = Value("shape", TupleT((I64,) * array.type.ndim))
    k = Value("c", I64)
    n = Value("n", I64)
    ops += [Op("shape", [array], [shape], loc=loc), Op("const", [], [k], {"value": axis}, loc=loc),
            Op("getitem", [shape, k], [n], loc=loc)]
    return n


def _call(fn, args, loc):
    return Op("call", list(args), [], {"fn": fn, "check": True}, loc=loc)


def _check_here(op, axis, idx, many):
    ops = []
    n = _length(ops, op.args[0], axis, op.loc)
    return ops + [_call("rt.check_take" if many else "rt.check_index", [idx, n], op.loc)]


def _check_on_entry(loop, hoisted, inside, defs, consts):
    """The checks of `hoisted` (access op, axis, index) at the entry of `loop`. Constant indices of
    one axis are checked as their least and greatest ([-n, n) is an interval: both in it means all)."""
    start, stop, step = for_bounds(loop)
    counter = loop.regions[0].params[0]
    trips, last = Value("trips", I64), Value("last", I64)
    ops = [Op("call", [start, stop, step], [trips], {"fn": "rt.range_len"}, loc=loop.loc),
           Op("call", [start, stop, step], [last], {"fn": "rt.range_last"}, loc=loop.loc)]
    lengths, seen, fixed = {}, set(), {}
    for op, axis, idx in hoisted:
        where = (op.args[0].id, axis)
        if where not in lengths:
            lengths[where] = _length(ops, op.args[0], axis, loop.loc)
        if idx.id in consts:
            fixed.setdefault(where, []).append((consts[idx.id], idx, op.loc))
            continue
        key = where + (_shape_of(idx, counter, inside, defs, consts),)
        if key not in seen:
            seen.add(key)
            first = _at(idx, counter, start, inside, defs, consts, ops, {})
            final = _at(idx, counter, last, inside, defs, consts, ops, {})
            ops.append(_call("rt.check_loop_index", [trips, first, final, lengths[where]], op.loc))
    for where, values in fixed.items():
        (_, lo, loc), (_, hi, _) = min(values, key=lambda t: t[0]), max(values, key=lambda t: t[0])
        ops.append(_call("rt.check_loop_index", [trips, lo, hi, lengths[where]], loc))
    return ops


def _shape_of(v, counter, inside, defs, consts):
    """A structural key of index expression `v` (two reads of x[i + 1] are checked once)."""
    if v.id in consts:
        return ("const", consts[v.id])
    op = defs.get(v.id)
    if v.id == counter.id or v.id not in inside or op is None:
        return v.id
    return (op.opname, op.attrs.get("op")) + tuple(_shape_of(a, counter, inside, defs, consts) for a in op.args)


def _at(v, counter, value, inside, defs, consts, ops, memo):
    """`v` with the loop counter replaced by `value`, computed by new ops appended to `ops`."""
    if v.id == counter.id:
        return value
    if v.id not in inside:
        return v
    if v.id in memo:
        return memo[v.id]
    op = defs[v.id]
    if op.opname == "const":
        out = Value("ix", v.type)
        ops.append(Op("const", [], [out], dict(op.attrs), loc=op.loc))
    else:
        args = [_at(a, counter, value, inside, defs, consts, ops, memo) for a in op.args]
        out = _plus_zero(op, args, consts) or Value("ix", v.type)
        if out not in args:
            ops.append(Op(op.opname, args, [out], dict(op.attrs), loc=op.loc))
    memo[v.id] = out
    return out


def _plus_zero(op, args, consts):
    """k, for k + i at i = 0 (a loop from 0 adds nothing on its first trip)."""
    zero = [consts.get(a.id, 1) == 0 and a.type == I64 for a in args]
    if op.opname == "binop" and op.attrs["op"] in ("add", "sub") and zero[-1]:
        return args[0]
    if op.opname == "binop" and op.attrs["op"] == "add" and zero[0]:
        return args[1]
    return None




# ---------------------------------------------------------------- domains

_MATH = {"sin", "cos", "tan", "asin", "acos", "acosh", "atanh", "log", "log1p", "log2", "log10", "sqrt", "exp",
         "expm1", "sinh", "cosh", "pow", "floor", "ceil", "trunc"}
# each has its checked twin in the runtime (rt.log is math.log); atan, tanh, asinh, fabs, erf, erfc,
# atan2, copysign and hypot raise for no float


def domains(fn):
    consts = {op.result.id: op.attrs["value"] for op in walk(fn.body) if op.opname == "const"}
    _domains(fn.body, consts)
    return fn


def _domains(region, consts, done=frozenset()):
    """`done`: the values checked already by the time `region` runs (a divisor is checked once)."""
    ops, done = [], set(done)
    for op in region.ops:
        for r in op.regions:
            _domains(r, consts, done)
        checks = [c for c in _checks(op, consts) if _key(c) not in done]
        done.update(_key(c) for c in checks)
        ops += checks + [op]
    region.ops = ops


def _key(check):
    return (check.attrs["fn"],) + tuple(a.id for a in check.args)


def _scalar(v):
    return not isinstance(v.type, TupleT) and v.type is not None and v.type.ndim == 0


def _checks(op, consts):
    """The checks to run before `op`; a math call is marked to be spelled by its checked twin."""
    if op.opname == "binop" and op.attrs["op"] in ("div", "floordiv", "mod") and all(map(_scalar, op.args)):
        divisor = consts.get(op.args[1].id)
        return [] if divisor is not None and divisor != 0 else [_call("rt.check_divisor", [op.args[1]], op.loc)]
    if op.opname == "binop" and op.attrs["op"] == "pow" and all(map(_scalar, op.args)):
        base, power = (consts.get(a.id) for a in op.args)
        if (base is not None and base != 0) or (isinstance(power, (int, float)) and power >= 0):
            return []
        return [_call("rt.check_pow", op.args, op.loc)]
    if op.opname == "call" and op.attrs["fn"].startswith("math.") and op.attrs["fn"][5:] in _MATH \
            and all(_scalar(a) and a.type.dtype != "complex128" for a in op.args):
        op.attrs["checked"] = "rt." + op.attrs["fn"][5:]
    return []
