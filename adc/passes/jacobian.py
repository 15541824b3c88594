"""jacobian: one compiled loop over basis seeds, a Jacobian row per pass.

Contract: `rows_by_reverse(fn)` takes a typed function made by
`reverse(..., seeded=True)` with one `wrt` parameter and returns a function
that runs the forward sweep once, then the backward sweep once per output
component (the stack pointers are reset before each pass), collecting the
gradients as rows: it yields (value, rows), rows[k] being the gradient of
output component k. `rows_by_forward(fn, out)` takes a function made by
`forward` with one `wrt` parameter (its last parameter is the tangent) and
returns one that runs it once per input component, yielding rows[k] =
the tangent of output `out` along basis vector k (refused for a function
that draws from a generator it does not make: adc.randoms).
"""
from .. import randoms
from ..ir import GRADIENT, I64, ROWS, VALUE, Function, Op, Region, T, Value
from ..ops import backward_sweep_at


def rows_by_reverse(fn):
    ops = fn.body.ops
    mark = backward_sweep_at(ops)
    y, grad, seed = fn.output(VALUE), fn.output(GRADIENT), fn.params[-1]
    head = ops[:mark] + [Op("stack_save", [])]
    loop_ops = [Op("stack_restore", [])]
    backward = [op for op in ops[mark:] if op.opname != "stack_check"]  # the tape stays for the next pass
    rows = _loop(head, loop_ops, backward, like=y, seed=seed, row=grad)
    return Function(fn.name.replace("_grad", "_jacrev"), fn.params[:-1], Region([], head, [y, rows]),
                    fn.loc, fn.captured, roles=[VALUE, ROWS])


def rows_by_forward(fn, out, like):
    randoms.refuse_rerun(fn, "a Jacobian by forward mode or a Hessian")
    tangent = fn.params[-1]
    head = []
    rows = _loop(head, [], fn.body.ops, like=like, seed=tangent, row=out)
    return Function(fn.name + "_rows", fn.params[:-1], Region([], head, [rows]), fn.loc, fn.captured,
                    roles=[ROWS])


def _loop(head, prologue, body_ops, like, seed, row):
    """Append to `head` a loop over the basis seeds of `like`; return the rows it collects."""
    rows_t = T("float64", row.type.ndim + 1)
    n, zero, one, start = Value("n", I64), Value("c", I64), Value("c", I64), Value("rows", rows_t)
    head += [Op("call", [like], [n], {"fn": "rt.seed_count"}), Op("const", [], [zero], {"value": 0}),
             Op("const", [], [one], {"value": 1}), Op("undef", [], [start])]
    k, rows_in, rows_out = Value("k", I64), Value("rows", rows_t), Value("rows", rows_t)
    ops = prologue + [Op("call", [like, k], [seed], {"fn": "rt.basis"})] + body_ops
    ops.append(Op("call", [rows_in, k, n, row], [rows_out], {"fn": "rt.put_row"}))
    result = Value("rows", rows_t)
    head.append(Op("for", [zero, n, one, start], [result], {}, [Region([k, rows_in], ops, [rows_out])]))
    return result
