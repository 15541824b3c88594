"""buffers: the adjoints of arrays, as buffers each held by one array alone.

Contract: `Buffers` is mixed into the backward sweep (`Adjoints`, which gives it `adj`, `b`,
`tape`, `active`, `zero` and `like`). It keeps, for the arrays of the region being mirrored
(`lazy`), no buffer until a cotangent arrives: the first one becomes the buffer when it is a new
array no one else holds (`_fresh`: an arithmetic result, an allocating NumPy call, a cotangent
a rule took and let go: `give_up`); otherwise a copy of it does (a complex array starts from a
zeroed buffer of its own dtype). Later ones are added in place. A zeroed buffer is made only
where an element or slice is written into it (`buffer`), or a loop or a gradient needs one.
Before the mirror of a loop or branch that reads an array of this region, that array's buffer is
made (`materialize`): the nested mirror updates it in place, since it cannot rebind it.

Every buffer an adjoint holds is its own (`mine`): a value two adjoints would share is copied
for the second, so updating one in place never changes another.
"""
from ... import rules
from ...ir import Region, walk

ALLOCATING = {"np.copy", "np.dot", "np.outer", "np.matmul", "np.full_like", "np.zeros_like", "np.ones_like",
              "rt.spread"}  # calls that return a new array
PASS_THROUGH = {"rt.unbroadcast", "rt.unbroadcast_to", "np.real", "rt.squeeze_axis", "rt.expand_axis", "np.transpose",
                "np.reshape", "rt.reshape"}  # calls that may return their first argument itself, or a view of it
VIEWS = {"np.real", "np.imag"}  # elementwise rules whose result may be a view of their argument


class Buffers:
    def init_buffers(self):
        self.lazy = set()  # ids of the arrays of the region being mirrored (their buffers made on demand)
        self.scopes = []  # the enclosing regions' `lazy` sets
        self.mine = set()  # ids of buffers one adjoint holds alone: they may be updated in place
        self.spare = set()  # ids of such buffers no adjoint holds any longer: the next taker may keep one
        self.taken = set()  # ids of values some adjoint has held

    def alloc(self, values):
        """The active arrays among `values` are of the region being mirrored: their buffers are made
        when a contribution arrives (`accumulate`) or one is written into (`buffer`)."""
        self.lazy |= {v.id for v in values if self.active(v) and v.type.is_array}

    def enter_scope(self):
        self.scopes.append(self.lazy)
        self.lazy = set()

    def exit_scope(self):
        self.lazy = self.scopes.pop()

    def buffer(self, v):
        """The adjoint of array `v` as a buffer this sweep may write into."""
        if v.id not in self.lazy:  # an enclosing region's: made before this mirror began
            return self.adj[v.id]
        held = self.adj.get(v.id)
        if held is None:
            held = self.zero(v)
        elif held.id not in self.mine:
            held = self._copy(held, v)
        self.adj[v.id] = held
        return held

    def materialize(self, op):
        """The buffers of this region's arrays that structured (or custom) `op` reads inside."""
        inside = [a for sub in walk(Region([], [op])) for a in sub.args if sub is not op or not op.regions]
        inside += [y for sub in walk(Region([], [op])) for r in sub.regions for y in r.yields]
        for a in inside:
            if a.id in self.lazy:
                self.buffer(a)

    def _copy(self, c, v):
        copy = self.b.emit("call", [c], attrs={"fn": "np.copy"}, name=v.name + "_bar")
        self.mine.add(copy.id)
        self.taken.add(copy.id)
        return copy

    def _fresh(self, c):
        """The ids to take if array contribution `c` may become an adjoint's buffer as it is: a new
        array of this builder's (arithmetic, an allocating NumPy call) or a buffer no one holds;
        None where it may share memory with something else (a view, a parameter, a primal value)."""
        if c.id in self.spare:
            return [c.id]
        if c.id in self.taken:
            return None
        op = self.b.made.get(c.id)
        if op is None:
            return None
        if op.opname in ("binop", "unop", "zeros_like"):
            return [c.id]
        if op.opname != "call":
            return None
        fn = op.attrs["fn"]
        if fn in PASS_THROUGH:  # may return its first argument itself
            inner = self._fresh(op.args[0])
            return None if inner is None else inner + [c.id]
        if fn in ALLOCATING or (fn in rules.RULES and rules.RULES[fn].elementwise and fn not in VIEWS):
            return [c.id]
        return None

    def give_up(self, buf):
        """`buf`, an adjoint's buffer, is no longer held by it (popped for a rule, yielded by a loop):
        the next taker may keep it."""
        if buf is not None and buf.id in self.mine:
            self.mine.discard(buf.id)
            self.spare.add(buf.id)

    def _accumulate_array(self, v, c):
        if v.id not in self.lazy:  # an enclosing region's buffer: updated in place
            self.b.emit("iadd", [self.adj[v.id], c], nresults=0)
            return
        held = self.adj.get(v.id)
        if held is not None and held.id in self.mine:
            self.b.emit("iadd", [held, c], nresults=0)
            return
        if held is not None:  # held, but not alone: the sum is a new buffer
            total = self.b.emit("binop", [held, c], attrs={"op": "add"}, name=v.name + "_bar")
            self.mine.add(total.id)
            self.taken.add(total.id)
            self.adj[v.id] = total
            return
        ids = self._fresh(c) if v.type.dtype == "float64" else None
        if ids is None:  # (a complex array's first cotangent may be real: a zeroed buffer of its dtype)
            self.adj[v.id] = self._copy(c, v) if v.type.dtype == "float64" else self.zero(v)
            if v.type.dtype != "float64":
                self.b.emit("iadd", [self.adj[v.id], c], nresults=0)
            return
        for k in ids:
            self.spare.discard(k)
            self.taken.add(k)
        self.mine.add(c.id)
        self.adj[v.id] = c
        if c.name in ("t", "c", "g"):
            c.name = v.name + "_bar"
