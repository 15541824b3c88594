"""control: the reversal of loops and branches in the backward sweep.

Contract: `BackwardSweep` is `Adjoints` plus the structured ops. The mirror
of a `for` runs its index from the last value down to the first; the mirror
of a `while` runs as many trips as the tape counted. Each carries the
adjoints of the loop's active carried values and of the active scalars it
reads from outside (its free scalars), and yields them in turn; a counter
the tape steps back (tbr.py) is carried from its value after the loop. The
mirror of an `if` takes the branch the forward sweep took and yields the
free scalars' adjoints. A mirror region begins with the pops of what its
forward region pushed; an op that touches nothing active has no mirror.
"""
from ... import ops
from ...ir import I64, Op, Region, Value, carried_inits, carried_params, for_bounds, walk
from .adjoints import Adjoints, _defined
from .checkpoint import Checkpoint, checkpointed


class BackwardSweep(Adjoints):
    """The backward sweep of a whole function: per-op adjoints, loops and branches reversed.
    `checkpoints` maps each checkpointed loop (by op id) to its `Checkpoint` (checkpoint.py)."""

    def __init__(self, fn, active, tape, seeded=False):
        super().__init__(fn, active, tape)
        self.seeded = seeded
        self.checkpoints = {}

    def op_for(self, op):
        if not self._touches_active(op):
            return
        start, stop, step = (self.read(a) for a in for_bounds(op))
        body = op.regions[0]
        index = Value(body.params[0].name, restores=body.params[0])
        self.tape.bind(body.params[0], index)
        bounds = self._reversed_range(op, start, stop, step)
        plan = None
        if checkpointed(op, self.tape):
            plan = self.checkpoints[id(op)] = Checkpoint(op, self.fn, self.tape, self.seeded)
            plan.before(self.b, self.read)
        self._loop(op, body, carried_params(op), carried_inits(op), bounds, index, plan)
        if plan is not None:
            plan.after(self.b)

    def op_while(self, op):
        if not self._touches_active(op):
            return
        plan = None
        if checkpointed(op, self.tape):
            plan = self.checkpoints[id(op)] = Checkpoint(op, self.fn, self.tape, self.seeded)
            plan.before(self.b, self.read)
        trips = self.read(self.tape.trip_count(op))
        bounds = [self.b.emit("binop", [trips, self.b.const(1)], attrs={"op": "sub"}, name="last"),
                  self.b.const(-1), self.b.const(-1)]
        body = op.regions[1]
        self._loop(op, body, body.params, op.args, bounds, Value("q" if plan else "_", I64), plan)
        if plan is not None:
            plan.after(self.b)

    def _reversed_range(self, op, start, stop, step):
        step_value = _const_of(op.args[2], self.fn)
        if step_value == 1:
            one = self.b.const(1)
            return [self.b.emit("binop", [stop, one], attrs={"op": "sub"}, name="last"),
                    self.b.emit("binop", [start, one], attrs={"op": "sub"}, name="first"), self.b.const(-1)]
        last = self.b.emit("call", [start, stop, step], attrs={"fn": "rt.range_last"}, name="last")
        return [last, self.b.emit("binop", [start, step], attrs={"op": "sub"}),
                self.b.emit("unop", [step], attrs={"op": "neg"})]

    def _loop(self, op, body, params, inits, bounds, index, plan=None):
        """The mirror of loop `op`; for a checkpointed one (`plan`), a body that `plan.replay`
        completes once the forward sweep is built (its carried counters are restored, not stepped)."""
        carried = [(p, y, r, x) for p, y, r, x in zip(params, body.yields, op.results, inits) if self.active(p)]
        free = self._free_scalars(op)
        counters = self.tape.stepped_counters(op, body) if op.opname == "for" and plan is None else []
        init = [self.adj_or_zero(r) for _, _, r, _ in carried] + [self.adj_or_zero(v) for v in free]
        bar = [Value(p.name + "_bar") for p, *_ in carried] + [Value(v.name + "_bar") for v in free]
        ends = [Value(p.name) for p, *_ in counters]
        outer, loc = dict(self.adj), self.b.loc
        for (p, *_), c in zip(carried, bar):  # a carried array's adjoint: the buffer the last trip left
            if p.type.is_array:
                self.spare.add(c.id)
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
        if plan is not None:
            plan.mirror = region
        self.adj, self.b.loc = outer, loc
        kept = self._drop_unread(region, counters, ends, starts)
        init += [self.read(r) for _, r, _, _ in kept]  # a counter's value after the loop
        n = len(bar) + len(kept)
        results = self.b.emit("for", bounds + init, nresults=n, regions=[region], name="bar")
        results = [results] if n == 1 else results
        self._after(carried, free, results[:len(bar)])

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
            if p.type.is_array:
                self.spare.add(res.id)
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
        self.enter_scope()
        self.alloc(list(region.params) + _defined(region))

    def _exit(self, forward_region, backward_region):
        """Pop what the forward region pushed, at the start of its mirror."""
        self.exit_scope()
        level = {"level": self.tape.level}
        pops = [Op("pop", [], [w], dict(level)) for w, v in self.tape.pops(forward_region)]
        tag = self.tape.tag(forward_region)
        if tag is not None:  # debug mode: the pops must meet the pushes of this very region
            seen, want = Value("tag", I64), Value("c", I64)
            pops = [Op("pop", [], [seen], dict(level)), Op("const", [], [want], {"value": tag}),
                    Op("call", [seen, want], [], {"fn": "rt.check_tag"})] + pops
        backward_region.ops[0:0] = pops

    def _touches_active(self, op):
        """Whether the mirror of structured `op` has work: a value defined inside it is active, or
        it writes an active value into an array or pushes one (a derivative's own tape). A loop
        that only reads active values (adc.odeint's plain solve under backsolve) has none."""
        for sub in walk(Region([], [op])):
            if any(self.active(v) for v in sub.results + [p for r in sub.regions for p in r.params]):
                return True
            if (ops.writes(sub) or sub.opname == "push") and any(self.active(a) for a in sub.args):
                return True
        return False

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


def _const_of(v, fn):
    for op in walk(fn.body):
        if op.results and op.results[0] is v and op.opname == "const":
            return op.attrs["value"]
    return None
