"""Containers of numbers and arrays as arguments: tuples, lists and dicts, nested (pytrees).

Contract: `flatten(obj)` gives (leaves, tree): the numbers and arrays in `obj`
in order (sequences by position, dicts in their key order) and its structure,
`LEAF` for a number or an array. A tree is plain hashable data, part of a
specialization's key as argument types are: ("tuple", children),
("list", children), ("dict", keys, children), or NONE for None (which holds
no leaf). `unflatten(tree, leaves)` builds the container back, so gradients
and tangents come back shaped like their arguments. Dict keys are strings
or ints; any other key is an AdcTypeError. `leaf_names(name, tree)` names the
leaves for generated code: `params[1]["W"]` is `params_1_W`.
"""
from .errors import AdcTypeError

LEAF = "*"
NONE = "None"
_SEQUENCES = {tuple: "tuple", list: "list"}


def is_container(obj):
    return type(obj) in _SEQUENCES or type(obj) is dict


def flatten(obj, where="argument"):
    """(leaves, tree) of `obj`; a number or array is one leaf."""
    leaves = []
    return leaves, _flatten(obj, leaves, where)


def _flatten(obj, leaves, where):
    if obj is None:
        return NONE
    kind = _SEQUENCES.get(type(obj))
    if kind is not None:
        return (kind, tuple(_flatten(x, leaves, f"{where}[{k}]") for k, x in enumerate(obj)))
    if type(obj) is dict:
        for key in obj:
            if type(key) not in (str, int):
                raise AdcTypeError(f"{where} is a dict with the key {key!r}: adc reads dicts keyed by strings or ints")
        keys = tuple(obj)
        return ("dict", keys, tuple(_flatten(obj[k], leaves, f"{where}[{k!r}]") for k in keys))
    leaves.append(obj)
    return LEAF


def unflatten(tree, leaves):
    """The container of structure `tree` holding `leaves` (an iterable, consumed in order)."""
    return _unflatten(tree, iter(leaves))


def _unflatten(tree, it):
    if tree == LEAF:
        return next(it)
    if tree == NONE:
        return None
    if tree[0] == "dict":
        return {k: _unflatten(t, it) for k, t in zip(tree[1], tree[2])}
    items = [_unflatten(t, it) for t in tree[1]]
    return tuple(items) if tree[0] == "tuple" else items


def count(tree):
    """How many leaves a container of structure `tree` holds."""
    if tree == LEAF:
        return 1
    if tree == NONE:
        return 0
    return sum(count(t) for t in tree[-1])


def leaf_names(name, tree):
    """A name for each leaf of argument `name` of structure `tree`, in order."""
    if tree == LEAF:
        return [name]
    if tree == NONE:
        return []
    keys = tree[1] if tree[0] == "dict" else range(len(tree[1]))
    return [n for k, t in zip(keys, tree[-1]) for n in leaf_names(f"{name}_{_ident(k)}", t)]


def describe(tree):
    """`tree` as the caller would write it: [(*, *), (*, *)], {'W': *}."""
    if tree in (LEAF, NONE):
        return tree
    if tree[0] == "dict":
        return "{" + ", ".join(f"{k!r}: {describe(t)}" for k, t in zip(tree[1], tree[2])) + "}"
    inner = ", ".join(describe(t) for t in tree[1]) + ("," if tree[0] == "tuple" and len(tree[1]) == 1 else "")
    return f"[{inner}]" if tree[0] == "list" else f"({inner})"


def _ident(key):
    text = "".join(c if c.isalnum() else "_" for c in str(key))
    return text or "_"
