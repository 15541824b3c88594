"""Expressions: names, constants, attributes, tuples, arithmetic, comparisons and conditionals.

Contract: `expr` lowers a gast expression into the builder's open region
and returns what it stands for: a `Value`, or a `Static` / `LocalFn` for
names of compile-time objects (see values.py); `value` insists on a number
or an array. Names resolve to the scope first, then to the function's
globals and closure cells (numbers and arrays there become captured
parameters). Tuples built in the source are tracked: their elements stay
separate values (`tuples`), so that unpacking, indexing, `+` and `*` on
them are resolved here. `and`/`or` and `a if c else b` whose operands can
fail or cost (calls, indexing) become `if` ops, evaluated only when Python
would. Calls are in calls.py, indexing in indexing.py.
"""
import types

import gast
import numpy as np

from ...errors import fail
from ...frontend import is_library_module, missing, module_attr
from ...ir import Value
from . import intrinsics
from .scicalls import static_attr
from .syntax import cheap
from .values import LocalFn, Pack, Static, Undefined, is_value

BINOPS = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
          gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow"}
_CMPOPS = {gast.Lt: "lt", gast.LtE: "le", gast.Gt: "gt", gast.GtE: "ge", gast.Eq: "eq", gast.NotEq: "ne"}
_INT_FOLD = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y}


class ExpressionLowering:
    """The part of `Lowerer` that lowers expressions other than calls and indexing."""

    def value(self, node):
        return self.as_value(self.expr(node), node)

    def as_value(self, v, node):
        """`v` as a number or array: a constant for a static number; an error for anything else."""
        if isinstance(v, Value):
            return v
        if isinstance(v, Undefined):
            self.fail(node, f"the name '{v.name}', which is only bound {v.where}",
                      f"assign {v.name} before the loop or branch so it is defined on every path")
        if isinstance(v, Static) and is_value(v.obj) and not isinstance(v.obj, np.ndarray):
            return self.b.const(v.obj.item() if hasattr(v.obj, "item") else v.obj)
        if isinstance(v, Static) and v.obj is None:
            self.fail(node, "None used as a number or array", "bind the name to a number or an array")
        if isinstance(v, Pack):
            self.fail(node, f"a {v.kind} used as a number or array",
                      "read its elements (d['W'], layers[0]) or loop over it: for W, b in layers: ...")
        what = getattr(getattr(v, "obj", v), "__name__", type(getattr(v, "obj", v)).__name__)
        self.fail(node, f"'{what}' used as a number or array", "pass numbers and arrays only")

    def expr(self, node):
        self.at(node)
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            self.fail(node, f"the expression {type(node).__name__}", "use arithmetic, calls and indexing")
        return method(node)

    def expr_Constant(self, node):
        if isinstance(node.value, (bool, int, float, complex)):
            return self.b.const(node.value)
        if node.value is None or isinstance(node.value, str):
            return Static(node.value)  # an error where it is used as a number, not where it is bound
        self.fail(node, f"the constant {node.value!r}", "use numbers only")

    # ------------------------------------------------------------ names

    def expr_Name(self, node):
        return self.name(node)

    def name(self, node):
        if node.id in self.env:
            v = self.env[node.id]
            if isinstance(v, Undefined):
                self.as_value(v, node)
            return v
        obj = self.parsed.resolve(node.id)
        if missing(obj):
            self.fail(node, f"the name '{node.id}', which is not defined", "define it before this line")
        if is_value(obj):
            return self.captures.get(self.parsed, node.id)
        return Static(obj)

    def static(self, node):
        """The compile-time object `node` names, or None."""
        if isinstance(node, gast.Name):
            v = self.env.get(node.id)
            if v is not None:
                if isinstance(v, Undefined):
                    self.as_value(v, node)
                return v if isinstance(v, (LocalFn, Static)) else None
            obj = self.parsed.resolve(node.id)
            return None if missing(obj) or is_value(obj) else Static(obj)
        if isinstance(node, gast.Attribute):
            base = self.static(node.value)
            if isinstance(base, Static) and intrinsics.is_cuda_module(base.obj):  # cuda.grid, cuda.threadIdx
                return Static(intrinsics.Intrinsic(node.attr))
            if isinstance(base, Static) and isinstance(base.obj, intrinsics.Intrinsic):
                return Static(base.obj.attr(node.attr))
            if isinstance(base, Static) and isinstance(base.obj, types.ModuleType):
                obj = module_attr(base.obj, node.attr)
                if missing(obj):
                    self.fail(node, f"{base.obj.__name__}.{node.attr}, which does not exist", "check the name")
                return Static(obj)
            if isinstance(base, Static):
                return static_attr(base.obj, node.attr)  # scipy.stats.norm.logpdf
        return None

    def expr_Attribute(self, node):
        s = self.static(node)
        if isinstance(s, Static) and isinstance(s.obj, intrinsics.Intrinsic) and s.obj.is_value:
            return intrinsics.read(self, node, s.obj)  # cuda.threadIdx.x
        if isinstance(s, Static) and is_value(s.obj) and not is_library_module(self.static(node.value).obj):
            return self.captures.get_attr(self.static(node.value).obj, node.attr)  # cmod.C: passed in, like a global
        if s is not None:
            return s
        base = self.value(node.value)
        if node.attr in self.captures.fields.get(base.id, ()):  # np.linalg.eigh(a).eigenvalues
            return self.tuples[base.id][self.captures.fields[base.id].index(node.attr)]
        if node.attr == "shape":
            return self.b.emit("shape", [base], name="shape")
        if node.attr == "size":
            return self.b.emit("size", [base], name="n")
        return self.attribute_call(node, base)

    def expr_Lambda(self, node):
        return self.local_fn(node)

    # ------------------------------------------------------------ tuples

    def expr_values(self, parts):
        """A tuple of `parts` whose elements lowering keeps track of."""
        t = self.b.emit("tuple", parts, name="tup")
        self.tuples[t.id] = parts
        return t

    # ------------------------------------------------------------ operators

    def expr_BinOp(self, node):
        a, b = self.value(node.left), self.value(node.right)
        if isinstance(node.op, gast.MatMult):  # np.matmul's rule; on stacks of matrices, batched (passes/batch.py)
            return self.call_rule(node, np.matmul, [a, b])
        op = BINOPS.get(type(node.op))
        if op is None:
            self.fail(node, f"the operator {type(node.op).__name__}", "use + - * / // % ** @")
        return self.binop(op, a, b)

    def binop(self, op, a, b):
        if a.id in self.tuples or b.id in self.tuples:
            return self.tuple_binop(op, a, b)
        x, y = self.b.const_int(a), self.b.const_int(b)
        if x is not None and y is not None and op in _INT_FOLD:  # 1 * -1: a constant, as a range step
            return self.b.const(_INT_FOLD[op](x, y))
        return self.b.emit("binop", [a, b], attrs={"op": op})

    def tuple_binop(self, op, a, b):
        """t + u and t * n on tuples built in the source, as Python does them: a new tuple."""
        ta, tb = self.tuples.get(a.id), self.tuples.get(b.id)
        if op == "add" and ta is not None and tb is not None:
            return self.expr_values(ta + tb)
        n = self.b.const_int(b if ta is not None else a)
        if op == "mul" and n is not None:
            return self.expr_values((ta if ta is not None else tb) * max(n, 0))
        fail("arithmetic on a tuple", self.b.loc,
             "tuples join with + and repeat by a constant count with *; for element-wise math use np.array")

    def expr_UnaryOp(self, node):
        v = self.expr(node.operand)
        if isinstance(node.op, gast.Not) and isinstance(v, Static) and isinstance(v.obj, bool):
            return Static(not v.obj)  # a test known when lowering
        v = self.as_value(v, node.operand)
        if isinstance(node.op, gast.UAdd):
            return v
        op = {gast.USub: "neg", gast.Not: "not"}.get(type(node.op))
        if op is None:
            self.fail(node, "the operator ~", "use not, or a comparison")
        if op == "neg" and self.b.const_int(v) is not None:  # -1, -(2): constants
            return self.b.const(-self.b.const_int(v))
        return self.b.emit("unop", [v], attrs={"op": op})

    def expr_Compare(self, node):
        static = self.static_compare(node)
        if static is not None:
            return static
        left, out = self.value(node.left), None
        for op, right_node in zip(node.ops, node.comparators):
            if type(op) not in _CMPOPS:
                self.fail(node, f"the comparison {type(op).__name__}", "compare numbers with < <= > >= == !=")
            right = self.value(right_node)
            c = self.b.emit("cmp", [left, right], attrs={"op": _CMPOPS[type(op)]}, name="cond")
            out = c if out is None else self.b.emit("logic", [out, c], attrs={"op": "and"}, name="cond")
            left = right
        return out

    def static_compare(self, node):
        """A comparison known when lowering, as Static(True or False): `b is None` (a value is
        never None), strings and None compared with == and !=, `key in d` of a dict. None
        when it is a comparison of values, made at run time."""
        if len(node.ops) != 1:
            return None
        op, left, right = node.ops[0], self.expr(node.left), self.expr(node.comparators[0])
        if isinstance(op, (gast.Is, gast.IsNot)):
            if not (isinstance(left, Static) and left.obj is None or isinstance(right, Static) and right.obj is None):
                self.fail(node, "an `is` comparison of values", "compare with `is None`, or with == for numbers")
            same = isinstance(left, Static) and isinstance(right, Static) and left.obj is right.obj
            return Static(same == isinstance(op, gast.Is))
        if isinstance(op, (gast.In, gast.NotIn)):
            items = self.items_of(right)
            if not isinstance(left, Static) or items is None or not all(isinstance(i, Static) for i in items):
                self.fail(node, "an `in` test", "test a constant key against a dict or a list of constants: 'W' in p")
            return Static(any(i.obj == left.obj for i in items) == isinstance(op, gast.In))
        if isinstance(op, (gast.Eq, gast.NotEq)) and (_symbolic(left) or _symbolic(right)):
            equal = isinstance(left, Static) and isinstance(right, Static) and left.obj == right.obj
            return Static(equal == isinstance(op, gast.Eq))
        return None

    # ------------------------------------------------------------ conditionals

    def expr_BoolOp(self, node):
        op = "and" if isinstance(node.op, gast.And) else "or"
        out = self.value(node.values[0])
        for nxt in node.values[1:]:
            if cheap(nxt):
                out = self.b.emit("logic", [out, self.value(nxt)], attrs={"op": op}, name="cond")
            else:
                out = self._short_circuit(op, out, nxt)
        return out

    def _short_circuit(self, op, first, node):
        with self.b.open() as evaluate:
            evaluate.yields = [self.value(node)]
        with self.b.open() as skip:
            skip.yields = [self.b.const(op == "or")]
        arms = [evaluate, skip] if op == "and" else [skip, evaluate]
        return self.b.emit("if", [first], regions=arms, name="cond")

    def expr_IfExp(self, node):
        pred = self.expr(node.test)
        if isinstance(pred, Static) and isinstance(pred.obj, bool):  # known when lowering: that arm only
            return self.expr(node.body if pred.obj else node.orelse)
        pred = self.as_value(pred, node.test)
        arms = []
        for sub in (node.body, node.orelse):
            with self.b.open() as r:
                r.yields = [self.value(sub)]
            arms.append(r)
        return self.b.emit("if", [pred], regions=arms)


def _symbolic(v):
    """A string or None: compared when lowering, never at run time."""
    return isinstance(v, Static) and (v.obj is None or isinstance(v.obj, str))
