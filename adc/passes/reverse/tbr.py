"""tbr: to-be-recorded analysis, the record of what the backward sweep reads.

Contract: a `Tape` over a typed primal function answers `read(v, at)` while
the reverse pass builds the backward sweep: the value the backward code
should use for primal value `v`. Values of the function's top-level region
are used as they are (they are still in local variables). A value defined
in a nested region (a loop body, a branch) is recorded: the forward sweep
pushes it when that region ends, and the backward sweep pops it when the
mirror region begins. An array that the program may write to after `at`
reads it is first snapshotted (copied) before `at`. Trip counts of `while`
loops are recorded the same way. Nothing else is pushed.

Every store-or-recompute decision of the reverse pass is made here. The
tape of a loop, what one trip pushes and why:

- each value defined in the body (or in a branch inside it) that the
  backward sweep reads (an operand of an adjoint rule, a branch's
  predicate, a nested loop's bounds): pushed when the body (the branch)
  ends, popped when its mirror begins (`read`, `recorded`, `pops`); the
  popped predicate makes the backward sweep take the branch the trip took;
- unless it is cheaper to recompute in the backward sweep than to push and
  pop (`recomputes`): integer arithmetic, the shapes of top-level arrays,
  element reads, rows and slices of arrays nothing writes (a row is a
  view), sums and products of those;
- and not an integer counter the loop steps by an amount that does not
  read it (`idx += d - j - 2`): the backward sweep steps it back from its
  value after the loop (`stepped_counters`);
- a copy of an array that is read before a later write into its memory
  (`_snapshot`; aliases.py says which writes count);
- the trip count of each `while` loop in the body (`trip_count`);
- of an array the backward sweep needs for its shape alone (the operand of
  a broadcasting op, to unbroadcast its cotangent), its dimensions, one int
  each, read right after it is made (`dims`), not the array;
- in debug mode, one tag after the region's pushes, checked by the pops
  (`tag`).

Where the pushes go and how stack room is reserved for them is
augmented.py's; how many slots each takes, stack.py's.
"""
from ...ir import I64, Op, TupleT, Value, walk
from .aliases import _Mutations


class Tape:
    def __init__(self, fn, debug=False, level=0):
        self.debug, self.level = debug, level
        self.top = fn.body
        self.home = {}  # value id -> region defining it
        self.op_home = {}  # op id -> region holding it
        self.records = {}  # region id -> [values pushed when the region ends]
        self.popped = {}  # value id -> the Value the backward sweep uses
        self.snapshots = {}  # op id -> [(array, snapshot value)]
        self.counters = {}  # while op id -> trip-count value
        self.shape_reads = {}  # op id (or region id, for its params) -> ops reading an array's dims after it
        self._dims = {}  # array value id -> its dims' values (`dims`)
        self.defs = {}  # value id -> op defining it
        self._index(fn.body)
        self._all_ops = list(walk(fn.body))
        for p in fn.params:
            self.home[p.id] = fn.body
        for v, _ in fn.captured:
            self.home[v.id] = fn.body
        self._mutations = _Mutations(fn)

    def popped_as(self, v):
        """The value a pop of `fn` returns for pushed value `v` (a derivative's own tape), or None."""
        if not hasattr(self, "_pops"):
            self._pops = {op.result.restores.id: op.result for op in self._all_ops
                          if op.opname == "pop" and op.result.restores is not None}
        return self._pops.get(v.id)

    def nested(self, v):
        """Whether `v` is defined inside a loop or branch."""
        return self.home.get(v.id, self.top) is not self.top and v.id not in self.popped

    def defining_op(self, v):
        return self.defs.get(v.id)

    def _index(self, region):
        for p in region.params:
            self.home[p.id] = region
        for op in region.ops:
            self.op_home[id(op)] = region
            for r in op.results:
                self.home[r.id] = region
                self.defs[r.id] = op
            for sub in op.regions:
                self._index(sub)

    def read(self, v, at=None):
        """The backward sweep's handle on primal value `v`, read by the adjoint of op `at`."""
        if at is not None and v.type.is_array and self._mutations.after(v, at):
            v = self._snapshot(v, at)
        if v.id in self.popped:
            return self.popped[v.id]
        region = self.home[v.id]
        if region is self.top:
            return v
        self.records.setdefault(id(region), []).append(v)
        self.popped[v.id] = Value(v.name, v.type, restores=v)
        return self.popped[v.id]

    def read_only(self, v):
        """Whether array `v` is of the top-level region and never written (through any name)."""
        return self.home.get(v.id, self.top) is self.top and not self._mutations.writes.get(self._mutations.find(v.id))

    def bind(self, v, w):
        """In the backward sweep, primal `v` is `w` (a reversed loop index)."""
        self.popped[v.id] = w

    def _snapshot(self, v, at):
        for old, snap in self.snapshots.get(id(at), []):
            if old is v:
                return snap
        snap = Value(v.name + "_saved", v.type)
        self.snapshots.setdefault(id(at), []).append((v, snap))
        self.home[snap.id] = self.op_home[id(at)]
        return snap

    def dims(self, v):
        """The values of array `v`'s dimensions, one int each, made in the forward sweep right after
        `v` (or at the top of the region whose parameter it is). Read from the tape, they cost one
        int slot each where `v` itself would cost its data."""
        if v.id not in self._dims:
            shape = Value("shape", TupleT((I64,) * v.type.ndim))
            ops, dims = [Op("shape", [v], [shape])], []
            for k in range(v.type.ndim):
                axis, n = Value("c", I64), Value(f"{v.name}_len" if v.type.ndim == 1 else f"{v.name}_dim{k}", I64)
                ops += [Op("const", [], [axis], {"value": k}), Op("getitem", [shape, axis], [n])]
                dims.append(n)
            region, op = self.home[v.id], self.defs.get(v.id)
            self.shape_reads.setdefault(id(op) if op is not None else id(region), []).extend(ops)
            for o in ops:
                self.op_home[id(o)] = region
                for r in o.results:
                    self.home[r.id], self.defs[r.id] = region, o
            self._dims[v.id] = dims
        return self._dims[v.id]

    def trip_count(self, op):
        """The value that counts the iterations of `while` op `op`."""
        if id(op) not in self.counters:
            count = Value("trips", I64)
            self.counters[id(op)] = count
            self.home[count.id] = self.op_home[id(op)]
        return self.counters[id(op)]

    def tag(self, region):
        """Debug mode: the id pushed after the values a region records, checked when they are popped."""
        if not self.debug or region is self.top or not self.recorded(region):
            return None
        return 1000 + list(self.records).index(id(region))

    def recorded(self, region):
        """Values pushed when `region` ends, in push order: arrays first (a pushed array reserves its
        own room, taking stack the scalars' reservation must not count on), then scalars."""
        values = self.records.get(id(region), [])
        return [v for v in values if v.type.is_array] + [v for v in values if not v.type.is_array]

    def pops(self, region):
        """(popped value, primal value) for the mirror of `region`, in pop order."""
        return [(self.popped[v.id], v) for v in reversed(self.recorded(region))]

    def recomputes(self, v):
        """Whether the backward sweep recomputes primal `v` rather than popping it: when that is
        cheaper than a push and a pop (integer arithmetic; the shapes of top-level arrays; element
        reads, rows and slices of arrays nothing writes; sums and products of those and of values
        at hand)."""
        return self.nested(v) and self._recompute(v, depth=3)

    def _recompute(self, v, depth):
        op = self.defining_op(v)
        if op is None or depth == 0:
            return False
        if op.opname in ("shape", "len", "size"):  # an array's shape never changes
            return not self.nested(op.args[0])
        if op.opname in ("getitem", "getslice") and v.type.ndim and self.read_only(op.args[0]):
            return all(a.type == I64 and self._at_hand(a, depth) for a in op.args[1:])  # a view: `W[i]`
        if isinstance(v.type, TupleT) or v.type.ndim:
            return False
        if v.type == I64 and op.opname in ("binop", "unop"):
            return True
        if op.opname == "getitem" and isinstance(op.args[0].type, TupleT):  # n = x.shape[0]
            return self._at_hand(op.args[0], depth) and all(self._at_hand(a, depth) for a in op.args[1:])
        if op.opname == "getitem":
            return self.read_only(op.args[0]) and all(self._at_hand(a, depth) for a in op.args[1:])
        cheap = op.attrs.get("op") in ("add", "sub", "mul", "neg") and op.opname in ("binop", "unop")
        return cheap and all(self._at_hand(a, depth) for a in op.args)

    def cheap(self, v):
        """Whether the backward sweep reads `v` for an int push at most (`_at_hand`)."""
        return self._at_hand(v, 3)

    def _at_hand(self, v, depth):
        """Readable in the backward sweep for the price of an int push at most."""
        return not self.nested(v) or v.type == I64 or self._recompute(v, depth - 1)

    def stepped_counters(self, op, body):
        """Integers the loop carries by a step that does not read them (`idx += d - j - 2`):
        (param, result after the loop, add | sub, step). The backward sweep runs their update
        backwards from the value after the loop instead of taping every iteration's value."""
        inside = {id(body)} | {id(r) for o in walk(body) for r in o.regions}
        out = []
        for p, y, r in zip(body.params[1:], body.yields, op.results):
            update = self.defining_op(y)
            if p.type != I64 or update is None or update.opname != "binop" or self.home.get(y.id) is not body:
                continue
            kind, (a, b) = update.attrs["op"], update.args
            step = b if a is p else a if kind == "add" and b is p else None
            if kind in ("add", "sub") and step is not None and step is not p and self._step_readable(step, body, inside, 4):
                out.append((p, r, kind, step))
        return out

    def _step_readable(self, v, body, inside, depth):
        """Whether `v` is at hand at the top of a backward iteration without the counters: defined
        outside the loop, the loop index, or integer arithmetic on those."""
        home = self.home.get(v.id, self.top)
        if id(home) not in inside or v is body.params[0]:
            return True
        op = self.defining_op(v)
        if home is not body or op is None or depth == 0:
            return False
        return op.opname == "const" or (v.type == I64 and op.opname in ("binop", "unop") and all(
            self._step_readable(a, body, inside, depth - 1) for a in op.args))

