"""Contractions: `np.einsum` with the common subscripts (an ellipsis for stacks, the implicit
output too) and `np.tensordot` with an axes count or lists of axes, rewritten to products,
transposes and sums (rule templates the lowerer applies).

Contract: `einsum(lw, node)` and `tensordot(lw, node, fn, args)` take the `Lowerer` and the
call's gast node (tensordot also the function and its lowered arguments), emit through the
lowerer and return the IR value of the call; npcalls.py's table of forms holds them.
"""
import numpy as np

import adc_runtime as rt


EINSUM = {  # subscripts with letters renamed in order of first appearance
    "i,i->": lambda a, b: np.dot(a, b),
    "i,i->i": lambda a, b: a * b,
    "i,j->ij": lambda a, b: np.outer(a, b),
    "ij,j->i": lambda a, b: np.dot(a, b),
    "i,ij->j": lambda a, b: np.dot(a, b),
    "ij,i->j": lambda a, b: np.dot(b, a),
    "ij,jk->ik": lambda a, b: np.dot(a, b),
    "ij,kj->ik": lambda a, b: np.dot(a, b.T),
    "ij,ik->jk": lambda a, b: np.dot(a.T, b),
    "ij,jk->ki": lambda a, b: np.dot(a, b).T,
    "ij,ij->": lambda a, b: np.sum(a * b),
    "ij,ij->ij": lambda a, b: a * b,
    "ij,ij->i": lambda a, b: rt.sum_axis(a * b, 1),
    "ij,ji->": lambda a, b: np.sum(a * b.T),
    "i->": lambda a: np.sum(a),
    "ij->": lambda a: np.sum(a),
    "ij->ji": lambda a: np.transpose(a),
    "ij->i": lambda a: rt.sum_axis(a, 1),
    "ij->j": lambda a: rt.sum_axis(a, 0),
    "ii->": lambda a: np.trace(a),
    "ii->i": lambda a: np.diag(a, 0),
    # with an ellipsis: the leading axes of stacks, batched (np.matmul's broadcasting) or elementwise
    "...ij,...jk->...ik": lambda a, b: a @ b,
    "...ij,jk->...ik": lambda a, b: a @ b,
    "ij,...jk->...ik": lambda a, b: a @ b,
    "...ij,...kj->...ik": lambda a, b: a @ np.swapaxes(b, -1, -2),
    "...ij,...ik->...jk": lambda a, b: np.swapaxes(a, -1, -2) @ b,
    "...ij,j->...i": lambda a, b: a @ b,
    "...i,...i->...": lambda a, b: rt.sum_axis(a * b, -1),
    "...i,...i->...i": lambda a, b: a * b,
    "...ij,...ij->...": lambda a, b: rt.sum_axis(rt.sum_axis(a * b, -1), -1),
    "...ij,...ij->...ij": lambda a, b: a * b,
    "...i->...": lambda a: rt.sum_axis(a, -1),
    "...ij->...": lambda a: rt.sum_axis(rt.sum_axis(a, -1), -1),
    "...ij->...i": lambda a: rt.sum_axis(a, -1),
    "...ij->...j": lambda a: rt.sum_axis(a, -2),
    "...ij->...ji": lambda a: np.swapaxes(a, -1, -2),
    "...i->...i": lambda a: np.copy(a),
    "...ij->...ij": lambda a: np.copy(a),
}


def canonical(subscripts):
    """'ab,bc->ac' -> 'ij,jk->ik': letters renamed in order of first appearance."""
    names = {}
    for ch in subscripts:
        if ch.isalpha() and ch not in names:
            names[ch] = "ijklmnop"[len(names)]
    return "".join(names.get(ch, ch) for ch in subscripts.replace(" ", ""))


def einsum(lw, node):
    """np.einsum("ij,jk->ik", a, b), lowered from the call's node: its subscripts (a string
    written out or held in a name) are no value. Three or more operands are contracted pair by
    pair, left to right, each pair keeping the letters the rest or the output still needs."""
    spec = lw.expr(node.args[0]) if node.args else None
    if not isinstance(getattr(spec, "obj", None), str) or node.keywords:
        lw.fail(node, "np.einsum without its subscripts as a string", 'write them out: np.einsum("ij,jk->ik", a, b)')
    text = spec.obj.replace(" ", "")
    inputs, _, output = (text if "->" in text else text + "->" + _implicit_output(text)).partition("->")
    inputs = inputs.split(",")
    if "..." in text and len(inputs) > 2:
        lw.fail(node, f"np.einsum('{spec.obj}'): an ellipsis with more than two operands",
                "contract two operands at a time: np.einsum('...ij,...jk->...ik', np.einsum(...), c)")
    args = [lw.value(a) for a in node.args[1:]]
    if len(args) != len(inputs):
        lw.fail(node, f"np.einsum('{spec.obj}') with {len(args)} operands", "pass one array per operand")
    current, value = inputs[0], args[0]
    if len(inputs) == 1:
        return _contract(lw, node, spec.obj, f"{current}->{output}", [value])
    for k in range(1, len(inputs)):
        later = set(output) | set("".join(inputs[k + 1:]))
        keep = output if k == len(inputs) - 1 else "".join(
            dict.fromkeys(ch for ch in current + inputs[k] if ch in later))
        value = _contract(lw, node, spec.obj, f"{current},{inputs[k]}->{keep}", [value, args[k]],
                          free=k < len(inputs) - 1)
        current = keep
    return value


def _contract(lw, node, whole, subscripts, args, free=False):
    """One contraction of the EINSUM table (`free`: an intermediate, whose letters may come in
    the other order, the next contraction reading them so)."""
    inputs, _, out = subscripts.partition("->")
    operands = inputs.split(",")
    if len(operands) == 2 and "." not in inputs:  # a letter of one matrix only, not kept: summed out of it first
        for k, (mine, other) in enumerate((operands, operands[::-1])):
            alone = [ch for ch in mine if ch not in other and ch not in out]
            if len(mine) == 2 and len(alone) == 1:
                args = list(args)
                args[k] = lw.apply_template(lambda a, axis: rt.sum_axis(a, axis), [args[k], lw.b.const(mine.index(alone[0]))])
                operands[k] = mine.replace(alone[0], "")
        inputs = ",".join(operands)
    for order in ([out, out[::-1]] if free and len(out) == 2 else [out]):
        template = EINSUM.get(canonical(f"{inputs}->{order}"))
        if template is not None:
            return lw.apply_template(template, args)
    lw.fail(node, f"np.einsum with subscripts '{whole}'" + (f" (its step '{subscripts}')" if subscripts != whole else ""),
            "adc rewrites contractions of matrices and vectors, pair by pair, and of stacks of them (an ellipsis) "
            f"({', '.join(EINSUM)}); write others with np.dot and np.sum")


def _implicit_output(spec):
    """NumPy's implicit output: the ellipsis' axes (if any), then the letters that appear once, in
    alphabetical order."""
    letters = [ch for ch in spec if ch.isalpha()]
    return "..." * ("..." in spec) + "".join(sorted(ch for ch in set(letters) if letters.count(ch) == 1))


TENSORDOT = {1: lambda a, b: np.dot(a, b), 2: lambda a, b: np.sum(rt.matrix(a) * rt.matrix(b))}  # np.dot: 1-D and 2-D


def tensordot(lw, node, fn, args):
    """np.tensordot(a, b, axes): a count of 1 (vectors and matrices) or 2 (matrices) as a product
    (TENSORDOT); another count, a's last axes with b's first, and a pair of axis lists,
    axes=([1, 0], [0, 1]) or ((1,), (0,)) (an int for one axis), of arrays of any rank, as rt.tensordot."""
    axes = lw.b.const_int(args[2])
    pair = lw.tuples.get(getattr(args[2], "id", None))
    lists = [_axis_list(lw, p) for p in pair] if axes is None and pair is not None and len(pair) == 2 else [None]
    if axes is not None and axes not in TENSORDOT and axes >= 0:
        lists = [[k - axes for k in range(axes)], list(range(axes))]
    if None not in lists:
        a, b = (lw.as_value(x, node) for x in args[:2])
        return lw.b.emit("call", [a, b] + [lw.expr_values([lw.b.const(k) for k in ks]) for ks in lists],
                         attrs={"fn": "rt.tensordot"})
    if axes not in TENSORDOT:
        lw.fail(node, "np.tensordot with these axes", "pass an integer axes= >= 0, "
                "or two lists of axes written out: axes=([1, 0], [0, 1])")
    return lw.apply_template(TENSORDOT[axes], args[:2])


def _axis_list(lw, v):
    """The axes a list (or an int) written out in np.tensordot's axes= stands for, or None."""
    if lw.b.const_int(v) is not None:
        return [lw.b.const_int(v)]
    parts = lw.tuples.get(getattr(v, "id", None))
    ints = [lw.b.const_int(p) for p in parts] if parts is not None else [None]
    return None if None in ints else ints
