"""batch: NumPy's stacked calls (np.linalg on stacks of matrices, @ on stacks) as loops.

Contract: takes a typed function; returns it, retyped, with every call of a
rule that has core ranks (`Rule.core`: np.linalg's, `@`/np.matmul's) whose arguments
have leading axes beyond them replaced by a `for` loop over the first
leading axis: it calls the rule on each slice after the first, whose result
allocated the stack of results, and writes each into it. Arguments of their core rank are
passed whole to every call (NumPy's broadcasting of one matrix against a
stack); stacks of two lengths raise ValueError at run time, as NumPy does
(adc does not broadcast a stack of length 1). A 4-D stack takes one loop per
leading axis (the pass runs until no call is batched). Derivatives flow
through the loop as through the user's own: after this pass no rule sees
more than its core ranks.
"""
from .. import rules
from ..ir import Op, Value
from ..rules.core import batching
from .builder import Builder
from .infer import infer


def batch(fn):
    changed = True
    while changed:
        changed = _region(fn.body)
        if changed:
            infer(fn)
    return fn


def _region(region):
    changed, ops = False, []
    for op in region.ops:
        for r in op.regions:
            changed |= _region(r)
        if op.opname == "call" and _batching(op)[0]:
            ops += _loop(op)
            changed = True
        else:
            ops.append(op)
    region.ops = ops
    return changed


def _batching(op):
    rule = rules.RULES.get(op.attrs["fn"])
    return batching(rule, [a.type for a in op.args]) if rule is not None else (0, [])


def _loop(op):
    """The ops that compute `op`'s stack of results slice by slice; its result is theirs."""
    b = Builder()
    b.loc = op.loc
    stacked = _batching(op)[1]
    zero, one = b.const(0, "c"), b.const(1, "c")
    lengths = [b.emit("getitem", [b.emit("shape", [a], name="shape"), zero], name="n")
               for a, s in zip(op.args, stacked) if s]
    n = lengths[0] if len(lengths) == 1 else b.emit("call", lengths, attrs={"fn": "rt.batch_length"}, name="n")

    def one_call(i):
        args = [b.emit("getitem", [a, i], name=a.name) if s else a for a, s in zip(op.args, stacked)]
        return b.emit("call", args, attrs=dict(op.attrs), name=op.result.name)
    first = one_call(zero)
    b.add(Op("call", [n, first], [op.result], {"fn": "rt.batch_empty"}, [], op.loc, op.adjoint))
    b.emit("setitem", [op.result, zero, first], nresults=0)
    i = Value("i")
    with b.open([i]) as body:
        b.emit("setitem", [op.result, i, one_call(i)], nresults=0)
    b.emit("for", [one, n, one], nresults=0, regions=[body])
    return b.region.ops


