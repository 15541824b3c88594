"""dce: dead-code elimination.

Contract: takes a function; returns it with every pure op (the op catalogue's
PURE effect) whose results are never read removed, in every region, repeated
until nothing more goes, and every `if` whose arms are empty and that yields
nothing. Ops with effects (element writes, impure calls, checks, stack traffic)
and loops stay.
"""
from .. import ops
from ..ir import uses


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
        if ops.is_pure(op) and op.results and all(count.get(r.id, 0) == 0 for r in op.results):
            removed = True
            continue
        for r in op.regions:
            removed |= _sweep(r, count)
        if op.opname == "if" and not op.results and not any(r.ops for r in op.regions):
            removed = True
            continue
        kept.append(op)
    region.ops = kept
    return removed
