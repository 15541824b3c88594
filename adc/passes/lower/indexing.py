"""Indexing: element and slice reads and writes of arrays, element reads of tuples.

Contract: `indices` lowers a subscript to its index values and a pattern
(None for integer indices only); `read_index` and `write_index` emit
`getitem`/`getslice` and the side-effecting `setitem`/`setslice` on an array
value. An element of a tuple built in the source is the element itself at
a constant index (a constant slice is a tuple of its elements); at an index known at run time it is chosen by a chain of
`if`s, so that derivatives flow into the element read. A write into a tuple
is refused, as Python refuses it.
"""
import gast

from ...errors import fail
from .syntax import hint
from .values import Pack


class IndexLowering:
    """The part of `Lowerer` that lowers subscripts."""

    def expr_Subscript(self, node):
        base = self.expr(node.value)
        if isinstance(base, Pack):
            return self.pack_item(node, base)
        base = self.as_value(base, node.value)
        if base.id in self.tuples and isinstance(node.slice, gast.Slice):
            return self.expr_values(self.tuples[base.id][self.constant_slice(node.slice)])
        if _list_position(node.slice) is not None:
            return self.list_index(node, base)
        idx, pattern = self.indices(node.slice)
        if base.id in self.tuples:
            return self.tuple_item(node, self.tuples[base.id], idx, pattern)
        return self.read_index(base, idx, pattern, hint(node.value))

    def list_index(self, node, base):
        """x[[0, 2]], a[[0, 2], :], a[:, [1, 0]]: the rows (or columns) at constant positions,
        stacked along the list's axis (each read differentiable as any element read)."""
        parts = list(node.slice.elts) if isinstance(node.slice, gast.Tuple) else [node.slice]
        axis = _list_position(node.slice)
        positions = [self.b.const_int(self.value(e)) for e in parts[axis].elts]
        others = [p for k, p in enumerate(parts) if k != axis]
        if None in positions or not positions or not all(
                isinstance(p, gast.Slice) and p.lower is p.upper is p.step is None for p in others):
            self.fail(node.slice, "indexing with a list other than constant positions beside full slices",
                      "index with a list of int constants, a[[0, 2], :], or with an index array: a[idx]")
        if len(parts) == 1:  # x[[0, 2]]: an index array, as x[idx] reads
            idx = self.b.emit("call", [self.b.const(k) for k in positions], attrs={"fn": "rt.index_array"}, name="idx")
            return self.read_index(base, [idx], None, hint(node.value))
        pattern = tuple(("i",) if j == axis else ("s", False, False, False) for j in range(len(parts)))
        rows = [self.read_index(base, [self.b.const(k)], pattern, hint(node.value)) for k in positions]
        return self.b.emit("call", [self.b.const(axis)] + rows, attrs={"fn": "rt.stack"}, name="rows")

    def indices(self, sl):
        """(index values, pattern): the pattern is None for integer indices only, else one entry
        per index: ("i",) an integer, ("n",) None (a new axis), ("s", lower?, upper?, step?) a slice."""
        parts = sl.elts if isinstance(sl, gast.Tuple) else [sl]
        values, pattern = [], []
        for p in parts:
            if isinstance(p, gast.Slice):
                bounds = [p.lower, p.upper, p.step]
                pattern.append(("s",) + tuple(b is not None for b in bounds))
                values += [self.value(b) for b in bounds if b is not None]
            elif isinstance(p, gast.Constant) and p.value is None:
                pattern.append(("n",))
            else:
                pattern.append(("i",))
                values.append(self.value(p))
        return values, (tuple(pattern) if any(k != ("i",) for k in pattern) else None)

    def read_index(self, base, idx, pattern, name):
        if pattern is None:
            return self.b.emit("getitem", [base] + idx, name=name)
        return self.b.emit("getslice", [base] + idx, attrs={"pattern": pattern}, name=name)

    def write_index(self, base, idx, pattern, value):
        if base.id in self.tuples:
            fail("assignment to an element of a tuple (a TypeError in Python)", self.b.loc,
                 "build a new tuple, or use an array: x = np.zeros(n); x[i] = v")
        if pattern is None:
            self.b.emit("setitem", [base] + idx + [value], nresults=0)
        else:
            self.b.emit("setslice", [base] + idx + [value], attrs={"pattern": pattern}, nresults=0)

    # ------------------------------------------------------------ tuples

    def tuple_item(self, node, parts, idx, pattern):
        """t[k] of a tuple built in the source: the element itself for a constant k; for a k
        known at run time, a chain of ifs on k (so derivatives flow into the element read),
        after `(0, 1, ..., n - 1)[k]`, which raises IndexError and wraps negative k as Python does."""
        if pattern is not None or len(idx) != 1:
            self.fail(node, "slicing or multi-indexing a tuple", "index a tuple with one integer: t[i]")
        k = self.b.const_int(idx[0])
        if k is not None:
            if not -len(parts) <= k < len(parts):
                self.fail(node, f"the index {k} into a tuple of {len(parts)} values (IndexError in Python)",
                          f"index with 0 ... {len(parts) - 1}, or -{len(parts)} ... -1")
            return parts[k]
        if not parts:
            self.fail(node, "indexing an empty tuple (IndexError in Python)", "index a tuple that has elements")
        slots = self.b.emit("tuple", [self.b.const(j) for j in range(len(parts))], name="slots")
        return self._select(parts, self.b.emit("getitem", [slots, idx[0]], name="k"))

    def _select(self, parts, k):
        """parts[k] for a run-time k in range: ifs on k == 0, 1, ... (each test made before the
        chain, where the backward sweep reads it); element-wise for tuples of tuples."""
        if all(p.id in self.tuples for p in parts) and len({len(self.tuples[p.id]) for p in parts}) == 1:
            rows = list(zip(*(self.tuples[p.id] for p in parts)))
            return self.expr_values([self._select(list(row), k) for row in rows])
        tests = [self.b.emit("cmp", [k, self.b.const(j)], attrs={"op": "eq"}, name="at")
                 for j in range(max(len(parts) - 1, 1))]
        return self._chain(parts, tests, 0)

    def _chain(self, parts, tests, j):
        if j == len(tests):
            return parts[-1]
        with self.b.open() as hit:
            hit.yields = [parts[j]]
        with self.b.open() as rest:
            rest.yields = [self._chain(parts, tests, j + 1)]
        return self.b.emit("if", [tests[j]], regions=[hit, rest],
                           attrs={"what": "an element of a tuple indexed at run time"}, name="item")


def _list_position(sl):
    """Where a list of indices stands among the parts of subscript `sl` (x[[0, 2], :]), or None."""
    parts = sl.elts if isinstance(sl, gast.Tuple) else [sl]
    found = [k for k, p in enumerate(parts) if isinstance(p, gast.List)]
    return found[0] if len(found) == 1 else None
