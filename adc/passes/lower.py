"""lower: gast -> structured SSA IR.

Contract: takes a fenced `Parsed` function; returns an untyped `ir.Function`
in SSA form. Names are resolved here: locals to SSA values, globals and
closure cells holding numbers or arrays to captured parameters, modules and
functions to static objects. Calls to user functions, nested defs and
lambdas are inlined from their own source. `break`, `continue` and `return`
inside loops or branches become boolean flags: the statements after them run
under `if not flag`, and a loop that can break becomes a `while`.
"""
import inspect
import types

import gast
import numpy as np

from .. import externs, rules
from ..errors import fail
from ..frontend import ModuleScope, is_library_module, missing, module_attr, parse_function
from ..ir import Function, Value
from .builder import Builder
from . import npcalls
from .fence import fence

_BINOPS = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
           gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow"}
_CMPOPS = {gast.Lt: "lt", gast.LtE: "le", gast.Gt: "gt", gast.GtE: "ge", gast.Eq: "eq", gast.NotEq: "ne"}
_METHODS = {"copy": np.copy, "sum": np.sum, "dot": np.dot, "mean": np.mean, "prod": np.prod, "max": np.max,
            "min": np.min, "std": np.std, "var": np.var, "reshape": np.reshape, "ravel": np.ravel,
            "flatten": np.ravel, "transpose": np.transpose, "swapaxes": np.swapaxes, "squeeze": np.squeeze,
            "cumsum": np.cumsum, "cumprod": np.cumprod, "conj": np.conj, "conjugate": np.conj,
            "argmax": np.argmax, "argmin": np.argmin, "clip": np.clip, "trace": np.trace, "repeat": np.repeat}
_ATTRIBUTES = {"T": np.transpose, "real": np.real, "imag": np.imag}
_AXIS_REDUCTIONS = {np.sum: "sum", np.mean: "mean", np.prod: "prod", np.max: "max", np.min: "min",
                    np.amax: "max", np.amin: "min", np.std: "std", np.var: "var"}
_RET, _RETVAL, _BRK, _CONT = ".ret", ".retval", ".brk", ".cont"
_INT_FOLD = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y}


class Static:
    """A compile-time object: a module, a function, a tuple of values."""

    def __init__(self, obj):
        self.obj = obj


class LocalFn:
    """A nested def or lambda, inlined where it is called. Its free names are read from the
    scope that defined it, `owner`, as it is when the call runs (Python's late binding; for a
    function returned out of its scope, that scope's final names); its defaults were
    evaluated when the def ran."""

    def __init__(self, node, parsed, owner, defaults):
        self.node, self.parsed, self.owner, self.defaults = node, parsed, owner, defaults


def lower(parsed):
    """The IR of the parsed function `parsed`."""
    builder = Builder()
    lw = Lowerer(parsed, builder, Captures(), [parsed.fn])
    params = [Value(name) for name in parsed.arg_names]
    result = lw.lower_callable(parsed.node, params)
    if not isinstance(result, Value):
        what = "a function" if isinstance(result, LocalFn) else f"'{getattr(getattr(result, 'obj', result), '__name__', result)}'"
        fail(f"a function that returns {what}, not a number or array", parsed.loc(parsed.node),
             "differentiate the function it returns: adc.grad(lambda x: make(y)(x)), with y fixed")
    builder.region.yields = [result]
    _drop_unused_undefs(builder.region)
    return Function(parsed.name, params, builder.region, parsed.loc(parsed.node), lw.captures.values)


def _drop_unused_undefs(body):
    """Placeholders a tuple's element placeholders replaced: nothing reads them, nothing types them."""
    from ..ir import uses, walk
    count = uses(body)
    for region in [body] + [r for op in walk(body) for r in op.regions]:
        region.ops = [op for op in region.ops if op.opname != "undef" or count.get(op.result.id, 0)]


class Captures:
    """Numbers and arrays the function reads from globals or closure cells."""

    def __init__(self):
        self.values, self.by_key = [], {}
        self.tuples = {}  # shared by every Lowerer of one function: tuples callees return
        self.undefs = set()  # ids of the placeholders of values not yet bound (a result before its return)

    @staticmethod
    def key(fn, name):
        """A global read by two functions of one module is one parameter; a closure cell is its own."""
        return (id(fn), name) if name in fn.__code__.co_freevars else (id(fn.__globals__), name)

    def get(self, parsed, name):
        key = self.key(parsed.fn, name)
        if key not in self.by_key:
            v = Value(name)
            self.by_key[key] = v
            self.values.append((v, (parsed, name)))
        return self.by_key[key]

    def get_attr(self, module, name):
        """A number or array read as `module.name`: one parameter with the module's global `name`."""
        key = (id(module.__dict__), name)
        if key not in self.by_key:
            v = Value(name)
            self.by_key[key] = v
            self.values.append((v, (ModuleScope(module), name)))
        return self.by_key[key]


def _is_value(obj):
    """Numbers, arrays and C functions: what the generated function receives as parameters."""
    return isinstance(obj, (bool, int, float, complex, np.ndarray, np.number, np.bool_)) or externs.is_c_function(obj)


class Lowerer:
    """Lowers one function body (or inlined callee) into the builder's region."""

    def __init__(self, parsed, builder, captures, callers, env=None, track_loc=True, within=()):
        self.parsed, self.b, self.captures, self.callers = parsed, builder, captures, callers
        self.track_loc = track_loc
        self.within = within  # the NonDiff and Primitive objects whose bodies or rules are being lowered
        self.env = dict(env or {})
        self.tuples = captures.tuples  # value id -> element values of a tuple built in the source

    # ------------------------------------------------------------ helpers

    def loc(self, node):
        return self.parsed.loc(node)

    def fail(self, node, what, hint):
        fail(what, self.loc(node), hint)

    def at(self, node):
        if self.track_loc:
            self.b.loc = self.loc(node) or self.b.loc

    # ------------------------------------------------------------ functions

    def lower_callable(self, node, args):
        """Bind `args` to the parameters of def/lambda `node`; lower its body; return the result."""
        for name, value in zip((a.id for a in node.args.args), args):
            self.env[name] = value
        if isinstance(node, gast.Lambda):
            return self.expr(node.body)
        body = [s for s in node.body if not _is_docstring(s)]
        if _simple_return(body):
            self.block(body[:-1])
            return self.expr(body[-1].value) if body[-1].value is not None else self._no_value(body[-1])
        if not _always_returns(body):
            self.fail(node, "a function that can end without returning a value",
                      "end every path through the function with a return statement")
        self.env[_RET] = self.b.const(False, "returned")
        self.env[_RETVAL] = self._result_placeholder(body)
        self.block(body)
        return self.env[_RETVAL]

    def _result_placeholder(self, body):
        """What the result is before a return runs: a tuple of placeholders when every return
        gives a tuple of one length (`return a, b`), so that paths merge it element-wise."""
        values = [n.value for n in _walk_no_nested(body, False) if isinstance(n, gast.Return)]
        sizes = {len(v.elts) if isinstance(v, gast.Tuple) else None for v in values}
        if len(sizes) == 1 and None not in sizes:
            return self.expr_values([self.undef() for _ in range(sizes.pop())])
        return self.undef()

    def _no_value(self, node):
        self.fail(node, "a return without a value", "return the number or array to differentiate")

    # ------------------------------------------------------------ statements

    def block(self, stmts):
        """Lower a statement list; after a statement that may jump, guard the rest."""
        for k, stmt in enumerate(stmts):
            if _is_docstring(stmt):
                continue
            self.stmt(stmt)
            if isinstance(stmt, (gast.Return, gast.Break, gast.Continue)):
                return
            rest = stmts[k + 1:]
            if rest and _may_jump(stmt):
                self.guarded(rest)
                return

    def guarded(self, stmts):
        """Lower `stmts` under `if not (returned or broke or continued)`."""
        flags = [self.env[f] for f in (_RET, _BRK, _CONT) if f in self.env]
        live = flags[0]
        for f in flags[1:]:
            live = self.b.emit("logic", [live, f], attrs={"op": "or"}, name="jumped")
        self.branch(live, [], stmts)

    def stmt(self, s):
        self.at(s)
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            self.fail(s, f"the statement {type(s).__name__}", "rewrite it with assignments, loops and if/else")
        method(s)
        ops = self.b.region.ops
        if self.track_loc and isinstance(s, (gast.For, gast.While, gast.If)) and ops and ops[-1].regions:
            ops[-1].loc = self.loc(s)  # a loop or branch is located at its header, not its last line

    def stmt_Expr(self, s):
        self.expr(s.value)

    def stmt_Pass(self, s):
        pass

    def stmt_Assert(self, s):
        pass  # assertions are checks of the primal, not part of its value

    def stmt_FunctionDef(self, s):
        self.env[s.name] = self.local_fn(s)

    def local_fn(self, node):
        return LocalFn(node, self.parsed, self, [self.value(d) for d in node.args.defaults])

    def stmt_Assign(self, s):
        value = self.expr(s.value)
        for target in s.targets:
            self.assign(target, value)

    def stmt_AnnAssign(self, s):
        if s.value is not None:
            self.assign(s.target, self.expr(s.value))

    def stmt_AugAssign(self, s):
        op = _BINOPS.get(type(s.op))
        if op is None:
            self.fail(s, f"the operator {type(s.op).__name__}=", "use + - * / // % **")
        if isinstance(s.target, gast.Name):
            self.assign(s.target, self.binop(op, self.as_value(self.name(s.target), s.target), self.value(s.value)))
        elif isinstance(s.target, gast.Subscript):
            arr = self.value(s.target.value)
            idx, pattern = self.indices(s.target.slice)
            old = self.read_index(arr, idx, pattern, _hint(s.target.value))
            new = self.binop(op, old, self.value(s.value))
            self.at(s.target)
            self.write_index(arr, idx, pattern, new)
        else:
            self.fail(s.target, "this assignment target", "assign to a name or an array element")

    def assign(self, target, value):
        if isinstance(target, gast.Name):
            if isinstance(value, Value) and value.name in ("t", "c"):
                value.name = target.id
            self.env[target.id] = value
        elif isinstance(target, gast.Tuple):
            parts = self.unpack(target, value, len(target.elts))
            for t, v in zip(target.elts, parts):
                self.assign(t, v)
        elif isinstance(target, gast.Subscript):
            arr = self.value(target.value)
            idx, pattern = self.indices(target.slice)
            self.at(target)
            self.write_index(arr, idx, pattern, self.as_value(value, target))
        else:
            self.fail(target, "assignment to an attribute", "assign to a name or an array element")

    def unpack(self, node, value, n):
        if isinstance(value, Value) and value.id in self.tuples:
            parts = self.tuples[value.id]
        elif isinstance(value, Value):
            parts = [self.b.emit("getitem", [value, self.b.const(k)], name="t") for k in range(n)]
        else:
            self.fail(node, "unpacking of this value", "unpack a tuple or an array's shape")
        if len(parts) != n:
            self.fail(node, f"unpacking {len(parts)} values into {n} names", "match the number of names")
        return parts

    def stmt_Return(self, s):
        if _RET not in self.env:
            self.fail(s, "this return", "adc handles return statements at the end of paths")
        if s.value is None:
            self._no_value(s)
        self.env[_RETVAL] = self.as_value(self.expr(s.value), s)
        self.env[_RET] = self.b.const(True, "returned")

    def stmt_Break(self, s):
        self.env[_BRK] = self.b.const(True, "broke")

    def stmt_Continue(self, s):
        self.env[_CONT] = self.b.const(True, "skipped")

    # ------------------------------------------------------------ branches

    def stmt_If(self, s):
        self.branch(self.expr(s.test), s.body, s.orelse, negate=False)

    def branch(self, pred, then_stmts, else_stmts, negate=False):
        """An `if` whose arms lower statement lists; names they rebind become results."""
        before = dict(self.env)
        arms = []
        for stmts in (then_stmts, else_stmts):
            self.env = dict(before)
            with self.b.open() as region:
                self.block(stmts)
            arms.append((region, self.env))
        self.env = before
        self._merge_if(pred, arms)

    def _merge_if(self, pred, arms):
        (r1, e1), (r2, e2) = arms
        names = [n for n in e1 if n in e2 and isinstance(e1[n], Value) and isinstance(e2[n], Value) and e1[n] is not e2[n]]
        pairs = [self._leaves(n, e1[n], e2[n]) for n in names]
        r1.yields = [a for leaves in pairs for a, _ in leaves]
        r2.yields = [b for leaves in pairs for _, b in leaves]
        results = self.b.emit("if", [pred], nresults=len(r1.yields), regions=[r1, r2])
        results = [results] if len(r1.yields) == 1 else list(results)
        for n in names:
            v = self._rebuild(e1[n], e2[n], results)
            v.name = _pretty(n)
            self.env[n] = v
        for n in set(e1) & set(e2):  # a name bound to two functions, modules or tuples: no one value
            if n in names:
                continue
            if e1[n] is e2[n]:  # the same value on both paths (`c = b` in each arm): it, not the one before
                self.env[n] = e1[n]
                continue
            if isinstance(e1[n], _Undefined) or isinstance(e2[n], _Undefined):
                self.env[n] = e1[n] if isinstance(e1[n], _Undefined) else e2[n]
            elif not _same_static(e1[n], e2[n]):
                self.env[n] = _Undefined(n, "to different functions or objects on the paths of an if")
        for n in set(e1) | set(e2):  # names bound in one arm only are gone after the if
            if n not in self.env:
                self.env[n] = _Undefined(n, "inside an if branch")

    def _leaves(self, name, a, b):
        """The pairs of values an `if` yields for `name`, bound to `a` in one arm and `b` in the
        other: one pair, or one per element when they are tuples built in the source (a tuple
        stays a tuple of tracked elements, whose derivatives flow), `undef` standing for either."""
        ta, tb = self.tuples.get(a.id), self.tuples.get(b.id)
        if ta is None and tb is None:
            return [(a, b)]
        if ta is None and a.id in self.captures.undefs:
            ta = [self.undef(e) for e in tb]
        if tb is None and b.id in self.captures.undefs:
            tb = [self.undef(e) for e in ta]
        if ta is None or tb is None or len(ta) != len(tb):
            what = "a tuple on one path and another value" if ta is None or tb is None else \
                f"a tuple of {len(ta)} values on one path and of {len(tb)} on another"
            fail(f"'{_pretty(name)}', {what}", self.b.loc,
                 "give the name tuples of one length on every path, or use separate names for the elements")
        return [pair for x, y in zip(ta, tb) for pair in self._leaves(name, x, y)]

    def _rebuild(self, a, b, leaves):
        """A value shaped like `a` or `b` (nested tracked tuples, the shape `_leaves` took) from
        the front of `leaves`."""
        ta, tb = self.tuples.get(a.id), self.tuples.get(b.id)
        if ta is None and tb is None:
            return leaves.pop(0)
        ta, tb = ta or tb, tb or ta
        return self.expr_values([self._rebuild(x, y, leaves) for x, y in zip(ta, tb)])

    def undef(self, like=None):
        v = self.b.emit("undef", name="result")
        self.captures.undefs.add(v.id)
        if like is not None and like.id in self.tuples:
            return self.expr_values([self.undef(e) for e in self.tuples[like.id]])
        return v

    # ------------------------------------------------------------ loops

    def stmt_For(self, s):
        if s.orelse:
            self.fail(s, "for ... else", "set a flag in the loop and test it after the loop")
        start, stop, step = self.range_args(s)
        if not isinstance(s.target, gast.Name):
            self.fail(s.target, "this loop target", "loop over range(...) with a single name")
        if _has_break(s.body) or _has_return(s.body):
            return self.for_as_while(s, start, stop, step)
        saved = self.save_flags()
        carried = self.carried(s.body)
        i = Value(s.target.id)
        params = [Value(_pretty(n)) for n in carried]
        results = self.loop_body("for", [start, stop, step], carried, [i] + params, s.body, {s.target.id: i})
        self._rebind(carried, results)
        self.restore_flags(saved)

    def range_args(self, s):
        it = s.iter
        if not (isinstance(it, gast.Call) and isinstance(self.static(it.func), Static) and self.static(it.func).obj is range):
            self.fail(it, "a for loop over something other than range(...)",
                      "loop over indices: for i in range(len(x)): ... x[i] ...")
        if not 1 <= len(it.args) <= 3:
            self.fail(it, f"range with {len(it.args)} arguments", "call range(stop), range(start, stop) or range(start, stop, step)")
        args = [self.as_value(self.expr(a), a) for a in it.args]
        if len(args) == 1:
            return self.b.const(0), args[0], self.b.const(1)
        if len(args) == 2:
            return args[0], args[1], self.b.const(1)
        if self.b.const_int(args[2]) == 0:
            self.fail(it.args[2], "range with step 0 (a ValueError in Python)", "give range a nonzero step")
        return tuple(args)

    def carried(self, body, extra=()):
        """Names the loop body rebinds that exist before the loop, flags included."""
        assigned = (_assigned_names(body) - {_CONT}) | set(extra)
        if _has_return(body):
            assigned |= {_RET, _RETVAL}
        return [n for n in self.env if n in assigned and isinstance(self.env[n], Value)]

    def loop_body(self, opname, args, carried, params, stmts, bind, cond=None, after=None):
        before, header = dict(self.env), self.b.loc
        self.env.update(dict(zip(carried, params[len(params) - len(carried):])))
        self.env.update(bind)
        regions = []
        if cond is not None:
            with self.b.open(params) as cond_region:
                self._track_carried(carried, before)
                cond_region.yields = [cond()]
            regions.append(cond_region)
            params = [Value(p.name) for p in params]
            self.env.update(dict(zip(carried, params)))
        with self.b.open(params) as body:
            self._track_carried(carried, before)
            if _has_continue(stmts):
                self.env[_CONT] = self.b.const(False, "skipped")
            self.block(stmts)
            if after:
                after()
            body.yields = [self.env[n] for n in carried]
        for n in _assigned_names(stmts) & set(before):
            if not isinstance(before[n], Value) and not _same_static(before[n], self.env.get(n)):
                fail(f"the name '{n}' rebound to another function or object in a loop", header,
                     "bind it once before the loop, or choose the call with if/else inside the loop")
        regions.append(body)
        self.env = before
        for n in _assigned_names(stmts) - set(before):  # names first bound in the loop are gone after it
            if not n.startswith("."):
                self.env[n] = _Undefined(n, "inside a loop")
        results = self.b.emit(opname, args + [before[n] for n in carried], nresults=len(carried), regions=regions)
        results = [results] if len(carried) == 1 else results
        return [self._track_like(r, before[n]) for n, r in zip(carried, results)]

    def _track_carried(self, carried, before):
        """At the top of a loop region: a carried name that held a tuple built in the source is one
        again, of reads of the carried value's elements (so branches in the loop merge it element-wise)."""
        for n in carried:
            self.env[n] = self._track_like(self.env[n], before[n])

    def _track_like(self, v, like):
        """`v`, shaped like `like`: when `like` is a tracked tuple, a tracked tuple of `v`'s elements."""
        parts = self.tuples.get(like.id) if isinstance(like, Value) else None
        if parts is None:
            return v
        return self.expr_values([self._track_like(self.b.emit("getitem", [v, self.b.const(k)], attrs={"index": k},
                                                              name=getattr(p, "name", "t")), p)
                                 for k, p in enumerate(parts)])

    def _rebind(self, carried, results):
        for n, v in zip(carried, results):
            v.name = _pretty(n)
            self.env[n] = v

    def for_as_while(self, s, start, stop, step):
        """`for i in range(...)` with break or return: a while loop over an explicit counter."""
        name = s.target.id
        if self.b.const_int(step) is None:  # a step known at run time: range checks it is not 0
            with self.b.open([Value("_")]) as check:
                pass
            self.b.emit("for", [start, start, step], nresults=0, regions=[check])
        self.env[name] = start
        saved = self.save_flags()
        self.env[_BRK] = self.b.const(False, "broke")
        carried = self.carried(s.body, extra=[name, _BRK])
        sign = self.b.const_int(step)

        def cond():
            i = self.env[name]
            if sign is not None:
                test = self.b.emit("cmp", [i, stop], attrs={"op": "lt" if sign > 0 else "gt"}, name="more")
                return self.not_jumped(test)
            zero = self.b.const(0)
            up = self.b.emit("logic", [self.b.emit("cmp", [step, zero], attrs={"op": "gt"}, name="up"),
                                       self.b.emit("cmp", [i, stop], attrs={"op": "lt"}, name="more")],
                             attrs={"op": "and"}, name="more")
            down = self.b.emit("logic", [self.b.emit("cmp", [step, zero], attrs={"op": "lt"}, name="down"),
                                         self.b.emit("cmp", [i, stop], attrs={"op": "gt"}, name="more")],
                               attrs={"op": "and"}, name="more")
            return self.not_jumped(self.b.emit("logic", [up, down], attrs={"op": "or"}, name="more"))

        def advance():
            self.env[name] = self.binop("add", self.env[name], step)

        params = [Value(_pretty(n)) for n in carried]
        results = self.loop_body("while", [], carried, params, s.body, {}, cond=cond, after=advance)
        self._rebind(carried, results)
        self.restore_flags(saved)

    def save_flags(self):
        saved = {f: self.env.pop(f) for f in (_BRK, _CONT) if f in self.env}
        return saved

    def restore_flags(self, saved):
        for f in (_BRK, _CONT):
            self.env.pop(f, None)
        self.env.update(saved)

    def not_jumped(self, test):
        for flag in (_BRK, _RET):
            if flag in self.env:
                live = self.b.emit("unop", [self.env[flag]], attrs={"op": "not"}, name="go")
                test = self.b.emit("logic", [test, live], attrs={"op": "and"}, name="go")
        return test

    def stmt_While(self, s):
        if s.orelse:
            self.fail(s, "while ... else", "set a flag in the loop and test it after the loop")
        saved = self.save_flags()
        if _has_break(s.body):
            self.env[_BRK] = self.b.const(False, "broke")
        carried = self.carried(s.body)
        params = [Value(_pretty(n)) for n in carried]
        cond = lambda: self.not_jumped(self.as_value(self.expr(s.test), s.test))
        results = self.loop_body("while", [], carried, params, s.body, {}, cond=cond)
        self._rebind(carried, results)
        self.restore_flags(saved)

    # ------------------------------------------------------------ expressions

    def value(self, node):
        return self.as_value(self.expr(node), node)

    def as_value(self, v, node):
        if isinstance(v, Value):
            return v
        if isinstance(v, _Undefined):
            self.fail(node, f"the name '{v.name}', which is only bound {v.where}",
                      f"assign {v.name} before the loop or branch so it is defined on every path")
        if isinstance(v, Static) and _is_value(v.obj) and not isinstance(v.obj, np.ndarray):
            return self.b.const(v.obj.item() if hasattr(v.obj, "item") else v.obj)
        if isinstance(v, Static) and v.obj is None:
            self.fail(node, "None used as a number or array", "bind the name to a number or an array")
        what = getattr(getattr(v, "obj", v), "__name__", type(getattr(v, "obj", v)).__name__)
        self.fail(node, f"'{what}' used as a number or array", "pass numbers and arrays only")

    def expr(self, node):
        self.at(node)
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            self.fail(node, f"the expression {type(node).__name__}", "use arithmetic, calls and indexing")
        return method(node)

    def expr_Constant(self, node):
        if isinstance(node.value, (bool, int, float, complex)):
            return self.b.const(node.value)
        if node.value is None:
            return Static(None)  # an error where it is used as a number, not where it is bound
        self.fail(node, f"the constant {node.value!r}", "use numbers only")

    def expr_Name(self, node):
        return self.name(node)

    def name(self, node):
        if node.id in self.env:
            v = self.env[node.id]
            if isinstance(v, _Undefined):
                self.as_value(v, node)
            return v
        obj = self.parsed.resolve(node.id)
        if missing(obj):
            self.fail(node, f"the name '{node.id}', which is not defined", "define it before this line")
        if _is_value(obj):
            return self.captures.get(self.parsed, node.id)
        return Static(obj)

    def static(self, node):
        """The compile-time object `node` names, or None."""
        if isinstance(node, gast.Name):
            v = self.env.get(node.id)
            if v is not None:
                if isinstance(v, _Undefined):
                    self.as_value(v, node)
                return v if isinstance(v, (LocalFn, Static)) else None
            obj = self.parsed.resolve(node.id)
            return None if missing(obj) or _is_value(obj) else Static(obj)
        if isinstance(node, gast.Attribute):
            base = self.static(node.value)
            if isinstance(base, Static) and isinstance(base.obj, types.ModuleType):
                obj = module_attr(base.obj, node.attr)
                if missing(obj):
                    self.fail(node, f"{base.obj.__name__}.{node.attr}, which does not exist", "check the name")
                return Static(obj)
        return None

    def expr_Attribute(self, node):
        s = self.static(node)
        if isinstance(s, Static) and _is_value(s.obj) and not is_library_module(self.static(node.value).obj):
            return self.captures.get_attr(self.static(node.value).obj, node.attr)  # cmod.C: passed in, like a global
        if s is not None:
            return s
        base = self.value(node.value)
        if node.attr == "shape":
            return self.b.emit("shape", [base], name="shape")
        if node.attr == "size":
            return self.b.emit("size", [base], name="n")
        if node.attr in _ATTRIBUTES:
            return self.call_rule(node, _ATTRIBUTES[node.attr], [base])
        self.fail(node, f"the attribute .{node.attr}", "use .shape, .size, .T, .real, .imag, or a NumPy function")

    def expr_List(self, node):  # only as a call's argument (the fence sees to it): np.stack([a, b])
        return self.expr_Tuple(node)

    def expr_Tuple(self, node):
        return self.expr_values([self.value(e) for e in node.elts])

    def expr_values(self, parts):
        """A tuple of `parts` whose elements lowering keeps track of."""
        t = self.b.emit("tuple", parts, name="tup")
        self.tuples[t.id] = parts
        return t

    def expr_BinOp(self, node):
        a, b = self.value(node.left), self.value(node.right)
        if isinstance(node.op, gast.MatMult):
            return self.call_rule(node, np.dot, [a, b])
        op = _BINOPS.get(type(node.op))
        if op is None:
            self.fail(node, f"the operator {type(node.op).__name__}", "use + - * / // % ** @")
        return self.binop(op, a, b)

    def binop(self, op, a, b):
        if a.id in self.tuples or b.id in self.tuples:
            return self.tuple_binop(op, a, b)
        x, y = self.b.const_int(a), self.b.const_int(b)
        if x is not None and y is not None and op in _INT_FOLD:  # 1 * -1: a constant, as a range step
            return self.b.const(_INT_FOLD[op](x, y))
        return self.b.emit("binop", [a, b], attrs={"op": op})

    def tuple_binop(self, op, a, b):
        """t + u and t * n on tuples built in the source, as Python does them: a new tuple."""
        ta, tb = self.tuples.get(a.id), self.tuples.get(b.id)
        if op == "add" and ta is not None and tb is not None:
            return self.expr_values(ta + tb)
        n = self.b.const_int(b if ta is not None else a)
        if op == "mul" and n is not None:
            return self.expr_values((ta if ta is not None else tb) * max(n, 0))
        fail("arithmetic on a tuple", self.b.loc,
             "tuples join with + and repeat by a constant count with *; for element-wise math use np.array")

    def expr_UnaryOp(self, node):
        v = self.value(node.operand)
        if isinstance(node.op, gast.UAdd):
            return v
        op = {gast.USub: "neg", gast.Not: "not"}.get(type(node.op))
        if op is None:
            self.fail(node, "the operator ~", "use not, or a comparison")
        if op == "neg" and self.b.const_int(v) is not None:  # -1, -(2): constants
            return self.b.const(-self.b.const_int(v))
        return self.b.emit("unop", [v], attrs={"op": op})

    def expr_Compare(self, node):
        left, out = self.value(node.left), None
        for op, right_node in zip(node.ops, node.comparators):
            if type(op) not in _CMPOPS:
                self.fail(node, f"the comparison {type(op).__name__}", "compare numbers with < <= > >= == !=")
            right = self.value(right_node)
            c = self.b.emit("cmp", [left, right], attrs={"op": _CMPOPS[type(op)]}, name="cond")
            out = c if out is None else self.b.emit("logic", [out, c], attrs={"op": "and"}, name="cond")
            left = right
        return out

    def expr_BoolOp(self, node):
        op = "and" if isinstance(node.op, gast.And) else "or"
        out = self.value(node.values[0])
        for nxt in node.values[1:]:
            if _cheap(nxt):
                out = self.b.emit("logic", [out, self.value(nxt)], attrs={"op": op}, name="cond")
            else:
                out = self._short_circuit(op, out, nxt)
        return out

    def _short_circuit(self, op, first, node):
        with self.b.open() as evaluate:
            evaluate.yields = [self.value(node)]
        with self.b.open() as skip:
            skip.yields = [self.b.const(op == "or")]
        arms = [evaluate, skip] if op == "and" else [skip, evaluate]
        return self.b.emit("if", [first], regions=arms, name="cond")

    def expr_IfExp(self, node):
        pred = self.value(node.test)
        arms = []
        for sub in (node.body, node.orelse):
            with self.b.open() as r:
                r.yields = [self.value(sub)]
            arms.append(r)
        return self.b.emit("if", [pred], regions=arms)

    def expr_Subscript(self, node):
        base = self.value(node.value)
        idx, pattern = self.indices(node.slice)
        if base.id in self.tuples:
            return self.tuple_item(node, self.tuples[base.id], idx, pattern)
        return self.read_index(base, idx, pattern, _hint(node.value))

    def tuple_item(self, node, parts, idx, pattern):
        """t[k] of a tuple built in the source: the element itself for a constant k; for a k
        known at run time, a chain of ifs on k (so derivatives flow into the element read),
        after `(0, 1, ..., n - 1)[k]`, which raises IndexError and wraps negative k as Python does."""
        if pattern is not None or len(idx) != 1:
            self.fail(node, "slicing or multi-indexing a tuple", "index a tuple with one integer: t[i]")
        k = self.b.const_int(idx[0])
        if k is not None:
            if not -len(parts) <= k < len(parts):
                self.fail(node, f"the index {k} into a tuple of {len(parts)} values (IndexError in Python)",
                          f"index with 0 ... {len(parts) - 1}, or -{len(parts)} ... -1")
            return parts[k]
        if not parts:
            self.fail(node, "indexing an empty tuple (IndexError in Python)", "index a tuple that has elements")
        slots = self.b.emit("tuple", [self.b.const(j) for j in range(len(parts))], name="slots")
        return self._select(parts, self.b.emit("getitem", [slots, idx[0]], name="k"), 0)

    def _select(self, parts, k, j):
        """parts[k] for a run-time k in range: ifs on k == j, j + 1, ... (each test made before the
        chain, where the backward sweep reads it); element-wise for tuples of tuples."""
        if all(p.id in self.tuples for p in parts) and len({len(self.tuples[p.id]) for p in parts}) == 1:
            rows = list(zip(*(self.tuples[p.id] for p in parts)))
            return self.expr_values([self._select(list(row), k, j) for row in rows])
        tests = [self.b.emit("cmp", [k, self.b.const(j)], attrs={"op": "eq"}, name="at")
                 for j in range(max(len(parts) - 1, 1))]
        return self._chain(parts, tests, 0)

    def _chain(self, parts, tests, j):
        if j == len(tests):
            return parts[-1]
        with self.b.open() as hit:
            hit.yields = [parts[j]]
        with self.b.open() as rest:
            rest.yields = [self._chain(parts, tests, j + 1)]
        return self.b.emit("if", [tests[j]], regions=[hit, rest],
                           attrs={"what": "an element of a tuple indexed at run time"}, name="item")

    def indices(self, sl):
        """(index values, pattern): the pattern is None for integer indices only, else one entry
        per index: ("i",) an integer, ("n",) None (a new axis), ("s", lower?, upper?, step?) a slice."""
        parts = sl.elts if isinstance(sl, gast.Tuple) else [sl]
        values, pattern = [], []
        for p in parts:
            if isinstance(p, gast.Slice):
                bounds = [p.lower, p.upper, p.step]
                pattern.append(("s",) + tuple(b is not None for b in bounds))
                values += [self.value(b) for b in bounds if b is not None]
            elif isinstance(p, gast.Constant) and p.value is None:
                pattern.append(("n",))
            else:
                pattern.append(("i",))
                values.append(self.value(p))
        return values, (tuple(pattern) if any(k != ("i",) for k in pattern) else None)

    def read_index(self, base, idx, pattern, name):
        if pattern is None:
            return self.b.emit("getitem", [base] + idx, name=name)
        return self.b.emit("getslice", [base] + idx, attrs={"pattern": pattern}, name=name)

    def write_index(self, base, idx, pattern, value):
        if base.id in self.tuples:
            fail("assignment to an element of a tuple (a TypeError in Python)", self.b.loc,
                 "build a new tuple, or use an array: x = np.zeros(n); x[i] = v")
        if pattern is None:
            self.b.emit("setitem", [base] + idx + [value], nresults=0)
        else:
            self.b.emit("setslice", [base] + idx + [value], attrs={"pattern": pattern}, nresults=0)

    def expr_Lambda(self, node):
        return self.local_fn(node)

    def expr_Call(self, node):
        if node.keywords and not (self._reduction_keywords(node) or self._bound_keywords(node)):
            self.fail(node, "keyword arguments in a call", "pass the arguments by position")
        if isinstance(node.func, gast.Attribute) and self.static(node.func) is None:
            return self.method_call(node)
        fn = self.static(node.func)
        if (fn is None and isinstance(node.func, gast.Name) and node.func.id not in self.env
                and externs.is_c_function(self.parsed.resolve(node.func.id))):
            return self.call_c(node, self.name(node.func), [self.value(a) for a in node.args])
        if fn is None and not isinstance(node.func, (gast.Name, gast.Attribute)):
            fn = self.expr(node.func)  # make(y)(x): a call of the function a call returned
            fn = fn if isinstance(fn, (LocalFn, Static)) else None
        if fn is None:
            self.fail(node.func, "a call of a value that is not a function", "call a function by its name")
        if isinstance(fn, LocalFn):
            return self.inline_local(node, fn)
        if fn.obj is np.einsum:
            return npcalls.einsum(self, node)
        return self.call_object(node, fn.obj, [self.expr(a) for a in node.args])

    def method_call(self, node):
        base = self.value(node.func.value)
        target = _METHODS.get(node.func.attr)
        if target is None:
            self.fail(node, f"the method .{node.func.attr}()", "call the NumPy function instead: np.f(x)")
        args = [self.value(a) for a in node.args]
        if target is np.reshape and len(args) != 1:  # x.reshape(m, n)
            args = [self.expr_Tuple(gast.Tuple(elts=node.args, ctx=gast.Load()))]
        return self.call_object(node, target, [base] + args)

    def _callee(self, node):
        """The NumPy function a call names, as a function (np.sum) or as a method (x.sum), or None."""
        fn = self.static(node.func)
        method = _METHODS.get(node.func.attr) if isinstance(node.func, gast.Attribute) and fn is None else None
        return _hashable(method or getattr(fn, "obj", None))

    def _bound_keywords(self, node):
        return self._callee(node) in npcalls.SIGNATURES

    def _reduction_keywords(self, node):
        """Keywords adc takes: axis= and keepdims= (constants) on sum, mean, prod, max, min, std, var."""
        if self._callee(node) not in _AXIS_REDUCTIONS:
            return False
        for k in node.keywords:
            if k.arg not in ("axis", "keepdims"):
                self.fail(k.value, f"the keyword {k.arg}=", "use axis= and keepdims= only")
            if not isinstance(k.value, (gast.Constant, gast.UnaryOp)):
                self.fail(k.value, f"a computed {k.arg}=", f"write {k.arg} as a constant")
        return True

    def reduce_axis(self, node, fn, args):
        """np.sum(x, axis=a, keepdims=k) -> rt.sum_axis(x, a), then rt.expand_axis when keepdims."""
        kw = {k.arg: _constant(k.value) for k in node.keywords}
        axis, keep = kw.get("axis"), kw.get("keepdims", False)
        if len(args) > 1:
            self.fail(node, "a reduction with extra positional arguments", "pass axis= by keyword")
        if axis is None:
            out = self.call_rule(node, fn, args)
            return self.b.emit("call", [out, self.b.const(0)], attrs={"fn": "rt.expand_axis"}) if keep else out
        name = _AXIS_REDUCTIONS[_hashable(fn)]
        out = self.b.emit("call", [args[0], self.b.const(axis)], attrs={"fn": f"rt.{name}_axis"})
        if keep:
            out = self.b.emit("call", [out, self.b.const(axis)], attrs={"fn": "rt.expand_axis"})
        return out

    def call_object(self, node, obj, args):
        from ..custom import NonDiff, Primitive
        if isinstance(obj, Primitive) and obj in self.within:  # its own rule calls it: its Python body
            return self.call_object(node, obj.f, args)
        if isinstance(obj, Primitive):
            return self.call_primitive(node, obj, [self.as_value(a, node) for a in args])
        if isinstance(obj, NonDiff):
            out = self.inline_user(node, obj.f, [self.as_value(a, node) for a in args], within=obj)
            return self.b.emit("call", [out], attrs={"fn": "rt.stop_gradient"}, name=out.name)
        if obj is range:
            self.fail(node, "range(...) outside a for loop", "use range only as `for i in range(...)`")
        if obj is len:
            return self.b.emit("len", [self.as_value(args[0], node.args[0])], name="n")
        if obj in (float, int) and len(args) == 1:
            return self.b.emit("cast", [self.as_value(args[0], node)], attrs={"dtype": "float64" if obj is float else "int64"})
        if _hashable(obj) in npcalls.SIGNATURES:
            args = npcalls.bind(self, node, obj, args)
            out = npcalls.special(self, node, obj, args)
            if out is not None:
                return out
        elif node.keywords:
            return self.reduce_axis(node, obj, [self.as_value(a, node) for a in args])
        if rules.key_of(obj) is not None:
            return self.call_rule(node, obj, [self.as_value(a, node) for a in args])
        if externs.is_foreign_ufunc(obj):
            return self.call_ufunc(node, obj, [self.as_value(a, node) for a in args])
        fn = getattr(obj, "py_func", obj)  # a numba dispatcher: differentiate its Python source
        if inspect.isfunction(fn):
            return self.inline_user(node, fn, [self.as_value(a, node) for a in args])
        name = getattr(obj, "__qualname__", repr(obj))
        module = getattr(obj, "__module__", None) or ""
        inside = [w for w in self.within if isinstance(w, NonDiff)]
        if inside:  # no derivative is asked for here, but adc still compiles the body
            self.fail(node, f"a call to {module + '.' if module else ''}{name} inside the @adc.nondiff function "
                      f"{inside[-1].__name__}, which adc compiles but cannot call this from",
                      "compute it outside the differentiated function and pass the result in as an argument")
        self.fail(node, f"a call to {module + '.' if module else ''}{name}, which has no derivative rule",
                  "give it one with @adc.primitive and defvjp, or mark it @adc.nondiff if it has no derivative")

    def call_rule(self, node, obj, args):
        key = rules.key_of(obj)
        if key is None:
            self.fail(node, f"a call to {getattr(obj, '__name__', obj)}, which has no derivative rule",
                      "give it one with @adc.primitive and defvjp")
        return self.b.emit("call", args, attrs={"fn": key})

    def call_c(self, node, callee, args):
        """A C function (ctypes, Numba cfunc), passed in as a parameter: run, never read."""
        self.at(node)
        return self.b.emit("extern", [callee] + args, attrs={"callee": node.func.id}, name="y")

    def call_ufunc(self, node, obj, args):
        """Another library's ufunc (scipy.special.erf): the generated module imports it from its home."""
        home = externs.home(obj)
        if home is None:
            self.fail(node, f"a call to the ufunc {obj.__name__}, which no public module holds",
                      "import it from a module the generated code can import too")
        self.at(node)
        return self.b.emit("extern", args, attrs={"ufunc": obj, "home": home, "callee": obj.__name__}, name="y")

    def inline_user(self, node, fn, args, within=None):
        if fn in self.callers:
            self.fail(node, f"recursion ({fn.__name__} calls itself)", "rewrite the recursion as a loop")
        parsed = parse_function(fn)
        fence(parsed)
        callee = Lowerer(parsed, self.b, self.captures, self.callers + [fn],
                         within=self.within + ((within,) if within is not None else ()))
        self._check_arity(node, parsed.node, args, list(fn.__defaults__ or ()), fn.__name__)
        return callee.lower_callable(parsed.node, args)

    def call_primitive(self, node, prim, args):
        """Run the primitive's `fwd` (or its body); a `custom` op stands for its output."""
        if prim.fwd is None:
            y, residuals = self.call_object(node, prim.f, args), list(args)
        else:
            pair = self.inline_user(node, prim.fwd, args, within=prim)
            if pair.id not in self.tuples or len(self.tuples[pair.id]) != 2:
                self.fail(node, f"the fwd rule of {prim.__name__}, which does not return (output, residuals)",
                          "return a pair: y, (r1, r2, ...)")
            y, res = self.tuples[pair.id]
            residuals = list(self.tuples.get(res.id, [res]))
        self.at(node)
        known = self.rule_captures(prim.bwd, prim.jvp)
        return self.b.emit("custom", args + [y] + residuals, attrs={"prim": prim, "nargs": len(args), "captures": known},
                           name=y.name)

    def rule_captures(self, *fns):
        """The numbers, arrays and C functions rules `fns` read from globals and closures, made
        parameters now: the passes that inline the rules later (bwd, jvp) find them by key."""
        known = {}
        for fn in fns:
            if not inspect.isfunction(fn):
                continue
            parsed = parse_function(fn)
            for name in set(fn.__code__.co_names) | set(fn.__code__.co_freevars):
                if _is_value(parsed.resolve(name)):
                    known[Captures.key(fn, name)] = self.captures.get(parsed, name)
        return known

    def default(self, node, name, obj):
        """A default of user function `name`: the value Python computed when the def ran."""
        if isinstance(obj, Value):
            return obj
        if isinstance(obj, (bool, int, float, complex)):
            return self.b.const(obj)
        if isinstance(obj, np.ndarray):
            self.fail(node, f"a call that leaves a parameter of {name} with an array default unset",
                      "pass that argument explicitly")
        return Static(obj)  # None, a function: an error where it is used as a number

    def inline_local(self, node, fn):
        args = [self.value(a) for a in node.args]
        self._check_arity(node, fn.node, args, fn.defaults, getattr(fn.node, "name", "lambda"))
        env = {k: v for k, v in fn.owner.env.items() if not k.startswith(".")}
        callee = Lowerer(fn.parsed, self.b, self.captures, self.callers, env, within=self.within)
        return callee.lower_callable(fn.node, args)

    def _check_arity(self, node, fnode, args, defaults, name="lambda"):
        if len(fnode.args.args) != len(args) or defaults:
            if len(fnode.args.args) - len(defaults) <= len(args) <= len(fnode.args.args):
                missing_n = len(fnode.args.args) - len(args)
                args.extend(self.default(node, name, d) for d in defaults[len(defaults) - missing_n:])
                return
            self.fail(node, f"a call with {len(args)} arguments to a function of {len(fnode.args.args)}",
                      "pass every parameter")


_TEMPLATES = {}


def inline_template(builder, template, args, which):
    """Lower rule `template` applied to `args`; return the contributions numbered `which`."""
    if template not in _TEMPLATES:
        _TEMPLATES[template] = parse_function(template)
    parsed = _TEMPLATES[template]
    lw = Lowerer(parsed, builder, Captures(), [template], track_loc=False)
    node = parsed.node
    for name, value in zip((a.id for a in node.args.args), args):
        lw.env[name] = value
    if isinstance(node, gast.Lambda):
        body = node.body
    else:
        lw.block(node.body[:-1])
        body = node.body[-1].value
    if isinstance(body, gast.Tuple):
        return [lw.value(body.elts[k]) for k in which]
    return [lw.value(body)]


def inline_rule(builder, fn, args, residuals=None, which=None, known=None):
    """Inline user rule `fn` (a bwd or jvp): `residuals`, when given, are bound as a static
    tuple to its first parameter; `known` are the captured values `Lowerer.rule_captures` made.
    Returns the elements `which` of its tuple result, or its result."""
    parsed = parse_function(fn)
    fence(parsed)
    captures = Captures()
    captures.by_key.update(known or {})
    lw = Lowerer(parsed, builder, captures, [fn], track_loc=False)
    if residuals is not None:
        res = Value("res")
        captures.tuples[res.id] = list(residuals)
        args = [res] + list(args)
    out = lw.lower_callable(parsed.node, args)
    if which is None:
        return out
    parts = captures.tuples.get(out.id)
    if parts is None:
        return [out]
    return [parts[k] for k in which]


def _same_static(a, b):
    if isinstance(a, Static) and isinstance(b, Static):
        return a.obj is b.obj
    return a is b


class _Undefined:
    def __init__(self, name, where):
        self.name, self.where = name, where


# ---------------------------------------------------------------- syntax queries

def _hashable(obj):
    try:
        hash(obj)
        return obj
    except TypeError:
        return None


def _constant(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant):
        return -node.operand.value
    return node.value


def _is_docstring(s):
    return isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant) and isinstance(s.value.value, str)


def _simple_return(body):
    """Only one return, at the end of the top-level body."""
    return bool(body) and isinstance(body[-1], gast.Return) and not any(
        _has_return([s]) for s in body[:-1])


def _always_returns(body):
    if not body:
        return False
    last = body[-1]
    if isinstance(last, gast.Return):
        return True
    if isinstance(last, gast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def _walk_no_nested(stmts, skip_loops):
    """Nodes of `stmts`, not entering nested defs (nor loops when `skip_loops`)."""
    todo = list(stmts)
    while todo:
        n = todo.pop()
        yield n
        if isinstance(n, (gast.FunctionDef, gast.Lambda)):
            continue  # a nested def: its name, not its body
        for child in gast.iter_child_nodes(n):
            if isinstance(child, (gast.FunctionDef, gast.Lambda)):
                continue
            if skip_loops and isinstance(child, (gast.For, gast.While)):
                continue
            todo.append(child)


def _has_return(stmts):
    return any(isinstance(n, gast.Return) for n in _walk_no_nested(stmts, False))


def _has_break(stmts):
    return any(isinstance(n, gast.Break) for n in _walk_no_nested(stmts, True))


def _has_continue(stmts):
    return any(isinstance(n, gast.Continue) for n in _walk_no_nested(stmts, True))


def _may_jump(stmt):
    return _has_return([stmt]) or (not isinstance(stmt, (gast.For, gast.While))
                                   and (_has_break([stmt]) or _has_continue([stmt])))


def _assigned_names(stmts):
    names = set()
    for n in _walk_no_nested(stmts, False):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            names.add(n.id)
        if isinstance(n, gast.Break):
            names.add(_BRK)
        if isinstance(n, gast.Continue):
            names.add(_CONT)
        if isinstance(n, gast.FunctionDef):
            names.add(n.name)
    return names


def _cheap(node):
    """An operand that can be evaluated eagerly: no calls, no indexing."""
    return not any(isinstance(n, (gast.Call, gast.Subscript)) for n in gast.walk(node))


def _hint(node):
    return node.id if isinstance(node, gast.Name) else "t"


def _pretty(name):
    return {_RET: "returned", _RETVAL: "result", _BRK: "broke", _CONT: "skipped"}.get(name, name)
