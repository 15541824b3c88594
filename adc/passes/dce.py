"""dce: dead-code elimination.

Contract: takes a function; returns it with every pure op whose results are
never read removed, in every region, repeated until nothing more goes.
Ops with effects (element writes, stack traffic) and structured ops stay.
"""
from ..ir import uses

_PURE = {"const", "binop", "unop", "cmp", "logic", "call", "getitem", "shape", "len", "size",
         "tuple", "cast", "zeros_like", "undef", "custom", "getslice", "extern"}


def dce(fn):
    if isinstance(fn, tuple):
        return tuple(dce(f) for f in fn)
    while _sweep(fn.body, uses(fn.body)):
        pass
    return fn


def _sweep(region, count):
    removed = False
    kept = []
    for op in region.ops:
        if op.opname in _PURE and op.results and all(count.get(r.id, 0) == 0 for r in op.results):
            removed = True
            continue
        for r in op.regions:
            removed |= _sweep(r, count)
        kept.append(op)
    region.ops = kept
    return removed
