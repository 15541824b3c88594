"""aliases: which names share one array's memory, and where that memory is written.

Contract: over a typed primal function, `alias_classes(ops)` joins the
arrays that may be one memory (a loop's carried array and its init and
result, an `if`'s yields and results, a view and its array) and returns
`find`: value id -> id of its class. `_Mutations(fn)` numbers the ops in
program order, records the loops' spans and the positions of the writes
into each class, and answers `after(v, at)`: may array `v` be written (under
any of its names) after op `at` runs, counting later iterations of a loop
around both. Nothing here refuses a program; alias_check.py does.
"""
from ... import ops, rules
from ...ir import carried_edges, walk

class _Mutations:
    """May an array be written after a given op? (writes through any alias count)"""

    def __init__(self, fn):
        self.order = {}
        self.loops = []  # (first position, last position) of every loop
        self._number(fn.body)
        self.find = find = alias_classes(walk(fn.body))
        self.writes = {}  # alias class -> positions of writes
        for op in walk(fn.body):
            if ops.stores(op):
                self.writes.setdefault(find(op.args[0].id), []).append(self.order[id(op)])

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


def alias_classes(ops):
    """`find`: value id -> its alias class, joined over the phi edges and views of `ops`."""
    parent = {}

    def find(v):
        while parent.get(v, v) != v:
            v = parent[v]
        return v

    for op in ops:
        for a, b in _array_phi_edges(op) + ([(op.result, op.args[0])] if _is_view(op) else []):
            parent[find(a.id)] = find(b.id)
    return find


def _is_view(op):
    """A slice, a row A[i] (an element read whose result is an array), or a call that may return a
    view of its first argument (reshape, transpose)."""
    if op.opname == "getitem":
        return op.result.type.is_array and not any(a.type.is_array for a in op.args[1:])
    return op.opname == "getslice" or (op.opname == "call" and rules.RULES[op.attrs["fn"]].view)


def _array_phi_edges(op):
    edges = carried_edges(op)
    return [(a, b) for a, b in edges if getattr(a.type, "is_array", False)]
