"""Containers of fixed structure: lists, tuples and dicts, nested; loops and comprehensions
over them, unrolled.

Contract: a list or tuple whose elements are numbers, arrays or tuples of
them is a tracked tuple (expressions.py); any other container (a dict, a list
holding dicts, None or functions) is a `Pack` (values.py). Either way its
structure is known when the function is lowered: from the arguments' (adc.trees)
or from the source. `items_of` gives a container's elements as Python
iterates them (a dict's keys); a `for` over a container, and list, tuple,
dict and generator comprehensions over containers, are unrolled: the body
is lowered once per element, in order. `len` of a container is a constant;
`zip`, `enumerate`, `reversed`, `list`, `tuple` and a dict's `items`, `keys`
and `values` give containers. A Pack is indexed by constant keys, indices
and slices. A `for` over an array runs over its rows, as NumPy iterates it.
"""
import gast

from ...ir import Value
from ...trees import LEAF, NONE
from .syntax import has_break, has_continue, has_return
from .values import Pack, Static

_VIEWS = ("items", "keys", "values")


class ContainerLowering:
    """The part of `Lowerer` that lowers containers and unrolls loops over them."""

    def pack(self, items, kind="tuple"):
        """A container of `items`: a tracked tuple when they are all values, else a Pack."""
        if all(isinstance(x, Value) for x in items):
            return self.expr_values(list(items))
        return Pack(kind, items)

    def items_of(self, obj):
        """The elements of container `obj` in Python's order of iteration, or None for a non-container."""
        if isinstance(obj, Value) and obj.id in self.tuples:
            return list(self.tuples[obj.id])
        if isinstance(obj, Pack):
            return [Static(k) for k in obj.keys] if obj.kind == "dict" else list(obj.items)
        return None

    def bind_tree(self, tree, leaves):
        """The container of structure `tree` (adc.trees) of the parameters `leaves` (an iterator)."""
        if tree == LEAF:
            return next(leaves)
        if tree == NONE:
            return Static(None)
        items = [self.bind_tree(t, leaves) for t in tree[-1]]
        return Pack("dict", items, tree[1]) if tree[0] == "dict" else self.pack(items, tree[0])

    # ------------------------------------------------------------ building containers

    def expr_List(self, node):
        return self.pack([self.expr(e) for e in node.elts], "list")

    def expr_Tuple(self, node):
        return self.pack([self.expr(e) for e in node.elts])

    def expr_Dict(self, node):
        keys = []
        for k in node.keys:
            key = self.expr(k) if k is not None else None
            if not (isinstance(key, Static) and type(key.obj) in (str, int)):
                self.fail(k or node, "this dict key", "key dicts by string or int constants: {'W': W, 'b': b}")
            keys.append(key.obj)
        return Pack("dict", [self.expr(v) for v in node.values], keys)

    def expr_ListComp(self, node):
        out = []
        self._comprehend(node, node.generators, lambda: out.append(self.expr(node.elt)))
        return self.pack(out, "list")

    def expr_GeneratorExp(self, node):  # consumed at once: sum(x * x for x in xs), tuple(...)
        out = []
        self._comprehend(node, node.generators, lambda: out.append(self.expr(node.elt)))
        return self.pack(out)

    def expr_DictComp(self, node):
        keys, values = [], []

        def one():
            key = self.expr(node.key)
            if not (isinstance(key, Static) and type(key.obj) in (str, int)):
                self.fail(node.key, "this dict key", "key dicts by string or int constants")
            keys.append(key.obj)
            values.append(self.expr(node.value))
        self._comprehend(node, node.generators, one)
        return Pack("dict", values, keys)

    def _comprehend(self, node, generators, each):
        """Run `each` once per combination of the generators' elements, their names bound in a
        scope of the comprehension's own (Python 3 keeps them out of the function's)."""
        saved = dict(self.env)
        self._generate(node, generators, each)
        self.env = saved

    def _generate(self, node, generators, each):
        if not generators:
            each()
            return
        gen = generators[0]
        for item in self.iterated(gen.iter):
            self.assign(gen.target, item)
            if all(self._static_test(c) for c in gen.ifs):
                self._generate(node, generators[1:], each)

    def _static_test(self, cond):
        """The value of a comprehension's `if`, which must be known when the function is lowered."""
        v = self.expr(cond)
        known = self.b.const_int(v) if isinstance(v, Value) else None
        if isinstance(v, Static) and isinstance(v.obj, (bool, int)):
            known = v.obj
        if known is None:
            self.fail(cond, "a condition in a comprehension that is known only at run time",
                      "write a for loop with an if inside, or select with np.where")
        return bool(known)

    def iterated(self, node):
        """The elements that iterating the expression `node` gives, known when lowering."""
        if isinstance(node, gast.Call) and getattr(self.static(node.func), "obj", None) is range and not node.keywords:
            bounds = [self.b.const_int(self.value(a)) for a in node.args]
            if None in bounds or not 1 <= len(bounds) <= 3 or (len(bounds) == 3 and bounds[2] == 0):
                self.fail(node, "a comprehension over a range known only at run time",
                          "write a for loop that fills a preallocated array: y = np.zeros(n); y[i] = ...")
            return [self.b.const(k) for k in range(*bounds)]
        items = self.items_of(self.expr(node))
        if items is None:
            self.fail(node, "iterating over this value, whose length is known only at run time",
                      "iterate over a list, tuple or dict, or loop over indices: for i in range(len(x))")
        return items

    # ------------------------------------------------------------ reading containers

    def pack_item(self, node, pack):
        """pack[key] at a constant key, index or slice."""
        if isinstance(node.slice, gast.Slice):
            return self.pack(pack.items[self.constant_slice(node.slice)], pack.kind)
        key = self.expr(node.slice)
        key = key.obj if isinstance(key, Static) else self.b.const_int(key) if isinstance(key, Value) else None
        if pack.kind == "dict":
            if key not in pack.keys:
                self.fail(node, f"the key {key!r}, which the dict does not hold (KeyError in Python)",
                          f"use one of its keys: {', '.join(map(repr, pack.keys))}")
            return pack.items[pack.keys.index(key)]
        if type(key) is not int:
            self.fail(node.slice, "indexing a list of dicts or objects at an index known only at run time",
                      "index it with a constant, or loop over it: for layer in layers: ...")
        if not -len(pack.items) <= key < len(pack.items):
            self.fail(node, f"the index {key} into a list of {len(pack.items)} (IndexError in Python)",
                      f"index with 0 ... {len(pack.items) - 1}")
        return pack.items[key]

    def constant_slice(self, sl):
        """The Python slice of constant bounds `sl` (a tuple or list sliced when lowering)."""
        bounds = []
        for b in (sl.lower, sl.upper, sl.step):
            k = None if b is None else self.b.const_int(self.value(b))
            if b is not None and k is None:
                self.fail(b, "slicing a tuple or list at bounds known only at run time", "slice with constants: t[1:]")
            bounds.append(k)
        if bounds[2] == 0:
            self.fail(sl, "a slice with step 0 (ValueError in Python)", "slice with a nonzero step")
        return slice(*bounds)

    def view_call(self, node, pack):
        """d.items(), d.keys(), d.values() of a dict."""
        if pack.kind != "dict" or node.func.attr not in _VIEWS or node.args:
            self.fail(node, f"the method .{node.func.attr}() of a {pack.kind}",
                      "read a dict with d[key], d.items(), d.keys() or d.values(), and a list by index")
        keys = [Static(k) for k in pack.keys]
        if node.func.attr == "keys":
            return Pack("list", keys)
        if node.func.attr == "values":
            return self.pack(pack.items, "list")
        return Pack("list", [self.pack([k, v]) for k, v in zip(keys, pack.items)])

    def unpack_pack(self, node, pack, n):
        items = self.items_of(pack)
        if len(items) != n:
            self.fail(node, f"unpacking {len(items)} values into {n} names", "match the number of names")
        return items

    # ------------------------------------------------------------ loops over containers

    def unrolled_for(self, s, items):
        """`for target in container:` the body lowered once per element, in order."""
        if has_break(s.body) or has_continue(s.body) or has_return(s.body):
            self.fail(s, "break, continue or return in a loop over a list, tuple or dict",
                      "set a flag and test it in the body, or loop over indices with range(...)")
        for item in items:
            self.assign(s.target, item)
            self.block(s.body)

    def rows_for(self, s, array):
        """`for row in x:` over an array: `for i in range(len(x)): row = x[i]`."""
        it, i = f".rows{id(s)}", f".row{id(s)}"
        self.env[it], self.env[".range"], self.env[".len"] = array, Static(range), Static(len)
        name = lambda n: gast.Name(id=n, ctx=gast.Load(), annotation=None, type_comment=None)
        header = gast.Call(func=name(".range"), args=[gast.Call(func=name(".len"), args=[name(it)], keywords=[])],
                           keywords=[])
        row = gast.Assign(targets=[s.target], value=gast.Subscript(value=name(it), slice=name(i), ctx=gast.Load()),
                          type_comment=None)
        loop = gast.For(target=gast.Name(id=i, ctx=gast.Store(), annotation=None, type_comment=None), iter=header,
                        body=[row] + s.body, orelse=[], type_comment=None)
        for n in (loop, header, header.args[0], row, row.value):
            gast.copy_location(n, s)
        self.stmt_For(loop)

    def sum_over_rows(self, node):
        """sum(f(r) for r in x) over an array x, whose length is known at run time only: a loop
        that adds up f of each row (its names, as a generator's, are gone after it)."""
        gen = node.args[0].generators[0]
        saved = dict(self.env)
        targets = [n.id for n in gast.walk(gen.target) if isinstance(n, gast.Name)]
        name = lambda n, ctx: gast.Name(id=n, ctx=ctx, annotation=None, type_comment=None)
        acc = f".sum{id(node)}"
        self.env[acc] = self.as_value(self.expr(node.args[1]), node) if len(node.args) > 1 else self.b.const(0)
        add = gast.Assign(targets=[name(acc, gast.Store())], type_comment=None,
                          value=gast.BinOp(left=name(acc, gast.Load()), op=gast.Add(), right=node.args[0].elt))
        loop = gast.For(target=gen.target, iter=gen.iter, body=[add], orelse=[], type_comment=None)
        for n in (add, add.targets[0], add.value, add.value.left, loop):
            gast.copy_location(n, node)
        for n in targets:  # the generator's own names: not the function's, not carried by the loop
            self.env.pop(n, None)
        self.stmt_For(loop)
        total = self.env.pop(acc)
        for n in targets:
            if n in saved:
                self.env[n] = saved[n]
            else:
                self.env.pop(n, None)
        return total

    # ------------------------------------------------------------ builtins that make containers

    def call_container_builtin(self, node, obj, args):
        """zip, enumerate, reversed, list, tuple, len and sum of containers."""
        seqs = [self.items_of(a) for a in args]
        if obj is len:
            return self.b.const(len(seqs[0]))
        if obj is sum:  # sum(xs, start): start + xs[0] + xs[1] + ..., as Python adds them
            total = self.as_value(args[1], node) if len(args) > 1 else self.b.const(0)
            for x in seqs[0]:
                total = self.binop("add", total, self.as_value(x, node))
            return total
        if any(s is None for s in seqs):
            bad = next(k for k, s in enumerate(seqs) if s is None)
            self.fail(node.args[bad], f"{obj.__name__}() of a value whose length is known only at run time",
                      "pass a list, tuple or dict, or loop over indices: for i in range(len(x))")
        if obj is zip:
            return Pack("list", [self.pack(list(row)) for row in zip(*seqs)])
        if obj is enumerate:
            start = self.b.const_int(args[1]) if len(args) > 1 else 0
            if start is None:
                self.fail(node, "enumerate with a start known only at run time", "start at a constant")
            return Pack("list", [self.pack([self.b.const(start + k), x]) for k, x in enumerate(seqs[0])])
        if len(args) != 1:
            self.fail(node, f"{obj.__name__}() with {len(args)} arguments", f"call {obj.__name__}(x)")
        items = seqs[0][::-1] if obj is reversed else seqs[0]
        return self.pack(items, "tuple" if obj is tuple else "list")


CONTAINER_BUILTINS = (zip, enumerate, reversed, list, tuple, len, sum)


def is_container_call(lw, node, obj, args):
    """A builtin that makes or measures a container, called on one (len and sum of an array are not)."""
    return (any(obj is b for b in CONTAINER_BUILTINS) and bool(args)
            and (obj not in (len, sum) or lw.items_of(args[0]) is not None))
