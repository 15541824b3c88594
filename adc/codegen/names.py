"""codegen.names: a Python name for every value (out of SSA).

Contract: `Names(fn, folded, consts).assign(reserved)` maps the id of every value of `fn` that is
written by name (not folded, not a constant) to a Python identifier: the user's name, made unique,
and shared along a phi edge (a loop's start value, carried value, yield and result; an `if`'s
yields and result) only where no other value of that name is read after the new one is made, so
that the copies leaving SSA need no temporaries. Popped copies and reversed counters (values that
`restore` another) take that value's name where the backward sweep does not read it.
"""
import keyword
import re

from ..ir import Region, walk
from ..ops import backward_sweep_at
from ..passes.reverse.stack import LEVELS

STACK = ("_fstack", "_fsp", "_istack", "_isp")


def stack_names(level):
    """The stack variables of one level: 0 is a derivative's own tape, 1 and 2 the tape and the
    adjoint stack of a derivative taken of a derivative."""
    suffix = str(level) if level else ""
    return tuple(name + suffix for name in STACK)


class Names:
    """Python names for values: the user's names, unique, shared along safe phi edges."""

    def __init__(self, fn, folded, consts):
        self.fn, self.folded, self.consts = fn, folded, consts
        self.parent = {}
        self.uses = {}
        for op in walk(fn.body):
            for a in op.args:
                self.uses.setdefault(a.id, []).append(op)
            for r in op.regions:
                for y in r.yields:
                    self.uses.setdefault(y.id, []).append((r, op))
        self.defined_by = {r.id: op for op in walk(fn.body) for r in op.results}
        self.enclosing = {id(o): op for op in walk(fn.body) for r in op.regions for o in r.ops}
        self.pos, self.end = {}, {}
        self._number(fn.body)

    def _number(self, region):
        for op in region.ops:
            self.pos[id(op)] = len(self.pos)
            for r in op.regions:
                self._number(r)
        self.end[id(region)] = len(self.pos) - 0.5  # where its yields are read: after its last op

    def find(self, v):
        while self.parent.get(v, v) != v:
            v = self.parent[v]
        return v

    def union(self, a, b):
        self.parent[self.find(a.id)] = self.find(b.id)

    def assign(self, reserved=()):
        for op in walk(self.fn.body):
            self._coalesce(op)
        values = list(self.fn.params) + [v for v, _ in self.fn.captured]
        for op in walk(self.fn.body):
            for r in op.regions:
                values.extend(r.params)
            values.extend(op.results)
        taken = {name for level in range(LEVELS) for name in stack_names(level)}
        taken |= {"np", "math", "rt", "la", "numba", "_fsp0", "_isp0", "_sizes"}
        taken |= set(reserved)
        names = {}
        group_name = {}
        for v in values:
            if v.restores is not None:
                continue
            root = self.find(v.id)
            if root not in group_name:
                group_name[root] = _unique(_clean(v.name), taken)
            names[v.id] = group_name[root]
        live = self._read_after_forward()
        for v in values:
            if v.restores is None:
                continue
            group = self.find(v.restores.id)
            clash = any(self.find(u) == group for u in live)
            names[v.id] = names.get(v.restores.id) if v.restores.id in names and not clash else _unique(_clean(v.name), taken)
        return names

    def _read_after_forward(self):
        """Ids of values the backward sweep or the return reads (values that restore another excluded)."""
        seq = self.fn.body.ops
        live = {v.id for v in self.fn.body.yields}
        for op in seq[backward_sweep_at(seq):]:
            for sub in walk(Region([], [op])):
                live |= {a.id for a in sub.args if a.restores is None}
                live |= {y.id for r in sub.regions for y in r.yields if y.restores is None}
        return live

    def _single_use(self, v, user):
        uses = self.uses.get(v.id, [])
        return len(uses) == 1 and (uses[0] is user or isinstance(uses[0], tuple) and uses[0][0] is user)

    def _coalesce(self, op):
        if op.opname == "for":
            body = op.regions[0]
            self._loop(op, body, body.params[1:], op.args[3:])
        elif op.opname == "while":
            cond, body = op.regions
            for c, b in zip(cond.params, body.params):
                self.union(b, c)
            self._loop(op, body, cond.params, op.args)
        elif op.opname == "if":
            for arm in op.regions:
                for y, r in zip(arm.yields, op.results):
                    if (self._own(y, arm) and self._single_use(y, arm) and not self._merged(y)
                            and self._dead_after(r, y, arm, op.results, op)):
                        self.union(y, r)

    def _loop(self, op, body, params, inits):
        for p, r in zip(params, op.results):
            if self._idle_during(r, op):
                self.union(r, p)
        for x, p in zip(inits, params):
            if (x.id not in self.consts and self._single_use(x, op) and x.id in self.defined_by and not self._merged(x)
                    and self._free_after(x, p, op)):
                self.union(x, p)
        for y, p in zip(body.yields, params):
            if (self._own(y, body) and self._single_use(y, body) and not self._merged(y)
                    and self._dead_after(p, y, body, params, op)):
                self.union(y, p)

    def _merged(self, v):
        return self.find(v.id) != v.id or any(self.find(k) == v.id for k in list(self.parent))

    def _own(self, y, region):
        op = self.defined_by.get(y.id)
        return op is not None and op in region.ops and y.id not in self.folded

    def _dead_after(self, p, y, body, targets, owner):
        """No value named like `p` is read after `y` is made in `body` (a region of `owner`):
        `y` may then take that name.

        The copies at the end of `body` (its yields into `targets`) are reads too: they run
        after `y` is made, in parallel, so a yield that moves a value of `p`'s group into a
        target of another name (a swap, `a, s = 2.0 * s, a`) keeps `y` out of the group.
        The results of `owner` and of the ops around it are assigned after `body` ends:
        reading them is no conflict."""
        group = self.find(p.id)
        for v, t in zip(body.yields, targets):
            if self.find(v.id) == group and self.find(t.id) != group:
                return False
        return not self._read_after(group, y, skip=self._assigned_after(owner), copies=body)

    def _free_after(self, x, p, op):
        """`x`, the value loop `op` starts `p` with, may take `p`'s name: no other value of that
        name is read after `x` is made. The values of `op`'s regions start from `x`, and the
        results of `op` and of the ops around it are assigned after it."""
        inner = {v.id for sub in walk(Region([], [op])) for r in sub.regions for v in r.params}
        inner |= {v.id for sub in walk(Region([], [op])) if sub is not op for v in sub.results}
        return not self._read_after(self.find(p.id), x, skip=self._assigned_after(op) | inner)

    def _idle_during(self, r, op):
        """No value named like `r` (a result of loop `op`, maybe named like values outside the
        loop already) is read while `op` runs: its carried parameter may then take that name."""
        lo = self.pos[id(op)]
        hi = max(self.end[id(region)] for region in op.regions)
        group = self.find(r.id)
        for vid, users in self.uses.items():
            if self.find(vid) != group or vid == r.id:
                continue
            for u in users:
                at = self.end[id(u[0])] if isinstance(u, tuple) else self._effective_pos(u)
                if lo < at <= hi:
                    return False
        return True

    def _assigned_after(self, op):
        out = set()
        while op is not None:
            out |= {r.id for r in op.results}
            op = self.enclosing.get(id(op))
        return out

    def _read_after(self, group, y, skip, copies=None):
        """Whether a value of `group` (not in `skip`) is read after `y` is made: by an op, or by
        the yields of a region when it ends (those of `copies` are the parallel copies that
        `y` itself joins, checked by the caller)."""
        op = self.defined_by[y.id]  # an if or loop assigns its results after its regions run
        made = max([self.end[id(r)] for r in op.regions], default=self.pos[id(op)])
        for vid, users in self.uses.items():
            if self.find(vid) != group or vid in skip:
                continue
            for u in users:
                if isinstance(u, tuple):
                    region, _ = u
                    if region is copies:
                        continue
                    if self.end[id(region)] > made:
                        return True
                elif self._effective_pos(u) > made:
                    return True
        return False

    def _effective_pos(self, op):
        """Where `op` is evaluated: at its reader when it is folded into one."""
        while hasattr(op, "results") and op.results and op.result.id in self.folded:
            readers = self.uses.get(op.result.id, [])
            if not readers or not hasattr(readers[0], "opname"):
                break
            op = readers[0]
        return self.pos.get(id(op), 1 << 30)


def _clean(name):
    name = re.sub(r"\W", "_", name) or "t"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "v_" + name
    return name


def _unique(base, taken):
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name
