"""NumPy call forms that make several arrays of one, or one of several arrays: the np.split
family, np.atleast_*d of several arrays, np.column_stack and np.append; np.transpose, np.roll and
np.repeat with their axes.

Contract: each function takes the `Lowerer`, the call's gast node, the NumPy function called
and its arguments as `bind` left them (npcalls.py), emits through the lowerer and returns the
value of the call: for the forms with several results, a tuple that `lw` knows element by
element (so unpacking and constant indexing see each part, and an unused part costs nothing).

- np.split(x, n), np.array_split(x, n), np.split(x, [i, j], axis=a), np.hsplit, np.vsplit: a
  part is a slice along the axis, a view of x as NumPy's is (a write into x before a part is
  read is refused as for any view). The number of parts must be known when compiling: a
  constant count, or indices written out (their values may be computed). np.split raises
  NumPy's ValueError when the parts would not be of one length (`rt.split_start`).
- along axis 0, or a constant axis >= 0, the part is x[a:b] or x[:, a:b]; along an axis known at
  run time (negative, or np.hsplit's, which depends on x's rank) it is
  np.swapaxes(np.swapaxes(x, 0, axis)[a:b], 0, axis).
"""
import numpy as np

from .values import Static

_OPEN = ("s", False, False, False)


def _none(arg):
    """Whether a bound argument is None written out (axis=None: as if it were left out)."""
    return isinstance(arg, Static) and arg.obj is None


def split(lw, node, fn, args):
    """The parts of np.split(x, ...) and its kin, as the tuple of their slices."""
    x = lw.as_value(args[0], node)
    if fn is np.hsplit:
        axis = lw.b.emit("call", [x], attrs={"fn": "rt.hsplit_axis"}, name="axis")
    elif fn is np.vsplit:
        axis = lw.b.emit("call", [x], attrs={"fn": "rt.vsplit_axis"}, name="axis")
    else:
        axis = lw.as_value(args[2], node)
    fixed = lw.b.const_int(axis)
    base = x if fixed is not None and fixed >= 0 else lw.call_rule(node, np.swapaxes, [x, lw.b.const(0), axis])
    along = fixed if fixed is not None and fixed >= 0 else 0
    bounds = _bounds(lw, node, fn, args[1], base, along)
    parts = []
    for lo, hi in bounds:
        pattern = (_OPEN,) * along + (("s", lo is not None, hi is not None, False),)
        part = lw.b.emit("getslice", [base] + [b for b in (lo, hi) if b is not None], attrs={"pattern": pattern},
                         name="part")
        if base is not x:
            part = lw.call_rule(node, np.swapaxes, [part, lw.b.const(0), axis])
        parts.append(part)
    return lw.expr_values(parts)


def _bounds(lw, node, fn, spec, base, axis):
    """(start, stop) of each part along `axis` of `base`; None for an open end."""
    name = f"np.{fn.__name__}"
    indices = lw.tuples.get(getattr(spec, "id", None))
    if indices is not None:  # split before each index: x[:i], x[i:j], x[j:]
        cuts = [None] + [lw.as_value(i, node) for i in indices] + [None]
        return list(zip(cuts[:-1], cuts[1:]))
    sections = lw.b.const_int(lw.as_value(spec, node))
    if sections is None:
        lw.fail(node, f"{name} into a number of parts that is not a constant",
                "write the count as a constant, or the indices to split at as a list: [i, j]")
    if sections <= 0:
        lw.fail(node, f"{name} into {sections} parts (NumPy raises ValueError: number sections must be larger than 0)",
                "split into one part or more")
    length = lw.b.emit("getitem", [lw.b.emit("shape", [base], name="shape"), lw.b.const(axis)], name="n")
    equal = lw.b.const(fn is not np.array_split)
    starts = [lw.b.emit("call", [length, lw.b.const(sections), lw.b.const(k), equal], attrs={"fn": "rt.split_start"},
                        name="cut") for k in range(1, sections + 1)]  # each checks that the parts are equal
    return list(zip([None] + starts[:-1], starts))


def at_least(lw, node, fn, args):
    """np.atleast_2d(x) is its rule; np.atleast_2d(x, y) the tuple of the rule applied to each."""
    if not args:
        lw.fail(node, f"np.{fn.__name__}() of no arrays", "pass one array or more")
    outs = [lw.call_rule(node, fn, [lw.as_value(a, node)]) for a in args]
    return outs[0] if len(outs) == 1 else lw.expr_values(outs)


def column_stack(lw, node, fn, args):
    """np.column_stack((a, b)): each 1-D array (or number) made a column, then joined along axis 1."""
    arrays = lw.tuples.get(getattr(args[0], "id", None))
    if arrays is None:
        lw.fail(node, "np.column_stack of a value that is not a tuple written out", "write the arrays out: (a, b, c)")
    columns = [lw.b.emit("call", [a], attrs={"fn": "rt.as_column"}, name="col") for a in arrays]
    return lw.b.emit("call", [lw.b.const(1)] + columns, attrs={"fn": "rt.concatenate"})


def append(lw, node, fn, args):
    """np.append(x, v) joins the flattened arrays; np.append(x, v, axis=a) joins them along a. A list
    of numbers written out is np.array of it."""
    x, v = (lw.call_object(node, np.array, [a]) if getattr(a, "id", None) in lw.tuples else lw.as_value(a, node)
            for a in args[:2])  # np.append(x, [a, b]): the numbers written out are an array
    if len(args) == 2 or _none(args[2]):
        x, v = (lw.b.emit("call", [a], attrs={"fn": "rt.ravel"}, name=a.name) for a in (x, v))
        axis = lw.b.const(0)
    else:
        axis = lw.as_value(args[2], node)
    return lw.b.emit("call", [axis, x, v], attrs={"fn": "rt.concatenate"})


def first_only(lw, node, fn, args):
    """np.real_if_close(x, tol): the value of a real x, whatever the tolerance."""
    return lw.call_rule(node, fn, [lw.as_value(args[0], node)])


def along_axis(key):
    """np.roll(x, k, axis=a) -> rt.roll_axis(x, k, a); np.repeat(x, k, axis=a) -> rt.repeat_axis
    (with axis=None, of the flattened array: the rule of np.roll, np.repeat)."""
    def lower(lw, node, fn, args):
        if _none(args[2]):
            return lw.call_rule(node, fn, [lw.as_value(a, node) for a in args[:2]])
        return lw.b.emit("call", [lw.as_value(a, node) for a in args], attrs={"fn": key})
    return lower


def transpose(lw, node, fn, args):
    """np.transpose(x, axes) with a permutation written out: rt.transpose_axes(x, axes, its inverse)
    (np.transpose(x) is its rule)."""
    perm = lw.tuples.get(getattr(args[1], "id", None))
    if _none(args[1]):
        return lw.call_rule(node, fn, [lw.as_value(args[0], node)])
    axes = [lw.b.const_int(a) for a in perm] if perm is not None else [None]
    if None in axes:
        lw.fail(node, "np.transpose with axes that are not integers written out", "write them out: np.transpose(x, (1, 0))")
    n = len(axes)
    if sorted(a % n if -n <= a < n else n for a in axes) != list(range(n)):
        lw.fail(node, f"np.transpose with the axes {tuple(axes)}, which are not a permutation (NumPy raises)",
                f"give each of the {n} axes once")
    inverse = [0] * n
    for k, a in enumerate(axes):
        inverse[a % n] = k
    tuples = [lw.expr_values([lw.b.const(a % n) for a in p]) for p in (axes, inverse)]
    return lw.b.emit("call", [lw.as_value(args[0], node)] + tuples, attrs={"fn": "rt.transpose_axes"})


FORMS = {np.split: split, np.array_split: split, np.hsplit: split, np.vsplit: split,
         np.atleast_1d: at_least, np.atleast_2d: at_least, np.atleast_3d: at_least,
         np.column_stack: column_stack, np.append: append, np.real_if_close: first_only,
         np.roll: along_axis("rt.roll_axis"), np.repeat: along_axis("rt.repeat_axis"), np.transpose: transpose}
