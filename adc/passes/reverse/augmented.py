"""augmented: the forward sweep, the primal augmented with what the tape records.

Contract: `RecordingSweep(tape).region(fn.body)` returns a copy of the
primal's top-level region in which every nested region ends with the
pushes of the values the tape recorded for it (tbr.py decides which),
snapshots are taken right before the ops that read them, the dimensions of
arrays taped for their shape alone are read right after them, `while` loops
count their trips, and stack room is reserved (stack.py counts the slots).
It runs after the backward sweep is built, when the tape knows all it
records; the primal ops themselves are unchanged. A checkpointed loop's
forward sweep is its `Checkpoint`'s (checkpoint.py), which gets the loop's
augmented body for the trips the backward sweep tapes.
"""
from ... import ops
from ...ir import I64, Op, Region, Value, for_bounds, walk
from .stack import STACKS, slots


class RecordingSweep:
    """The primal, plus the pushes, snapshots, trip counters and stack reservations the tape needs.

    A region reserves stack room for its own pushes right before making them, since the loops
    nested in it push in between. A `for` loop reserves once, on entry, for all its iterations
    (and its branches) on each stack (float, int) that no loop nested in it pushes to: stack
    arrays then are not rebound inside the loop, which keeps Numba's loops tight. A `while` loop
    whose test only computes reserves at the top of its body for one trip (`_room_per_trip`),
    which codegen turns into growth outside the loop.
    """

    def __init__(self, tape, checkpoints=None):
        self.tape = tape
        self.checkpoints = checkpoints or {}  # op id -> Checkpoint: loops whose trips are not all taped

    def region(self, region, covered=()):
        out = Region(list(region.params), list(self.tape.shape_reads.get(id(region), [])), list(region.yields))
        for op in region.ops:
            for v, snap in self.tape.snapshots.get(id(op), []):
                out.ops.append(Op("call", [v], [snap], {"fn": "np.copy"}, [], op.loc))
            out.ops.extend(self.op(op, covered))
            out.ops.extend(self.tape.shape_reads.get(id(op), []))
        if region is not self.tape.top:
            level = {"level": self.tape.level}
            pushes = [Op("push", [v], [], dict(level), [], None) for v in self.tape.recorded(region)]
            arrays = sum(1 for op in pushes if op.args[0].type.is_array)
            own = self._reserve(region, None, own=True, stacks=[k for k in STACKS if k not in covered])
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
        if id(op) in self.checkpoints:  # one trip's pushes, made by the trips the schedule tapes
            plan = self.checkpoints[id(op)]
            if plan.nested:  # untaped here; its schedule is made in the backward sweep
                plan.augmented = self.region(body)
                return [Op("for", op.args, op.results, op.attrs, [body], op.loc)]
            return plan.forward(self.region(body))
        stacks = self._reserved_on_entry(body)
        if not stacks:
            return [Op("for", op.args, op.results, op.attrs, [self.region(body)], op.loc)]
        new = Op("for", op.args, op.results, op.attrs, [self.region(body, covered=stacks)], op.loc)
        start, stop, step = for_bounds(op)
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
        return [k for k in STACKS if pushes[k] and not any(self._pushes(r, own=True)[k] for r in nested)]

    def _while(self, op):
        cond = self.region(op.regions[0])
        room = self._room_per_trip(op, cond)
        covered = [k for k, key in enumerate(("nf", "ni")) if room and room[0].attrs[key]]
        body = self.region(op.regions[1], covered=covered)
        body.ops[0:0] = room
        if id(op) in self.checkpoints:  # the trips' pushes are made by the trips the backward sweep runs
            plan = self.checkpoints[id(op)]
            plan.augmented = body
            if not plan.nested:
                return plan.forward_online()
            cond, body = (Region(list(r.params), list(r.ops), list(r.yields)) for r in op.regions)  # untaped
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

    def _room_per_trip(self, op, cond):
        """[the reserve, at the top of the body of while `op`, of one trip's pushes (its branches
        included) on each stack no loop nested in the body pushes to], or [] where codegen could not
        run the test again: a checkpointed loop, a body that pushes arrays, a test (`cond`,
        augmented) that does more than compute and check. (A nested loop's pushes would move the
        stack pointer between the reserve and the pushes it made room for.) Marked `trip`: codegen
        grows those stacks outside the loop (a stack array rebound inside a hot loop costs Numba a
        reference count every trip)."""
        body = op.regions[1]
        if id(op) in self.checkpoints or self._records_arrays(body) or \
                any(ops.effect(o) not in (ops.PURE, ops.CHECK) for o in walk(cond)):
            return []
        counts = [n if k in self._reserved_on_entry(body) else 0 for k, n in enumerate(self._pushes(body))]
        if not any(counts):
            return []
        return [Op("reserve", [], [], {"nf": counts[0], "ni": counts[1], "level": self.tape.level, "trip": True})]

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
            f, i = slots(v.type)
            nf, ni = nf + f, ni + i
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
