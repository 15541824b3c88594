"""codegen.fold: which values are written into the one expression that reads them.

Contract: `foldable(fn, consts)` returns the ids of values made by a foldable op (the op
catalogue's `foldable`), read exactly once, later in the same region, with no barrier op
(a write, a structured op, stack traffic: `ops.is_barrier`) in between, and not yielded.
"""
from .. import ops
from ..ir import walk


def foldable(fn, consts):
    """Ids of values written into the one expression that reads them."""
    folded = set()
    use_count = {}
    for op in walk(fn.body):
        for a in op.args:
            use_count[a.id] = use_count.get(a.id, 0) + 1
        for r in op.regions:
            for y in r.yields:
                use_count[y.id] = use_count.get(y.id, 0) + 99  # yields are assignments: never fold
    for y in fn.body.yields:
        use_count[y.id] = use_count.get(y.id, 0) + 1
    _fold_region(fn.body, use_count, folded, consts, top_yields={y.id for y in fn.body.yields})
    for op in walk(fn.body):
        for r in op.regions:
            _fold_region(r, use_count, folded, consts, set())
    return folded


def _fold_region(region, use_count, folded, consts, top_yields):
    seq = region.ops
    where = {}
    for k, op in enumerate(seq):
        for a in op.args:
            where.setdefault(a.id, k)
    for v in top_yields:
        where.setdefault(v, len(seq))
    for k, op in enumerate(seq):
        if not ops.foldable(op):
            continue
        v = op.result
        if use_count.get(v.id) != 1 or v.id not in where or where[v.id] <= k:
            continue
        if any(ops.is_barrier(seq[j]) for j in range(k + 1, where[v.id])):
            continue  # a write, a jump or a new name in between: evaluate it where it stands
        folded.add(v.id)
