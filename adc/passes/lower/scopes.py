"""Scopes at the joins of control flow: what each name is bound to after an `if` or a loop.

Contract: after an `if`, a name the arms bind to two different values is a
result of the `if` op (a phi), one per element when the values are tuples
built in the source, so that a tuple stays a tuple of tracked elements whose
derivatives flow; a name bound to one value on both paths keeps it; a name
bound to two functions or objects, or bound in one arm only, is `Undefined`
after it. A loop's carried names are its parameters and results, tracked
tuples again when they held one before the loop; names first bound in a loop
are `Undefined` after it, and a name bound to a function or object before a
loop must be bound to the same one at its end. `undef` placeholders stand for
a value not bound yet on a path (a result before its return).
"""
from ...errors import fail
from ...ir import Value
from .syntax import assigned_names, pretty
from .values import Undefined, same_static


class ScopeMerging:
    """The part of `Lowerer` that merges scopes where paths join."""

    def merge_if(self, pred, arms):
        """Emit the `if` of `pred` with `arms`, (region, scope at its end) pairs; bind the names
        to what they are after it."""
        (r1, e1), (r2, e2) = arms
        names = [n for n in e1 if n in e2 and isinstance(e1[n], Value) and isinstance(e2[n], Value) and e1[n] is not e2[n]]
        pairs = [self._leaves(n, e1[n], e2[n]) for n in names]
        r1.yields = [a for leaves in pairs for a, _ in leaves]
        r2.yields = [b for leaves in pairs for _, b in leaves]
        results = self.b.emit("if", [pred], nresults=len(r1.yields), regions=[r1, r2])
        results = [results] if len(r1.yields) == 1 else list(results)
        for n in names:
            v = self._rebuild(e1[n], e2[n], results)
            v.name = pretty(n)
            self.env[n] = v
        for n in set(e1) & set(e2):  # a name bound to two functions, modules or tuples: no one value
            if n in names:
                continue
            if e1[n] is e2[n]:  # the same value on both paths (`c = b` in each arm): it, not the one before
                self.env[n] = e1[n]
                continue
            if isinstance(e1[n], Undefined) or isinstance(e2[n], Undefined):
                self.env[n] = e1[n] if isinstance(e1[n], Undefined) else e2[n]
            elif not same_static(e1[n], e2[n]):
                self.env[n] = Undefined(n, "to different functions or objects on the paths of an if")
        for n in set(e1) | set(e2):  # names bound in one arm only are gone after the if
            if n not in self.env:
                self.env[n] = Undefined(n, "inside an if branch")

    def _leaves(self, name, a, b):
        """The pairs of values an `if` yields for `name`, bound to `a` in one arm and `b` in the
        other: one pair, or one per element when they are tuples built in the source (a tuple
        stays a tuple of tracked elements, whose derivatives flow), `undef` standing for either."""
        ta, tb = self.tuples.get(a.id), self.tuples.get(b.id)
        if ta is None and tb is None:
            return [(a, b)]
        if ta is None and a.id in self.captures.undefs:
            ta = [self.undef(e) for e in tb]
        if tb is None and b.id in self.captures.undefs:
            tb = [self.undef(e) for e in ta]
        if ta is None or tb is None or len(ta) != len(tb):
            what = "a tuple on one path and another value" if ta is None or tb is None else \
                f"a tuple of {len(ta)} values on one path and of {len(tb)} on another"
            fail(f"'{pretty(name)}', {what}", self.b.loc,
                 "give the name tuples of one length on every path, or use separate names for the elements")
        return [pair for x, y in zip(ta, tb) for pair in self._leaves(name, x, y)]

    def _rebuild(self, a, b, leaves):
        """A value shaped like `a` or `b` (nested tracked tuples, the shape `_leaves` took) from
        the front of `leaves`."""
        ta, tb = self.tuples.get(a.id), self.tuples.get(b.id)
        if ta is None and tb is None:
            return leaves.pop(0)
        ta, tb = ta or tb, tb or ta
        return self.expr_values([self._rebuild(x, y, leaves) for x, y in zip(ta, tb)])

    def undef(self, like=None):
        """A placeholder for a value not bound yet (shaped like `like` when it is a tracked tuple)."""
        v = self.b.emit("undef", name="result")
        self.captures.undefs.add(v.id)
        if like is not None and like.id in self.tuples:
            return self.expr_values([self.undef(e) for e in self.tuples[like.id]])
        return v

    # ------------------------------------------------------------ loops

    def track_carried(self, carried, before):
        """At the top of a loop region: a carried name that held a tuple built in the source is one
        again, of reads of the carried value's elements (so branches in the loop merge it element-wise)."""
        for n in carried:
            self.env[n] = self.track_like(self.env[n], before[n])

    def track_like(self, v, like):
        """`v`, shaped like `like`: when `like` is a tracked tuple, a tracked tuple of `v`'s elements."""
        parts = self.tuples.get(like.id) if isinstance(like, Value) else None
        if parts is None:
            return v
        return self.expr_values([self.track_like(self.b.emit("getitem", [v, self.b.const(k)], attrs={"index": k},
                                                             name=getattr(p, "name", "t")), p)
                                 for k, p in enumerate(parts)])

    def leave_loop(self, before, stmts, header):
        """Back to scope `before` after a loop of body `stmts` (whose end the scope is now): a name
        bound to a function or object before the loop must be bound to it still (a name unbound
        before it, such as an earlier loop's counter, may be bound to anything); names first bound
        in the loop are unbound after it."""
        assigned = assigned_names(stmts)
        for n in assigned & set(before):
            if not isinstance(before[n], (Value, Undefined)) and not same_static(before[n], self.env.get(n)):
                fail(f"the name '{n}' rebound to another function or object in a loop", header,
                     "bind it once before the loop, or choose the call with if/else inside the loop")
        self.env = before
        for n in assigned - set(before):  # names first bound in the loop are gone after it
            if not n.startswith("."):
                self.env[n] = Undefined(n, "inside a loop")

    def rebind(self, carried, results):
        """Bind the carried names to the loop's results."""
        for n, v in zip(carried, results):
            v.name = pretty(n)
            self.env[n] = v
