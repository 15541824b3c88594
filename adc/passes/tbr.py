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
"""
from ..ir import I64, Region, Value, walk


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
            self._pops = {op.result.twin.id: op.result for op in self._all_ops
                          if op.opname == "pop" and op.result.twin is not None}
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
        self.popped[v.id] = Value(v.name, v.type, twin=v)
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


class _Mutations:
    """May an array be written after a given op? (writes through any alias count)"""

    def __init__(self, fn):
        self.order = {}
        self.loops = []  # (first position, last position) of every loop
        self._number(fn.body)
        parent = {}

        def find(v):
            while parent.get(v, v) != v:
                v = parent[v]
            return v

        for op in walk(fn.body):
            for a, b in _array_phi_edges(op) + ([(op.result, op.args[0])] if _is_view(op) else []):
                parent[find(a.id)] = find(b.id)
        self.find = find
        self.writes = {}  # alias class -> positions of writes
        for op in walk(fn.body):
            if op.opname in ("setitem", "setslice", "iadd", "iadd_item", "iadd_slice"):
                self.writes.setdefault(find(op.args[0].id), []).append(self.order[id(op)])
        _check_views(fn, find)
        _check_phi_writes(fn, find, self.order, self.loops)
        _check_carried_aliases(fn, find)

    def _number(self, region):
        for op in region.ops:
            start = self.order[id(op)] = len(self.order)
            for sub in op.regions:
                self._number(sub)
            if op.opname in ("for", "while"):
                self.loops.append((start, len(self.order)))

    def after(self, v, at):
        pos = self.order.get(id(at))
        if pos is None:
            return False
        for w in self.writes.get(self.find(v.id), []):
            if w > pos or any(lo <= pos < hi and lo <= w < hi for lo, hi in self.loops):
                return True
        return False


def _check_phi_writes(fn, find, order, loops):
    """Refuse a write that one array's two names would see with two adjoints: a write
    through a rebound array (a phi) while another name of its memory is read after it,
    or a write through a name after its array was handed to a loop or branch under
    another name. (Reads that run before the write, handing the array to the phi among
    them, see the memory as it was: no conflict.)"""
    structured = [op for op in walk(fn.body) if op.opname in ("for", "while", "if")]
    phis = {v.id for op in structured for v in op.results + [p for r in op.regions for p in r.params]}
    values = {v.id: (v, -1) for v in fn.params}
    for op in walk(fn.body):
        values.update((r.id, (r, order[id(op)])) for r in op.results)
    reads = _read_positions(fn, order)

    def read_after(vid, made, at):  # a read after `at`, or before it in a later iteration of a loop around both
        if made > at:  # made after the write (a loop's next array): the write cannot reach it through this name
            return False
        return any(p > at or any(lo <= at < hi and lo <= p < hi and made < lo for lo, hi in loops)
                   for p in reads.get(vid, ()))

    for op in walk(fn.body):
        if op.opname not in ("setitem", "setslice"):
            continue
        target, at = op.args[0], order[id(op)]
        cls = find(target.id)
        if target.id in phis:
            for vid, (v, made) in values.items():
                if vid not in phis and find(vid) == cls and v.type.is_array and read_after(vid, made, at):
                    _refuse(op, target, v)
        else:
            for s in structured:
                inside_if = s.opname == "if" and any(o is op for o in walk(Region([], [s])))
                if target.id in {a.id for a in _handed_in(s)} and order[id(op)] > order[id(s)] and not inside_if:
                    _refuse(op, target, target)  # (an if hands its arms' values on when the arm ends)


def _check_carried_aliases(fn, find):
    """Refuse a loop that carries one array under two names, or an if that yields one array
    as two of its results, when that memory is written: each name has its own adjoint, and a
    write's adjoint would reach one of them only. (Two arrays swapped each iteration, double
    buffering, are two memories: allowed.)"""
    ops = list(walk(fn.body))
    written = {find(o.args[0].id): o for o in ops if o.opname in _ALL_WRITES}
    for op in ops:
        if op.opname in ("for", "while"):
            params = op.regions[-1].params[1:] if op.opname == "for" else op.regions[-1].params  # as _phi_edges
            edges = [list(zip(op.args[3:] if op.opname == "for" else op.args, params))]
        elif op.opname == "if":
            edges = [list(zip(arm.yields, op.results)) for arm in op.regions]
        else:
            continue
        edges = [[(v, p) for v, p in pairs if v.type.is_array] for pairs in edges]
        if not any(len(pairs) > 1 for pairs in edges):
            continue
        before = _classes_without(ops, op)
        for pairs in edges:
            seen = {}
            for k, (v, p) in enumerate(pairs):
                j, first = seen.setdefault(before(v.id), (k, p))
                if j != k and find(p.id) in written:
                    from ..errors import fail
                    fail(f"one array under two names ('{first.name}' and '{p.name}') that a loop or branch "
                         "carries on, written", written[find(p.id)].loc,
                         f"keep one name, or copy it: {p.name} = {first.name}.copy()")


def _classes_without(ops, op):
    """The alias classes from every op outside `op`: which memories the values `op` receives may be."""
    inside = {id(o) for o in walk(Region([], [op]))}
    parent = {}

    def find(v):
        while parent.get(v, v) != v:
            v = parent[v]
        return v

    for o in ops:
        if id(o) not in inside:
            for a, b in _array_phi_edges(o) + ([(o.result, o.args[0])] if _is_view(o) else []):
                parent[find(a.id)] = find(b.id)
    return find


_ALL_WRITES = ("setitem", "setslice", "iadd", "iadd_item", "iadd_slice")


def _read_positions(fn, order):
    """Value id -> positions at which it is read: a loop's inits just before the loop, a
    region's yields at the region's last op, every other argument at its op."""
    out = {}
    for op in walk(fn.body):
        at = order[id(op)]
        for a in op.args:
            out.setdefault(a.id, []).append(at - 0.5 if op.opname in ("for", "while") else at)
        for r in op.regions:
            end = max([order[id(o)] for o in walk(r)], default=at)
            for y in r.yields:
                out.setdefault(y.id, []).append(end)
    for y in fn.body.yields:
        out.setdefault(y.id, []).append(len(order))
    return out


_WRITES = ("setitem", "setslice")


def _check_views(fn, find):
    """A slice is a view of its array: adc allows reading it before the array is written
    again, never writing through it, never carrying it out of its region."""
    regions = [fn.body] + [r for op in walk(fn.body) for r in op.regions]
    for region in regions:
        for k, op in enumerate(region.ops):
            if not _is_view(op):
                continue
            view, cls = op.result, find(op.args[0].id)
            kind = {"getslice": "slice", "getitem": "row"}.get(op.opname) or f"view ({op.attrs['fn']} of an array)"
            if view in region.yields or any(view in r.yields for o in walk(region) for r in o.regions):
                _view_error(op, f"a {kind} carried out of its loop or branch")
            for later in region.ops[k + 1:]:
                users = [o for o in walk(Region([], [later])) if view in o.args]
                if users and any(o.opname in _WRITES and o.args[0] is view for o in users):
                    _view_error(later, f"a write through a {kind}")
                if users and not later.regions and later.opname not in _WRITES:
                    continue
                if any(o.opname in _WRITES and find(o.args[0].id) == cls for o in walk(Region([], [later]))):
                    if any(view in o.args for o in region.ops[region.ops.index(later) + 1:]
                           for o in walk(Region([], [o]))) or (users and later.regions):
                        _view_error(later, f"a {kind} read after its array is written")


def _is_view(op):
    """A slice, a row A[i] (an element read whose result is an array), or a call that may return a
    view of its first argument (reshape, transpose)."""
    from .. import rules
    if op.opname == "getitem":
        return op.result.type.is_array and not any(a.type.is_array for a in op.args[1:])
    return op.opname == "getslice" or (op.opname == "call" and rules.RULES[op.attrs["fn"]].view)


def _view_error(op, what):
    from ..errors import fail
    fail(what, op.loc, "copy it first: y = x[a:b].copy(), or index the array itself")


def _handed_in(op):
    """Values a structured op receives from outside: loop inits, and yields of outer values."""
    inner = {v.id for sub in walk(Region([], [op])) for v in sub.results}
    inner |= {p.id for sub in walk(Region([], [op])) for r in sub.regions for p in r.params}
    inits = op.args[3:] if op.opname == "for" else op.args if op.opname == "while" else []
    yielded = [y for r in op.regions for y in r.yields if y.id not in inner]
    return list(inits) + yielded


def _refuse(op, target, other):
    from ..errors import fail
    fail(f"a write into the array '{target.name}' while a loop or branch also names its memory "
         f"'{other.name}' under another name", op.loc,
         f"write into a copy: {target.name} = {target.name}.copy() before the write")


def _array_phi_edges(op):
    from ..ir import phi_edges as _phi_edges
    edges = _phi_edges(op)
    if op.opname in ("for", "while"):
        params = op.regions[-1].params[(1 if op.opname == "for" else 0):]
        edges += list(zip(params, op.results))
    return [(a, b) for a, b in edges if getattr(a.type, "is_array", False)]
