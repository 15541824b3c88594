"""checkpoint: the code of a checkpointed loop (`for t in adc.checkpointed(range(T))`) in both sweeps.

Contract: a `Checkpoint` is made by the backward sweep for one `for` op whose
`checkpoint` attribute lowering set. The loop's state is its carried values
and the arrays defined before it that its body writes in place. Instead of
taping every trip:

- forward sweep (`forward`): the schedule `ck` (adc_runtime.checkpoint) and
  one snapshot buffer per state value; the state before trip 0 stored; the
  trips up to the last run untaped (`_advance`: a copy of the primal body in
  a loop), storing the states the schedule keeps; the state before the last
  trip held, and the last trip run untaped. Its results are the loop's.
- backward sweep (`before`, the mirror's `replay`, `after`): the mirror runs
  trip q from the last down as any loop's does, its pops and adjoints
  unchanged; but first it restores, into work arrays, the state held before
  q or the newest snapshot before q, advances from it to q (storing again as
  the schedule says), and runs trip q taped: a copy of the body as the
  recording sweep augmented it, its pushes included. So each pop has the one
  push it meets, just before it. A backward sweep that may run again on the
  same forward sweep (`seeded`: a vjp's pullback, the rows of a Jacobian)
  works on copies of the schedule and the snapshots.

The loop's writes go to the state arrays in the forward sweep and to work
arrays of their shape in the backward sweep, which never touches the
primal's arrays. `ck` is an output of the function (role CHECKPOINTS) that
`adc.stats` reads.

A checkpointed loop inside a loop or a branch (`nested`) runs untaped in the
forward sweep, where the tape keeps its state on entry like any value its
derivative reads; its schedule is made before its mirror from that state
(`_schedule_on_entry`), offline since its trip count is then known, and its
mirror is the same. `adc.stats` does not report it. Refused: a body that
writes through a view made before the loop.
"""
from ...errors import fail
from ...ir import I64, Op, Region, Value, carried_inits, carried_params, clone, for_bounds, free_reads, walk
from ... import ops
from ..builder import Builder
from .aliases import alias_classes


def checkpointed(op, tape):
    """Whether loop `op` is checkpointed: marked, and at the top level unless marked to be taped
    inside a loop or a branch (nested="tape")."""
    options = op.attrs.get("checkpoint")
    return options is not None and (tape.op_home[id(op)] is tape.top or options["nested"] == "checkpoint")


class Checkpoint:
    def __init__(self, op, fn, tape, seeded):
        self.op, self.tape, self.seeded = op, tape, seeded
        self.body = op.regions[-1]
        self.online = op.opname == "while"  # its trip count is known only at its end
        self.index = None if self.online else self.body.params[0]  # a for loop's index
        self.nested = tape.op_home[id(op)] is not tape.top  # its schedule is made in the backward sweep
        self.carried, self.inits = carried_params(op), carried_inits(op)
        self.arrays = _state_arrays(op, fn)
        options = op.attrs["checkpoint"]
        self.snapshots = -1 if options["snapshots"] == "auto" else options["snapshots"]
        self.memory = options["memory"]
        self.trips = tape.trip_count(op) if self.online else Value("trips", I64)
        self.ck, self.last = Value("ck"), Value("last", I64)
        self.snaps = [Value(v.name + "_snaps") for v in self.inits + self.arrays]
        self.augmented = None  # the body as the recording sweep augmented it (pushes included)
        self.mirror = None  # the backward loop's body, which `replay` completes
        self.work_ck, self.work_snaps, self.work_arrays = self.ck, list(self.snaps), []
        self.outer = {}  # a nested loop's reads of values of the regions around it: their taped copies
        self.bounds = None if self.online else list(for_bounds(op))  # start, stop, step (taped copies, nested)

    # ------------------------------------------------------------ forward sweep

    def forward(self, augmented):
        """The forward sweep's ops of the loop, given its body with the pushes of a trip."""
        self.augmented = augmented
        op = self.op
        b = Builder()
        b.loc = op.loc
        start, stop, step = for_bounds(op)
        b.add(Op("call", [start, stop, step], [self.trips], {"fn": "rt.range_len"}, [], op.loc))
        self._schedule(b, "rt.checkpoints", [self.trips])
        b.add(Op("binop", [self.trips, b.const(1)], [self.last], {"op": "sub"}, [], op.loc))
        more = b.emit("cmp", [self.trips, b.const(0)], attrs={"op": "gt"}, name="more")
        with b.open() as run:
            slot = b.emit("call", [self.ck], attrs={"fn": "rt.ckpt_first"}, name="slot")
            self._store(b, self.snaps, slot, list(self.inits) + self.arrays)
            state = self._advance(b, self.ck, self.snaps, b.const(0), self.last, list(self.inits), {})
            held = b.emit("call", [self.ck], attrs={"fn": "rt.ckpt_hold"}, name="held")
            self._store(b, self.snaps, held, state + self.arrays)
            run.yields = self._trips(b, self.last, self.trips, state, {})
        with b.open() as skip:
            skip.yields = list(self.inits)
        b.add(Op("if", [more], list(op.results), {}, [run, skip], op.loc))
        return b.region.ops

    def _schedule(self, b, maker, lead, state=None):
        """The schedule and the snapshot buffers (`self._snaps`) of the `state` values (the
        carried values' initial ones, then the state arrays; by default the loop's own): a row per
        slot and one for the held state. Returns the schedule (`self.ck` by default)."""
        state = state if state is not None else list(self.inits) + self.arrays
        words = b.const(sum(1 for v in self.inits if not v.type.is_array))
        for v, like in zip(state, self.inits + self.arrays):
            if like.type.is_array:
                words = b.emit("binop", [words, b.emit("size", [v])], attrs={"op": "add"}, name="words")
        ck = self.ck if not self.nested else Value("ck")
        b.add(Op("call", lead + [b.const(self.snapshots), b.const(self.memory), words], [ck],
                 {"fn": maker}, [], self.op.loc))
        rows = b.emit("binop", [b.emit("getitem", [ck, b.const(0)], name="slots"), b.const(1)],
                      attrs={"op": "add"}, name="rows")
        self._snaps = self.snaps if not self.nested else [Value(s.name) for s in self.snaps]
        for v, snap in zip(state, self._snaps):
            b.add(Op("call", [rows, v], [snap], {"fn": "rt.batch_empty"}, [], self.op.loc))
        return ck

    def forward_online(self):
        """The forward sweep's ops of a while loop: the primal loop, storing the states the online
        schedule keeps, counting its trips. The body's pushes are `self.augmented`'s, made by the
        trips the backward sweep runs."""
        op, body = self.op, self.body
        b = Builder()
        b.loc = op.loc
        self._schedule(b, "rt.online_checkpoints", [])
        slot = b.emit("call", [self.ck], attrs={"fn": "rt.ckpt_first"}, name="slot")
        self._store(b, self.snaps, slot, list(self.inits) + self.arrays)
        q = Value("q", I64)
        with b.open(list(body.params) + [q]) as trip:
            kept = b.emit("call", [self.ck, q], attrs={"fn": "rt.ckpt_thin"}, name="kept")
            with b.open([Value("j", I64)]) as move:  # every other snapshot dropped: row 2j to row j
                j = move.params[0]
                twice = b.emit("binop", [j, b.const(2)], attrs={"op": "mul"}, name="j")
                for snap in self.snaps:
                    row = b.emit("getslice", [snap, twice], attrs={"pattern": (("i",),)}, name="row")
                    b.emit("setslice", [snap, j, row], nresults=0, attrs={"pattern": (("i",),)})
            b.emit("for", [b.const(1), kept, b.const(1)], nresults=0, regions=[move])
            slot = b.emit("call", [self.ck, q], attrs={"fn": "rt.ckpt_due"}, name="slot")
            due = b.emit("cmp", [slot, b.const(0)], attrs={"op": "ge"}, name="due")
            with b.open() as store:
                self._store(b, self.snaps, slot, list(body.params) + self.arrays)
            with b.open() as other:
                pass
            b.emit("if", [due], nresults=0, regions=[store, other])
            b.region.ops.extend(body.ops)
            trip.yields = list(body.yields) + [b.emit("binop", [q, b.const(1)], attrs={"op": "add"}, name="q")]
        test = Region(list(op.regions[0].params) + [Value("q", I64)], op.regions[0].ops, op.regions[0].yields)
        b.add(Op("while", list(op.args) + [b.const(0)], list(op.results) + [self.trips], dict(op.attrs),
                 [test, trip], op.loc))
        b.emit("call", [self.ck, self.trips], attrs={"fn": "rt.ckpt_close"}, name="trips")
        return b.region.ops

    def _index(self, b, q):
        """The loop index of trip q."""
        start, _, step = self.bounds
        scaled = b.emit("binop", [q, step], attrs={"op": "mul"}, name="q")
        return b.emit("binop", [start, scaled], attrs={"op": "add"}, name=self.body.params[0].name)

    def _store(self, b, snaps, slot, values):
        """State `values` (the carried values, then the state arrays) into the snapshots at `slot`."""
        for snap, v, like in zip(snaps, values, self.inits + self.arrays):
            if like.type.is_array:
                b.emit("setslice", [snap, slot, v], nresults=0, attrs={"pattern": (("i",),)})
            else:
                b.emit("setitem", [snap, slot, v], nresults=0)

    def _advance(self, b, ck, snaps, position, target, state, arrays):
        """Untaped trips from `position` to trip `target` (not run), storing the states the
        schedule keeps; returns the carried values at `target`. `arrays` maps the state arrays
        to those the trips write (the work arrays in the backward sweep)."""
        carry = [Value("p", I64)] + [Value(p.name, p.type) for p in self.carried]
        with b.open(carry) as cond:
            cond.yields = [b.emit("cmp", [carry[0], target], attrs={"op": "lt"}, name="behind")]
        params = [Value("p", I64)] + [Value(p.name, p.type) for p in self.carried]
        with b.open(params) as body:
            p, values = params[0], params[1:]
            stop = b.emit("call", [ck, p, target], attrs={"fn": "rt.ckpt_advance"}, name="m")
            values = self._trips(b, p, stop, values, arrays)
            keep = b.emit("cmp", [stop, target], attrs={"op": "lt"}, name="keep")
            with b.open() as store:
                slot = b.emit("call", [ck, stop], attrs={"fn": "rt.ckpt_store"}, name="slot")
                self._store(b, snaps, slot, values + [arrays.get(u.id, u) for u in self.arrays])
            with b.open() as other:
                pass
            b.emit("if", [keep], nresults=0, regions=[store, other])
            body.yields = [stop] + values
        results = b.emit("while", [position] + state, nresults=1 + len(state), regions=[cond, body], name="p")
        results = [results] if not state else results
        return list(results[1:])

    def _trips(self, b, first, stop, state, arrays):
        """The primal body from trip `first` up to `stop`, untaped."""
        params = [Value("q", I64)] + [Value(p.name, p.type) for p in self.carried]
        with b.open(params) as loop:
            mapping = {**self.outer, **arrays}
            if self.index is not None:
                mapping[self.index.id] = self._index(b, params[0])
            mapping.update({p.id: v for p, v in zip(self.carried, params[1:])})
            loop.yields = _inline(b, self.body, mapping)
        results = b.emit("for", [first, stop, b.const(1)] + state, nresults=len(state), regions=[loop], name="x")
        return [results] if len(state) == 1 else list(results)

    def _taped(self, b, index, state, arrays, ck):
        """One trip with its pushes, the tape's depth recorded after it; the map from the body's
        values to the trip's."""
        mapping = {**self.outer, **arrays}
        if self.index is not None:
            mapping[self.index.id] = index
        mapping.update({p.id: v for p, v in zip(self.carried, state)})
        _inline(b, self.augmented, mapping)
        b.emit("stack_peak", [ck], nresults=0, attrs={"level": self.tape.level})
        return mapping

    # ------------------------------------------------------------ backward sweep

    def before(self, b, read):
        """Before the mirror loop: the work arrays, and copies of what a second run would need; for
        a loop inside a loop or a branch, the whole schedule (`read`: the backward sweep's handle
        on a primal value)."""
        if self.nested:
            return self._schedule_on_entry(b, read)
        if self.seeded:
            self.work_ck = b.emit("call", [self.ck], attrs={"fn": "np.copy"}, name="ck")
            self.work_snaps = [b.emit("call", [s], attrs={"fn": "np.copy"}, name=s.name) for s in self.snaps]
        self.work_arrays = [b.emit("call", [u], attrs={"fn": "np.empty_like"}, name=u.name + "_work") for u in self.arrays]

    def after(self, b):
        if not self.nested:
            b.emit("call", [self.ck, self.work_ck], attrs={"fn": "rt.ckpt_report"}, name="reported")

    def _schedule_on_entry(self, b, read):
        """A nested loop's forward sweep ran it untaped and the tape kept its state on entry (its
        carried values, copies of its state arrays): here, before its mirror, the schedule is made
        from that state, as the forward sweep of a top-level loop makes it, the last trip's state
        held but the trip not run. Its trips run once more than a top-level loop's."""
        op = self.op
        top = self.tape.top
        self.outer = {v.id: read(v, op) for v in free_reads(self.body.ops, self.body.yields)
                      if self.tape.home.get(v.id, top) is not top}
        self.bounds = None if self.online else [read(a) for a in for_bounds(op)]
        inits = [read(v) for v in self.inits]
        entry = [read(u, op) for u in self.arrays]
        self.work_arrays = [b.emit("call", [e], attrs={"fn": "np.copy"}, name=u.name + "_work")
                            for u, e in zip(self.arrays, entry)]
        if self.online:
            trips = read(self.tape.trip_count(op))
        else:
            trips = b.emit("call", self.bounds, attrs={"fn": "rt.range_len"}, name="trips")
        self.ck = self.work_ck = self._schedule(b, "rt.checkpoints", [trips], inits + self.work_arrays)
        self.snaps = self.work_snaps = self._snaps
        last = b.emit("binop", [trips, b.const(1)], attrs={"op": "sub"}, name="last")
        more = b.emit("cmp", [trips, b.const(0)], attrs={"op": "gt"}, name="more")
        arrays = {u.id: w for u, w in zip(self.arrays, self.work_arrays)}
        with b.open() as run:
            slot = b.emit("call", [self.ck], attrs={"fn": "rt.ckpt_first"}, name="slot")
            self._store(b, self.snaps, slot, inits + self.work_arrays)
            state = self._advance(b, self.ck, self.snaps, b.const(0), last, inits, arrays)
            held = b.emit("call", [self.ck], attrs={"fn": "rt.ckpt_held"}, name="held")
            self._store(b, self.snaps, held, state + self.work_arrays)
        with b.open() as skip:
            pass
        b.emit("if", [more], nresults=0, regions=[run, skip])

    def replay(self):
        """Complete the mirror's body: before its pops, trip q recomputed from the state held
        before it or the newest snapshot before it, and run taped."""
        region, op = self.mirror, self.op
        if self.online and self.tape.recorded(op.regions[0]):  # its trips run the body alone
            fail("a checkpointed while loop whose condition computes what the derivative needs", op.loc,
                 "compute it in the loop's body and test a plain comparison")
        b = Builder(adjoint=False)
        b.loc = op.loc
        index = q = region.params[0]  # a while loop's mirror runs over its trip numbers
        if not self.online:
            start, _, step = self.bounds
            q = b.emit("call", [index, start, step], attrs={"fn": "rt.ckpt_trip"}, name="trip")
        arrays = {u.id: w for u, w in zip(self.arrays, self.work_arrays)}
        slot = b.emit("call", [self.work_ck, q], attrs={"fn": "rt.ckpt_top"}, name="slot")
        state = []
        for snap, v in zip(self.work_snaps, self.inits):
            if v.type.is_array:
                row = b.emit("getslice", [snap, slot], attrs={"pattern": (("i",),)}, name=v.name)
                state.append(b.emit("call", [row], attrs={"fn": "np.copy"}, name=v.name))
            else:
                state.append(b.emit("getitem", [snap, slot], name=v.name))
        for snap, w in zip(self.work_snaps[len(self.inits):], self.work_arrays):
            row = b.emit("getslice", [snap, slot], attrs={"pattern": (("i",),)}, name=w.name)
            b.emit("setslice", [w, row], nresults=0, attrs={"pattern": (("s", False, False, False),)})
        position = b.emit("call", [self.work_ck, q], attrs={"fn": "rt.ckpt_position"}, name="p")
        state = self._advance(b, self.work_ck, self.work_snaps, position, q, state, arrays)
        mapping = self._taped(b, index, state, arrays, self.work_ck)
        b.emit("call", [self.work_ck, q], attrs={"fn": "rt.ckpt_turned"}, name="top")
        region.ops[0:0] = b.region.ops
        for pop in walk(region):  # the pops meet the pushes of the taped trip just run
            if pop.opname == "pop" and pop.result.restores is not None:
                pop.result.restores = mapping.get(pop.result.restores.id, pop.result.restores)


def _inline(b, region, mapping):
    """The ops of `region` copied to `b`'s cursor, its parameters bound by `mapping`; its yields."""
    copied = clone(Region([], region.ops, region.yields), mapping)
    b.region.ops.extend(copied.ops)
    return copied.yields


def _state_arrays(op, fn):
    """The arrays defined before the loop that its body writes in place: of each memory written, the
    one name the body reads (two names of one memory, as a view made before the loop and its array,
    are refused: the backward sweep's work arrays would not share memory as they do)."""
    body = op.regions[-1]
    find = alias_classes(walk(fn.body))
    outside = [v for v in free_reads(body.ops, body.yields) if getattr(v.type, "is_array", False)]
    out = []
    for w in walk(body):
        if not (ops.stores(w) or ops.writes(w)):
            continue
        target = ops.written(w)
        names = [v for v in outside if find(v.id) == find(target.id)]
        if len(names) > 1:
            fail("a checkpointed loop that writes into an array through a view made before the loop", w.loc,
                 "write into the array itself inside the loop (x[i] = ..., not v[i] = ... with v = x[a:b] made before it)")
        for v in names:
            if v not in out:
                out.append(v)
    return out
