"""reverse: joint-mode reverse differentiation of a typed function.

Contract: takes a typed, verified primal `Function`, the indices of the
parameters to differentiate and a debug flag; returns a new (untyped where
new) `Function` with the same parameters whose body is the forward sweep
(the primal plus the pushes the `Tape` asked for) followed by the backward
sweep, and which yields (value, gradient, ...). The output must be a
scalar.

Adjoints of scalars are SSA values: loops and branches carry them. Adjoints
of arrays are buffers allocated with `zeros_like` when the mirror of their
defining region begins, and updated in place (`iadd`, `iadd_item`).
"""
from .. import externs, rules
from ..errors import AdcTypeError, fail
from ..ir import I64, Function, Op, Region, TupleT, Value, walk, without_new_axes
from .activity import activity, differentiable
from .builder import Builder
from .inline import inline_rule, inline_template
from .tbr import Tape


def reverse(fn, wrt, debug=False, seeded=False):
    """With `seeded`, the cotangent of the output is a last parameter (split mode, Jacobians),
    and the output may be an array; otherwise it is 1.0 and the output must be a scalar."""
    out = fn.body.yields[0]
    if hasattr(out.type, "elems"):
        raise AdcTypeError(f"adc differentiates functions that return one number or array; {fn.name} "
                           f"returns a tuple {out.type}")
    if out.type.ndim and not seeded:
        raise AdcTypeError(f"grad needs a function with a scalar output; {fn.name} returns {out.type}. "
                           "hint: use adc.vjp or adc.jacobian for non-scalar outputs")
    params = [fn.params[k] for k in wrt]
    for p in params:
        if not p.type.is_float:
            raise AdcTypeError(f"cannot differentiate with respect to {p.name}, which is {p.type}; "
                               "pass a float (e.g. 1.0, or x.astype(float)) or leave it out of wrt")
    tape = Tape(fn, debug, level=_free_level(fn))
    rev = Reverse(fn, activity(fn, params, out), tape)
    seed = Value(out.name + "_bar", out.type) if seeded else None
    backward = rev.sweep(out, params, seed)
    forward = Forward(tape).region(fn.body)
    if debug:
        backward.ops.append(Op("stack_check", [], attrs={"level": tape.level}))
    marks = [Op("sweep", attrs={"part": "forward"})], [Op("sweep", attrs={"part": "backward"})]
    body = Region([], marks[0] + forward.ops + marks[1] + backward.ops, [out] + backward.yields)
    return Function(fn.name + "_grad", fn.params + ([seed] if seeded else []), body, fn.loc, fn.captured)


def _free_level(fn):
    """The first stack level `fn` does not use: a derivative of a derivative records its own
    tape (and the adjoints of the inner tape) on stacks of its own."""
    used = [op.attrs.get("level", 0) + (2 if op.attrs.get("adjoint_stack") else 1)
            for op in walk(fn.body) if op.opname in ("push", "pop", "reserve", "stack_check")]
    return max(used, default=0)


# ---------------------------------------------------------------- backward sweep

class Reverse:
    def __init__(self, fn, active, tape):
        self.fn, self.act, self.tape = fn, active, tape
        self.b = Builder(adjoint=True)
        self.adj = {}

    def active(self, v):
        return v.id in self.act

    def read(self, v, at=None):
        """Primal `v` in the backward sweep: recomputed when that is cheaper than a push and a pop
        (integer arithmetic; the shapes of top-level arrays; element reads of arrays nothing writes;
        sums and products of those and of values at hand), else taped."""
        if self.tape.nested(v) and self._recompute(v, depth=3):
            op = self.tape.defining_op(v)
            args = [self.read(a) for a in op.args]
            return self.b.emit(op.opname, args, attrs=op.attrs, name=v.name)
        return self.tape.read(v, at)

    def _recompute(self, v, depth):
        op = self.tape.defining_op(v)
        if op is None or depth == 0:
            return False
        if op.opname in ("shape", "len", "size"):  # an array's shape never changes
            return not self.tape.nested(op.args[0])
        if isinstance(v.type, TupleT) or v.type.ndim:
            return False
        if v.type == I64 and op.opname in ("binop", "unop"):
            return True
        if op.opname == "getitem" and isinstance(op.args[0].type, TupleT):  # n = x.shape[0]
            return self._at_hand(op.args[0], depth) and all(self._at_hand(a, depth) for a in op.args[1:])
        if op.opname == "getitem":
            return self.tape.read_only(op.args[0]) and all(self._at_hand(a, depth) for a in op.args[1:])
        cheap = op.attrs.get("op") in ("add", "sub", "mul", "neg") and op.opname in ("binop", "unop")
        return cheap and all(self._at_hand(a, depth) for a in op.args)

    def _at_hand(self, v, depth):
        """Readable in the backward sweep for the price of an int push at most."""
        return not self.tape.nested(v) or v.type == I64 or self._recompute(v, depth - 1)

    def sweep(self, out, params, seed=None):
        """The backward sweep of the whole function; yields one gradient per param."""
        top = self.fn.body
        with self.b.open() as region:
            self.alloc(list(self.fn.params) + _defined(top))
            if self.active(out) and out.type.is_array:
                self.b.emit("iadd", [self.adj[out.id], seed], nresults=0)
            elif self.active(out):
                self.adj[out.id] = seed if seed is not None else self.b.const(1.0, out.name + "_bar")
            self.ops(top)
            region.yields = [self.gradient(p) for p in params]
        return region

    def gradient(self, p):
        if p.id in self.adj:
            return self.adj[p.id]
        return self.zero(p)

    def zero(self, v):
        if v.type.is_array:
            return self.b.emit("zeros_like", [self.read(v)], name=v.name + "_bar")
        return self.b.const(0.0 if v.type.dtype != "complex128" else 0j, v.name + "_bar")

    def alloc(self, values):
        """Zeroed adjoint buffers for the active arrays among `values`."""
        for v in values:
            if self.active(v) and v.type.is_array:
                self.adj[v.id] = self.b.emit("zeros_like", [self.read(v)], name=v.name + "_bar")

    def accumulate(self, v, c):
        if not self.active(v):
            return
        if v.type.is_array:
            self.b.emit("iadd", [self.adj[v.id], c], nresults=0)
        elif v.id in self.adj:
            self.adj[v.id] = self.b.emit("binop", [self.adj[v.id], c], attrs={"op": "add"}, name=v.name + "_bar")
        else:
            self.adj[v.id] = c
            if c.name in ("t", "c", "g"):
                c.name = v.name + "_bar"

    def ops(self, region):
        for op in reversed(region.ops):
            self.b.loc = op.loc
            handler = getattr(self, "op_" + op.opname, None)
            if handler is not None:
                handler(op)
            elif op.opname == "call" and rules.RULES[op.attrs["fn"]].scatter:
                self.scatter(op)
            elif differentiable(op) and any(self.active(r) for r in op.results):
                self.rule(op)

    # ------------------------------------------------------------ primitives

    def rule(self, op):
        g = self.adj.pop(op.result.id, None)
        if g is None:
            return
        key = op.attrs.get("fn") or op.attrs.get("op")
        if op.opname == "cast":
            return self.accumulate(op.args[0], g)
        rule = rules.RULES[key]
        which = [k for k, a in enumerate(op.args) if self.active(a)]
        if rule.part is not None:
            return self.parts(rule, op, g, which)
        found = rules.template_for(rule, [a.type for a in op.args], which)
        if found is None:
            raise AdcTypeError(f"{rule.shown} has no reverse-mode rule for arguments {[str(a.type) for a in op.args]}")
        template, needs = found
        primal = [op.result] + list(op.args)
        values = [self.read(primal[k], op) if k in needs else primal[k] for k in range(len(primal))]
        contribs = inline_template(self.b, template, [g] + values, which)
        for k, c in zip(which, contribs):
            self.accumulate(op.args[k], self.real_part(op, op.args[k], self.unbroadcast(rule, op, op.args[k], c)))

    def real_part(self, op, x, c):
        """A real input of a complex op keeps the real part of its contribution (autograd's convention)."""
        if x.type.dtype == "complex128" or all(getattr(v.type, "dtype", None) != "complex128"
                                               for v in op.args + op.results):
            return c
        return self.b.emit("call", [c], attrs={"fn": "np.real"}, name=c.name)

    def parts(self, rule, op, g, which):
        """A variadic rule (concatenate, stack): each array's part of the adjoint, by its position."""
        args = [self.read(a, op) for a in op.args]
        for k in which:
            index = self.b.const(k - rule.lead)
            self.accumulate(op.args[k], self.b.emit("call", [g, index] + args, attrs={"fn": rule.part},
                                                    name=op.args[k].name + "_bar"))

    def unbroadcast(self, rule, op, x, c):
        if not rule.broadcasting or not op.result.type.is_array:
            return c
        if not x.type.is_array:
            return self.b.emit("call", [c], attrs={"fn": "np.sum"})
        arrays = {a.id for a in op.args if a.type.is_array}
        if len(arrays) > 1:  # two different arrays: their shapes may broadcast
            return self.b.emit("call", [c, self.read(x)], attrs={"fn": "rt.unbroadcast"})
        return c

    def op_extern(self, op):
        """Code adc cannot read has no adjoint: refuse where one is needed."""
        if self.adj.pop(op.result.id, None) is not None and any(self.active(a) for a in op.args):
            externs.refuse_derivative(op, "reverse")

    def op_custom(self, op):
        """A user primitive: its bwd rule, inlined, with the residuals its fwd made."""
        g = self.adj.pop(op.result.id, None)
        n, prim = op.attrs["nargs"], op.attrs["prim"]
        if g is None or not any(self.active(a) for a in op.args[:n]):
            return
        if prim.bwd is None:
            fail(f"reverse mode through {prim.__name__}, which has no vjp rule", op.loc,
                 f"give it one: {prim.__name__}.defvjp(fwd, bwd)")
        which = [k for k in range(n) if self.active(op.args[k])]
        residuals = [self.read(r, op) for r in op.args[n + 1:]]
        contribs = inline_rule(self.b, prim.bwd, [g], residuals, which, op.attrs.get("captures"))
        for k, c in zip(which, contribs):
            self.accumulate(op.args[k], self.real_part(op, op.args[k], c))

    # ------------------------------------------------------------ a derivative's own ops (reverse over reverse)

    def op_pop(self, op):
        """w = pop() returns what a push stored: its adjoint goes on the adjoint stack, for the push."""
        w = op.result
        if self.active(w):
            g = self.adj.pop(w.id, None) if not w.type.is_array else self.adj[w.id]
            g = g if g is not None else self.zero(w)
            level = {"level": self.tape.level + 1, "adjoint_stack": True}
            if not w.type.is_array:
                self.b.emit("reserve", [], nresults=0, attrs={"nf": 1, "ni": 0, **level})
            self.b.emit("push", [g], nresults=0, attrs=level)

    def op_push(self, op):
        v = op.args[0]
        w = self.tape.popped_as(v)
        if w is not None and self.active(w) and self.active(v):
            g = self.b.emit("pop", types=[v.type], attrs={"level": self.tape.level + 1, "adjoint_stack": True},
                            name=v.name + "_bar")
            self.accumulate(v, g)

    def op_iadd(self, op):
        buf, c = op.args
        if self.active(buf) and self.active(c):
            part = self.adj[buf.id]
            if not c.type.is_array:
                part = self.b.emit("call", [part], attrs={"fn": "np.sum"})
            elif c.type.ndim != buf.type.ndim:
                part = self.b.emit("call", [part, self.read(c)], attrs={"fn": "rt.unbroadcast"})
            self.accumulate(c, part)

    def op_iadd_item(self, op):
        buf, g = op.args[0], op.args[-1]
        if self.active(buf) and self.active(g):
            idx = [self.read(i) for i in op.args[1:-1]]
            self.accumulate(g, self.b.emit("getitem", [self.adj[buf.id]] + idx, name=g.name + "_bar"))

    def op_iadd_slice(self, op):
        buf, c = op.args[0], op.args[-1]
        if self.active(buf) and self.active(c):
            idx = [self.read(i) for i in op.args[1:-1]]
            part = self.b.emit("getslice", [self.adj[buf.id]] + idx, attrs=dict(op.attrs))
            if not c.type.is_array:
                part = self.b.emit("call", [part], attrs={"fn": "np.sum"})
            self.accumulate(c, part)

    def op_getslice(self, op):
        """y = x[pattern] is a view: x_bar[pattern] += y_bar (new axes undone)."""
        x, y = op.args[0], op.result
        if not (self.active(x) and self.active(y)):
            return
        base, view = without_new_axes(op.attrs["pattern"])
        g = self.adj[y.id]
        if view != tuple(("s", False, False, False) for _ in view):
            zeros = [self.b.const(0) for p in view if p[0] == "i"]
            g = self.b.emit("getslice", [g] + zeros, attrs={"pattern": view})
        idx = [self.read(i) for i in op.args[1:]]
        self.b.emit("iadd_slice", [self.adj[x.id]] + idx + [g], attrs={"pattern": base}, nresults=0)

    def op_setslice(self, op):
        """x[pattern] = v: v_bar += x_bar[pattern] (summed where v broadcast), then x_bar[pattern] = 0."""
        arr, val = op.args[0], op.args[-1]
        if not self.active(arr):
            return
        buf, idx = self.adj[arr.id], [self.read(i) for i in op.args[1:-1]]
        if self.active(val):
            part = self.b.emit("getslice", [buf] + idx, attrs={"pattern": op.attrs["pattern"]}, name=val.name + "_bar")
            if not val.type.is_array:
                part = self.b.emit("call", [part], attrs={"fn": "np.sum"}, name=val.name + "_bar")
            else:
                part = self.b.emit("call", [part, self.read(val)], attrs={"fn": "rt.unbroadcast"})
            self.accumulate(val, part)
        self.b.emit("setslice", [buf] + idx + [self.b.const(0.0)], attrs=dict(op.attrs), nresults=0)

    def op_getitem(self, op):
        if len(op.args) == 2 and op.args[1].type.is_array:
            return self.gather(op)
        g = self.adj.pop(op.result.id, None)
        if g is None or not self.active(op.args[0]):
            return
        idx = [self.read(i) for i in op.args[1:]]
        self.b.emit("iadd_item", [self.adj[op.args[0].id]] + idx + [g], nresults=0)

    def gather(self, op):
        """y = x[idx] (integer array: repeated indices add up) or x[mask]: scatter y_bar back."""
        x, idx, y = op.args[0], op.args[1], op.result
        if self.active(x) and self.active(y):
            helper = "rt.take_add" if idx.type.dtype == "int64" else "rt.mask_add"
            self.b.emit("call", [self.adj[x.id], self.read(idx), self.adj[y.id]], attrs={"fn": helper}, nresults=0)

    def scatter(self, op):
        """buf[idx] += g (a gather's adjoint, differentiated again): g_bar += buf_bar[idx]."""
        buf, idx, g = op.args
        if self.active(buf) and self.active(g):
            self.b.emit("iadd", [self.adj[g.id], self.b.emit("getitem", [self.adj[buf.id], self.read(idx)])],
                        nresults=0)

    def op_setitem(self, op):
        arr, val = op.args[0], op.args[-1]
        if not self.active(arr):
            return
        buf, idx = self.adj[arr.id], [self.read(i) for i in op.args[1:-1]]
        if self.active(val):
            self.accumulate(val, self.b.emit("getitem", [buf] + idx, name=val.name + "_bar"))
        self.b.emit("setitem", [buf] + idx + [self.b.const(0.0)], nresults=0)

    # ------------------------------------------------------------ structured control flow

    def op_for(self, op):
        if not self._touches_active(op):
            return
        start, stop, step = (self.read(a) for a in op.args[:3])
        body = op.regions[0]
        index = Value(body.params[0].name, twin=body.params[0])
        self.tape.bind(body.params[0], index)
        bounds = self._reversed_range(op, start, stop, step)
        self._loop(op, body, body.params[1:], op.args[3:], bounds, index)

    def op_while(self, op):
        if not self._touches_active(op):
            return
        trips = self.read(self.tape.trip_count(op))
        bounds = [self.b.emit("binop", [trips, self.b.const(1)], attrs={"op": "sub"}, name="last"),
                  self.b.const(-1), self.b.const(-1)]
        body = op.regions[1]
        self._loop(op, body, body.params, op.args, bounds, Value("_"))

    def _reversed_range(self, op, start, stop, step):
        step_value = _const_of(op.args[2], self.fn)
        if step_value == 1:
            one = self.b.const(1)
            return [self.b.emit("binop", [stop, one], attrs={"op": "sub"}, name="last"),
                    self.b.emit("binop", [start, one], attrs={"op": "sub"}, name="first"), self.b.const(-1)]
        last = self.b.emit("call", [start, stop, step], attrs={"fn": "rt.range_last"}, name="last")
        return [last, self.b.emit("binop", [start, step], attrs={"op": "sub"}),
                self.b.emit("unop", [step], attrs={"op": "neg"})]

    def _loop(self, op, body, params, inits, bounds, index):
        carried = [(p, y, r, x) for p, y, r, x in zip(params, body.yields, op.results, inits) if self.active(p)]
        free = self._free_scalars(op)
        counters = self._counters(op, body) if op.opname == "for" else []
        init = [self.adj_or_zero(r) for _, _, r, _ in carried] + [self.adj_or_zero(v) for v in free]
        bar = [Value(p.name + "_bar") for p, *_ in carried] + [Value(v.name + "_bar") for v in free]
        ends = [Value(p.name) for p, *_ in counters]
        outer, loc = dict(self.adj), self.b.loc
        with self.b.open([index] + bar + ends) as region:
            starts = [self._step_back(p, kind, step, end) for (p, _, kind, step), end in zip(counters, ends)]
            self._enter(body)
            for v, c in zip(free, bar[len(carried):]):
                self.adj[v.id] = c
            for (p, y, r, x), c in zip(carried, bar):  # after the free scalars: a yield may be one (`t = s`)
                self.accumulate(y, c)
            self.ops(body)
            region.yields = [self.adj_or_zero(p) for p, *_ in carried] + [self.adj_or_zero(v) for v in free] + starts
            self._exit(body, region)
        self.adj, self.b.loc = outer, loc
        kept = self._drop_unread(region, counters, ends, starts)
        init += [self.read(r) for _, r, _, _ in kept]  # a counter's value after the loop
        n = len(bar) + len(kept)
        results = self.b.emit("for", bounds + init, nresults=n, regions=[region], name="bar")
        results = [results] if n == 1 else results
        self._after(carried, free, results[:len(bar)])

    def _counters(self, op, body):
        """Integers the loop carries by a step that does not read them (`idx += d - j - 2`):
        (param, result after the loop, add | sub, step). The backward sweep runs their update
        backwards from the value after the loop instead of taping every iteration's value."""
        inside = {id(body)} | {id(r) for o in walk(body) for r in o.regions}
        out = []
        for p, y, r in zip(body.params[1:], body.yields, op.results):
            update = self.tape.defining_op(y)
            if p.type != I64 or update is None or update.opname != "binop" or self.tape.home.get(y.id) is not body:
                continue
            kind, (a, b) = update.attrs["op"], update.args
            step = b if a is p else a if kind == "add" and b is p else None
            if kind in ("add", "sub") and step is not None and step is not p and self._step_readable(step, body, inside, 4):
                out.append((p, r, kind, step))
        return out

    def _step_readable(self, v, body, inside, depth):
        """Whether `v` is at hand at the top of a backward iteration without the counters: defined
        outside the loop, the loop index, or integer arithmetic on those."""
        home = self.tape.home.get(v.id, self.tape.top)
        if id(home) not in inside or v is body.params[0]:
            return True
        op = self.tape.defining_op(v)
        if home is not body or op is None or depth == 0:
            return False
        return op.opname == "const" or (v.type == I64 and op.opname in ("binop", "unop") and all(
            self._step_readable(a, body, inside, depth - 1) for a in op.args))

    def _drop_unread(self, region, counters, ends, starts):
        """The counters the backward iteration reads; the others lose their carry (DCE takes the rest)."""
        reads = {a.id for op in walk(region) for a in op.args}
        kept = []
        for counter, end, start in zip(counters, ends, starts):
            if start.id in reads:
                kept.append(counter)
            else:
                region.params.remove(end)
                region.yields.remove(start)
                region.ops = [op for op in region.ops if start not in op.results]
        return kept

    def _step_back(self, p, kind, step, end):
        """The counter's value at the start of this iteration, from its value at the end."""
        start = self.b.emit("binop", [end, self.read(step)], attrs={"op": "sub" if kind == "add" else "add"},
                            name=p.name)
        self.tape.bind(p, start)
        return start

    def _after(self, carried, free, results):
        for v, res in zip(free, results[len(carried):]):
            res.name = v.name + "_bar"
            self.adj[v.id] = res
        for (p, y, r, x), res in zip(carried, results):
            res.name = x.name + "_bar"
            self.adj.pop(r.id, None)
            self.accumulate(x, res)

    def op_if(self, op):
        if not self._touches_active(op):
            return
        pred = self.read(op.args[0])
        free = self._free_scalars(op)
        for v in free:
            self.adj[v.id] = self.adj_or_zero(v)
        outer, loc = dict(self.adj), self.b.loc
        arms = []
        for arm in op.regions:
            self.adj = dict(outer)
            with self.b.open() as region:
                self._enter(arm)
                for y, r in zip(arm.yields, op.results):
                    if self.active(r) and r.id in outer:
                        self.accumulate(y, outer[r.id])
                self.ops(arm)
                region.yields = [self.adj[v.id] for v in free]
                self._exit(arm, region)
            arms.append(region)
        self.adj, self.b.loc = outer, loc
        for r in op.results:
            self.adj.pop(r.id, None)
        results = self.b.emit("if", [pred], nresults=len(free), regions=arms)
        self._after([], free, [results] if len(free) == 1 else results)

    def adj_or_zero(self, v):
        if v.id not in self.adj:
            self.adj[v.id] = self.zero(v)
        return self.adj[v.id]

    def _enter(self, region):
        self.alloc(list(region.params) + _defined(region))

    def _exit(self, forward_region, backward_region):
        """Pop what the forward region pushed, at the start of its mirror."""
        level = {"level": self.tape.level}
        pops = [Op("pop", [], [w], dict(level)) for w, v in self.tape.pops(forward_region)]
        tag = self.tape.tag(forward_region)
        if tag is not None:  # debug mode: the pops must meet the pushes of this very region
            seen, want = Value("tag", I64), Value("c", I64)
            pops = [Op("pop", [], [seen], dict(level)), Op("const", [], [want], {"value": tag}),
                    Op("call", [seen, want], [], {"fn": "rt.check_tag"})] + pops
        backward_region.ops[0:0] = pops

    def _touches_active(self, op):
        return any(self.active(v) for sub in walk(Region([], [op])) for v in sub.results + sub.args)

    def _free_scalars(self, op):
        """Active scalars defined outside `op` and read inside it."""
        inner = {v.id for sub in walk(Region([], [op])) for r in sub.regions for v in r.params}
        inner |= {v.id for sub in walk(Region([], [op])) for v in sub.results if sub is not op}
        seen, out = set(), []
        for sub in walk(Region([], [op])):
            reads = list(sub.args) + [y for r in sub.regions for y in r.yields]
            if sub is op:
                reads = [y for r in sub.regions for y in r.yields]
            for v in reads:
                if v.id not in inner and v.id not in seen and self.active(v) and not v.type.is_array:
                    seen.add(v.id)
                    out.append(v)
        return out


_STACKS = (0, 1)  # the float stack and the int stack, as indices into Forward._pushes


def _defined(region):
    return [r for op in region.ops for r in op.results]


def _const_of(v, fn):
    for op in walk(fn.body):
        if op.results and op.results[0] is v and op.opname == "const":
            return op.attrs["value"]
    return None


# ---------------------------------------------------------------- forward sweep

class Forward:
    """The primal, plus the pushes, snapshots, trip counters and stack reservations the tape needs.

    A region reserves stack room for its own pushes right before making them, since the loops
    nested in it push in between. A `for` loop reserves once, on entry, for all its iterations
    (and its branches) on each stack (float, int) that no loop nested in it pushes to: stack
    arrays then are not rebound inside the loop, which keeps Numba's loops tight.
    """

    def __init__(self, tape):
        self.tape = tape

    def region(self, region, covered=()):
        out = Region(list(region.params), [], list(region.yields))
        for op in region.ops:
            for v, snap in self.tape.snapshots.get(id(op), []):
                out.ops.append(Op("call", [v], [snap], {"fn": "np.copy"}, [], op.loc))
            out.ops.extend(self.op(op, covered))
        if region is not self.tape.top:
            level = {"level": self.tape.level}
            pushes = [Op("push", [v], [], dict(level), [], None) for v in self.tape.recorded(region)]
            arrays = sum(1 for op in pushes if op.args[0].type.is_array)
            own = self._reserve(region, None, own=True, stacks=[k for k in _STACKS if k not in covered])
            out.ops += pushes[:arrays] + own + pushes[arrays:]
            tag = self.tape.tag(region)
            if tag is not None:
                value = Value("c", I64)
                out.ops += [Op("const", [], [value], {"value": tag}), Op("push", [value], [], dict(level))]
        return out

    def op(self, op, covered):
        if op.opname == "for":
            return self._for(op)
        if op.opname == "while":
            return self._while(op)
        regions = [self.region(r, covered) for r in op.regions]
        return [Op(op.opname, op.args, op.results, op.attrs, regions, op.loc)]

    def _for(self, op):
        body = op.regions[0]
        stacks = self._reserved_on_entry(body)
        if not stacks:
            return [Op("for", op.args, op.results, op.attrs, [self.region(body)], op.loc)]
        new = Op("for", op.args, op.results, op.attrs, [self.region(body, covered=stacks)], op.loc)
        start, stop, step = op.args[:3]
        trips = Value("trips")
        count = Op("call", [start, stop, step], [trips], {"fn": "rt.range_len"}, [], op.loc)
        return [count] + self._reserve(body, trips, stacks=stacks) + [new]

    def _reserved_on_entry(self, body):
        """The stacks (0 float, 1 int) a loop with `body` reserves for on entry: those its iterations
        push to and no nested loop does (a pushed array reserves for itself, on both)."""
        if self._records_arrays(body):
            return []
        nested = [r for op in walk(body) if op.opname in ("for", "while") for r in op.regions]
        nested += [r for n in nested for op in walk(n) for r in op.regions]
        pushes = self._pushes(body)
        return [k for k in _STACKS if pushes[k] and not any(self._pushes(r, own=True)[k] for r in nested)]

    def _while(self, op):
        cond = self.region(op.regions[0])
        body = self.region(op.regions[1])
        if id(op) not in self.tape.counters:
            return [Op("while", op.args, op.results, op.attrs, [cond, body], op.loc)]
        count = self.tape.counters[id(op)]
        zero, one = Value("c", None), Value("c", None)
        cond.params.append(Value("trips"))
        body.params.append(Value("trips"))
        step = Op("binop", [body.params[-1], one], [Value("trips")], {"op": "add"})
        body.ops.append(step)
        body.yields = body.yields + [step.result]
        pre = [Op("const", [], [zero], {"value": 0}), Op("const", [], [one], {"value": 1})]
        return pre + [Op("while", op.args + [zero], op.results + [count], op.attrs, [cond, body], op.loc)]

    def _records_arrays(self, region):
        """Whether one pass through `region` (its branches included) pushes an array."""
        regions = [region] + [r for op in walk(region) for r in op.regions]
        return any(v.type.is_array for r in regions for v in self.tape.recorded(r))

    def _pushes(self, region, own=False):
        """(float pushes, int pushes) one pass through `region` makes; with its branches unless `own`."""
        nf, ni = 0, int(self.tape.tag(region) is not None)
        for v in self.tape.recorded(region):
            if v.type.is_array:
                continue
            if v.type.dtype == "complex128":
                nf += 2  # real and imaginary parts
            elif v.type.dtype == "float64":
                nf += 1
            else:
                ni += 1
        for op in [] if own else region.ops:
            if op.opname == "if":
                for arm in op.regions:
                    f, i = self._pushes(arm)
                    nf, ni = nf + f, ni + i
        return nf, ni

    def _reserve(self, region, trips, own=False, stacks=(0, 1)):
        counts = [n if k in stacks else 0 for k, n in enumerate(self._pushes(region, own))]
        if not any(counts):
            return []
        return [Op("reserve", [trips] if trips is not None else [], [],
                   {"nf": counts[0], "ni": counts[1], "level": self.tape.level})]
