"""Calls of Python's own arithmetic functions: the builtin sum, and the operator module's
functions for the operators (operator.add is +, operator.matmul is @).

Contract: `is_python_form` says whether a call is of these; `lower_python_form` lowers it
through the lowerer as the operator or sum it stands for, so that its derivative is theirs:
operator.add(a, b) is a + b (tuples join, as Python joins them), operator.neg(a) is -a;
sum((a, b, c)) of a tuple written out is 0 + a + b + c, in Python's order; sum(x) of an array
adds its rows (`rt.sum_leading`: for a 1-D array a number, for a 2-D one a row); sum(x, start)
adds `start` first; min(a, b, c) and max of more than two numbers are chained.
"""
import operator

import numpy as np

BINARY = {operator.add: "add", operator.sub: "sub", operator.mul: "mul", operator.truediv: "div",
          operator.floordiv: "floordiv", operator.mod: "mod", operator.pow: "pow"}


def _values(lw, node, fn, args, n):
    if len(args) != n:
        lw.fail(node, f"a call with {len(args)} arguments to operator.{fn.__name__}",
                f"pass {n} argument{'s' * (n > 1)}, as for the operator it stands for")
    return [lw.as_value(a, node) for a in args]


def binary(lw, node, fn, args):
    return lw.binop(BINARY[fn], *_values(lw, node, fn, args, 2))


def negative(lw, node, fn, args):
    (v,) = _values(lw, node, fn, args, 1)
    k = lw.b.const_int(v)
    return lw.b.const(-k) if k is not None else lw.b.emit("unop", [v], attrs={"op": "neg"})


def positive(lw, node, fn, args):
    return _values(lw, node, fn, args, 1)[0]  # +x, as the expression is lowered


def absolute(lw, node, fn, args):
    return lw.call_rule(node, abs, _values(lw, node, fn, args, 1))


def matmul(lw, node, fn, args):
    return lw.call_rule(node, np.matmul, _values(lw, node, fn, args, 2))


def builtin_sum(lw, node, fn, args):
    items, start = args
    parts = lw.tuples.get(getattr(items, "id", None))
    if parts is not None:
        total = lw.as_value(start, node)
        for p in parts:
            total = lw.binop("add", total, p)
        return total
    out = lw.b.emit("call", [lw.as_value(items, node)], attrs={"fn": "rt.sum_leading"}, name="total")
    if len(node.args) > 1 or node.keywords:  # sum(x, start) = start + x[0] + x[1] + ...
        return lw.binop("add", lw.as_value(start, node), out)
    return out


def extreme(lw, node, fn, args):
    """min(a, b, c) is min(min(a, b), c): Python's first smallest (largest) of the numbers; min(x)
    is its rule's (which takes numbers only)."""
    if not args:
        lw.fail(node, f"{fn.__name__}() of nothing (a TypeError in Python)", "pass two numbers or more")
    values = [lw.as_value(a, node) for a in args]
    if len(values) == 1:
        return lw.call_rule(node, fn, values)
    out = values[0]
    for v in values[1:]:
        out = lw.call_rule(node, fn, [out, v])
    return out


FORMS = {**dict.fromkeys(BINARY, binary), operator.neg: negative, operator.pos: positive,
         operator.abs: absolute, operator.matmul: matmul, sum: builtin_sum, min: extreme, max: extreme}


def is_python_form(lw, node, fn, args):
    try:
        return fn in FORMS
    except TypeError:  # an object that cannot be a key
        return False


def lower_python_form(lw, node, fn, args):
    return FORMS[fn](lw, node, fn, args)
