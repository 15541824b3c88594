"""A cursor that appends ops to the innermost open region."""
from contextlib import contextmanager

from ..ir import Op, Region, Value


class Builder:
    def __init__(self, region=None, adjoint=False):
        self.stack = [region or Region()]
        self.loc = None
        self.adjoint = adjoint
        self.consts = {}  # value id -> python constant
        self.made = {}  # value id -> the op this builder emitted for it

    @property
    def region(self):
        return self.stack[-1]

    def emit(self, opname, args=(), nresults=1, attrs=None, regions=(), name="t", types=None):
        """Append an op; return its result (or the list of them when nresults != 1)."""
        types = types or [None] * nresults
        results = [Value(name, t) for t in types]
        op = Op(opname, list(args), results, dict(attrs or {}), list(regions), self.loc, self.adjoint)
        self.region.ops.append(op)
        for r in results:
            self.made[r.id] = op
        return results[0] if nresults == 1 else results

    def add(self, op):
        self.region.ops.append(op)
        for r in op.results:
            self.made[r.id] = op
        return op

    @contextmanager
    def open(self, params=()):
        """Open a new region with `params`; ops emitted inside go there."""
        region = Region(list(params))
        self.stack.append(region)
        try:
            yield region
        finally:
            self.stack.pop()

    def const(self, value, name="c"):
        v = self.emit("const", attrs={"value": value}, name=name)
        self.consts[v.id] = value
        return v

    def is_zero(self, v):
        """Whether `v` is a constant number 0 (a rule's way of saying: no term)."""
        value = self.consts.get(v.id)
        return isinstance(value, (int, float, complex)) and not isinstance(value, bool) and value == 0

    def const_int(self, v):
        """The int constant `v` holds, or None."""
        value = self.consts.get(v.id)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
