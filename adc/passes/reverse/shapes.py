"""shapes: what the backward sweep reads of an array it needs for its shape alone.

Contract: `Shapes` is mixed into the backward sweep (`Adjoints`, which gives it `tape`, `b` and
`read`). A zeroed buffer (`like`) and an unbroadcast cotangent (`unbroadcast_to`) need the shape
of a primal array, not its values. They read it from the array itself where the backward sweep
has it anyway; else from the array it was made from by a copy or an elementwise op with numbers
(`prev = u.copy()`, `t = 1.0 - z`); else from a row or slice of a top-level array taken again
(`s[i]`: a later write changes its values, never its shape); else from its dimensions, which the
tape records, one int each (`Tape.dims`). So no array is taped for its shape alone.
"""
from ...ir import I64
from ... import rules

SHAPE_KEEPING = {"np.copy", "rt.copy"}  # calls whose result has their one array argument's shape


class Shapes:
    def like(self, v):
        """A value of the backward sweep with array `v`'s type and shape, for a shape alone: `v`
        where it is at hand, else the array `v` was made from by a copy or by an elementwise op
        with numbers (`prev = u.copy()`, `t = 1.0 - z`), so that `v` is not taped for its shape."""
        at_hand = self._at_hand_like(v)
        if at_hand is not None:
            return self.read(at_hand)
        return self._view_again(v) or self.read(v)

    def _view_again(self, v):
        """For a shape alone: `x[i]` (a row or slice of a top-level array x) taken again in the
        backward sweep, from x as it is then; a later write into x changes its values, never its
        shape. None for any other value."""
        op = self.tape.defining_op(v)
        if op is None or op.opname not in ("getitem", "getslice") or not v.type.ndim or self.tape.nested(op.args[0]):
            return None
        if not all(a.type == I64 and self.tape.cheap(a) for a in op.args[1:]):
            return None
        return self.b.emit(op.opname, [self.read(a) for a in op.args], attrs=dict(op.attrs), name=v.name)

    def _at_hand_like(self, v):
        """`v`, or the array it was made from (`like`), where the backward sweep has it without
        taping anything more for it; None where it has none."""
        for _ in range(8):
            if not self.tape.nested(v) or v.id in self.tape.popped or self.tape.recomputes(v):
                return v
            v = self._shaped_from(v)
            if v is None:
                return None
        return None

    def unbroadcast_to(self, c, x):
        """Cotangent `c` summed to array `x`'s shape, read from a value at hand with that shape
        (`like`), or else from `x`'s dimensions, taped (`Tape.dims`) instead of `x`."""
        at_hand = self._at_hand_like(x)
        like = self.read(at_hand) if at_hand is not None else self._view_again(x)
        if like is not None:
            return self.b.emit("call", [c, like], attrs={"fn": "rt.unbroadcast"})
        shape = self.b.emit("tuple", [self.read(n) for n in self.tape.dims(x)], name="shape")
        return self.b.emit("call", [c, shape], attrs={"fn": "rt.unbroadcast_to"})

    def _shaped_from(self, v):
        op = self.tape.defining_op(v)
        if op is None:
            return None
        arrays = [a for a in op.args if getattr(a.type, "ndim", 0)]
        if len(arrays) != 1 or arrays[0].type != v.type:
            return None
        if op.opname in ("binop", "unop") or (op.opname == "call" and op.attrs["fn"] in SHAPE_KEEPING):
            return arrays[0]
        if op.opname == "call" and op.attrs["fn"] in rules.RULES and rules.RULES[op.attrs["fn"]].elementwise:
            return arrays[0]
        return None
