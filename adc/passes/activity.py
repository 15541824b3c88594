"""activity: which values carry derivatives.

Contract: takes a typed function, the parameters to differentiate and the
output; returns the set of ids of active values: float or complex values
that depend on a `wrt` parameter (varied) and that the output depends on
(useful). Arrays are memory: writing a varied value into an array makes
the array varied, and an array is useful when any read of it is. Integer
and boolean values are never active. A random draw is a constant: one whose
parameters (loc, scale, low, high) depend on a `wrt` parameter is refused
(adc.randoms), not given a zero derivative. Derivatives flow into a `custom`
op's value from its arguments (its rules' concern), except in forward mode
(`tangent_mode`) through an op marked "tangent": "fwd" (adc.odeint's
backsolve), whose value's tangent is its fwd rule's output's: they flow
through the fwd rule's ops instead.
"""
import functools

from .. import ops, randoms
from ..ir import carried_edges, walk

def activity(fn, wrt_params, outputs, tangent_mode=False):
    """Ids of the active values of `fn` for inputs `wrt_params` and `outputs` (a value or a list);
    `tangent_mode` for forward mode."""
    outputs = outputs if isinstance(outputs, list) else [outputs]
    edges = functools.partial(_edges, tangent_mode=tangent_mode)
    varied = _fixpoint(fn, {p.id for p in wrt_params}, functools.partial(_forward, edges=edges))
    randoms.refuse_varied_parameters(fn, varied)
    useful = _fixpoint(fn, {o.id for o in outputs}, functools.partial(_backward, edges=edges))
    return {i for i in varied & useful}


def _fixpoint(fn, seed, step):
    marked = set(seed)
    ops = list(walk(fn.body))
    while True:
        before = len(marked)
        for op in ops:
            step(op, marked)
        if len(marked) == before:
            return marked


def _floaty(v):
    return getattr(v.type, "is_float", False)


def _edges(op, tangent_mode=False):
    """(source, destination) pairs along which derivatives flow through `op`."""
    if ops.writes(op):
        return [(ops.stored(op), ops.written(op))]
    if op.opname == "pop":
        return [(op.result.restores, op.result)] if op.result.restores is not None else []
    if op.opname in ("for", "while", "if"):
        return _phi_edges(op)
    if op.opname == "custom" and tangent_mode and op.attrs.get("tangent") == "fwd":
        return [(op.args[op.attrs["nargs"]], op.result)]  # through the fwd rule's insides
    if op.opname == "custom":  # derivatives flow from the arguments, not through the fwd rule's insides
        return [(a, op.result) for a in op.args[:op.attrs["nargs"]]]
    if not ops.differentiable(op):
        return []
    if op.opname in ("getitem", "getslice"):
        return [(op.args[0], r) for r in op.results]
    return [(a, r) for a in op.args for r in op.results]


def _phi_edges(op):
    """A structured op's carried edges, and a while loop's condition parameters."""
    out = carried_edges(op)
    if op.opname == "while":
        out += list(zip(op.regions[0].params, op.regions[1].params)) + list(zip(op.args, op.regions[0].params))
    return out


def _forward(op, marked, edges):
    for src, dst in edges(op):
        if src.id in marked and _floaty(dst):
            marked.add(dst.id)


def _backward(op, marked, edges):
    for src, dst in edges(op):
        if dst.id in marked and _floaty(src):
            marked.add(src.id)
