"""fuse: the backward sweep's products with a matrix-vector product's operands, without temporaries.

Contract: takes a typed function that nothing differentiates again (the code generator's input);
returns it with
- each `iadd(buf, c)` whose `c` is `np.outer(a, b)` of two vectors, read by that iadd alone,
  replaced by `rt.add_outer(buf, a, b)`: the product added into `buf` element by element, with no
  temporary matrix (the gradient of `W @ x` is `W_bar += outer(g, x)`, once per trip of a
  recurrent loop);
- each `np.dot(np.transpose(W), g)` of a vector, whose transpose nothing else reads, replaced by
  `rt.dot_t(W, g)` (the other half of that gradient), which does not copy the transposed matrix.
Nothing else changes.
"""
from .. import ops
from ..ir import Op, walk


def fuse(fn):
    uses = {}
    for op in walk(fn.body):
        for a in op.args + [y for r in op.regions for y in r.yields]:
            uses[a.id] = uses.get(a.id, 0) + 1
    for y in fn.body.yields:
        uses[y.id] = uses.get(y.id, 0) + 1
    _fuse(fn.body, uses)
    return fn


def _fuse(region, uses):
    for op in region.ops:
        for sub in op.regions:
            _fuse(sub, uses)
    at = {r.id: k for k, op in enumerate(region.ops) for r in op.results}
    replaced, dropped = {}, set()
    for k, op in enumerate(region.ops):
        if (_is_call(op, "np.dot") and len(op.args) == 2 and _ndims(op.args) == (2, 1) and uses.get(op.args[0].id) == 1
                and op.args[0].type.dtype == op.args[1].type.dtype):
            j = at.get(op.args[0].id)
            if j is not None and _is_call(region.ops[j], "np.transpose") and len(region.ops[j].args) == 1:
                matrix = region.ops[j].args[0]
                replaced[k] = Op("call", [matrix, op.args[1]], op.results, {"fn": "rt.dot_t"}, [], op.loc, op.adjoint)
                dropped.add(j)
            continue
        if op.opname != "iadd" or not _is_matrix(op.args[0]) or uses.get(op.args[1].id) != 1:
            continue
        j = at.get(op.args[1].id)
        outer = region.ops[j] if j is not None else None
        if outer is None or outer.opname != "call" or outer.attrs["fn"] != "np.outer":
            continue
        a, b = outer.args
        if not all(getattr(v.type, "ndim", 0) == 1 and v.type.dtype == op.args[0].type.dtype for v in (a, b)):
            continue
        if any(ops.is_barrier(between) or between.regions for between in region.ops[j + 1:k]):
            continue  # a write in between could change a or b: the product stays where it is
        replaced[k] = Op("call", [op.args[0], a, b], [], {"fn": "rt.add_outer"}, [], op.loc, op.adjoint)
        dropped.add(j)
    region.ops = [replaced.get(k, op) for k, op in enumerate(region.ops) if k not in dropped]


def _is_matrix(v):
    return getattr(v.type, "ndim", 0) == 2


def _is_call(op, fn):
    return op.opname == "call" and op.attrs["fn"] == fn


def _ndims(values):
    return tuple(getattr(v.type, "ndim", 0) for v in values)
