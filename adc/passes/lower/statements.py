"""Statements: assignments, branches, and `return`, `break` and `continue` lowered to flags.

Contract: each `stmt_<Kind>` lowers one gast statement into the builder's
open region, updating the scope `env`. A jump sets its flag in the scope
(`RET` with the value under `RETVAL`, `BRK`, `CONT`; see syntax.py) instead
of leaving the region: `block` lowers the statements after one that may
jump under `if not (returned or broke or skipped)`, so that control flow
stays structured. An `if` lowers each arm in a region of its own and merges
the names the arms rebind (scopes.py). Loops are in loops.py.
"""
import gast

from ...ir import Value
from .expressions import BINOPS
from .syntax import BRK, CONT, RET, RETVAL, hint, is_docstring, may_jump
from .values import Pack, Static


class StatementLowering:
    """The part of `Lowerer` that lowers statements."""

    def block(self, stmts):
        """Lower a statement list; after a statement that may jump, guard the rest."""
        for k, stmt in enumerate(stmts):
            if is_docstring(stmt):
                continue
            self.stmt(stmt)
            if isinstance(stmt, (gast.Return, gast.Break, gast.Continue)):
                return
            rest = stmts[k + 1:]
            if rest and may_jump(stmt):
                self.guarded(rest)
                return

    def guarded(self, stmts):
        """Lower `stmts` under `if not (returned or broke or continued)`."""
        flags = [self.env[f] for f in (RET, BRK, CONT) if f in self.env]
        known = [self.b.consts.get(f.id) for f in flags]
        if True in known:  # a jump taken when lowering (an arm of a test known then): the rest is dead
            return
        if all(k is False for k in known):
            self.block(stmts)
            return
        live = flags[0]
        for f in flags[1:]:
            live = self.b.emit("logic", [live, f], attrs={"op": "or"}, name="jumped")
        self.branch(live, [], stmts)

    def stmt(self, s):
        self.at(s)
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            self.fail(s, f"the statement {type(s).__name__}", "rewrite it with assignments, loops and if/else")
        method(s)
        ops = self.b.region.ops
        if self.track_loc and isinstance(s, (gast.For, gast.While, gast.If)) and ops and ops[-1].regions:
            ops[-1].loc = self.loc(s)  # a loop or branch is located at its header, not its last line

    def stmt_Expr(self, s):
        self.expr(s.value)

    def stmt_Pass(self, s):
        pass

    def stmt_Assert(self, s):
        pass  # assertions are checks of the primal, not part of its value

    def stmt_FunctionDef(self, s):
        self.env[s.name] = self.local_fn(s)

    # ------------------------------------------------------------ assignments

    def stmt_Assign(self, s):
        value = self.expr(s.value)
        for target in s.targets:
            self.assign(target, value)

    def stmt_AnnAssign(self, s):
        if s.value is not None:
            self.assign(s.target, self.expr(s.value))

    def stmt_AugAssign(self, s):
        op = BINOPS.get(type(s.op))
        if op is None:
            self.fail(s, f"the operator {type(s.op).__name__}=", "use + - * / // % **")
        if isinstance(s.target, gast.Name):
            self.assign(s.target, self.binop(op, self.as_value(self.name(s.target), s.target), self.value(s.value)))
        elif isinstance(s.target, gast.Subscript):
            arr = self.value(s.target.value)
            idx, pattern = self.indices(s.target.slice)
            old = self.read_index(arr, idx, pattern, hint(s.target.value))
            new = self.binop(op, old, self.value(s.value))
            self.at(s.target)
            self.write_index(arr, idx, pattern, new)
        else:
            self.fail(s.target, "this assignment target", "assign to a name or an array element")

    def assign(self, target, value):
        if isinstance(target, gast.Name):
            if isinstance(value, Value) and value.name in ("t", "c"):
                value.name = target.id
            self.env[target.id] = value
        elif isinstance(target, gast.Tuple):
            parts = self.unpack(target, value, len(target.elts))
            for t, v in zip(target.elts, parts):
                self.assign(t, v)
        elif isinstance(target, gast.Subscript):
            arr = self.expr(target.value)
            if isinstance(arr, Pack):
                self.fail(target, f"assignment into an element of a {arr.kind}",
                          "build a new one: {'W': W2, 'b': d['b']}, or keep the values in an array")
            arr = self.as_value(arr, target.value)
            idx, pattern = self.indices(target.slice)
            self.at(target)
            self.write_index(arr, idx, pattern, self.as_value(value, target))
        else:
            self.fail(target, "assignment to an attribute", "assign to a name or an array element")

    def unpack(self, node, value, n):
        if isinstance(value, Pack):
            return self.unpack_pack(node, value, n)
        if isinstance(value, Value) and value.id in self.tuples:
            parts = self.tuples[value.id]
        elif isinstance(value, Value):
            parts = [self.b.emit("getitem", [value, self.b.const(k)], name="t") for k in range(n)]
        else:
            self.fail(node, "unpacking of this value", "unpack a tuple or an array's shape")
        if len(parts) != n:
            self.fail(node, f"unpacking {len(parts)} values into {n} names", "match the number of names")
        return parts

    # ------------------------------------------------------------ jumps

    def stmt_Return(self, s):
        if RET not in self.env:
            self.fail(s, "this return", "adc handles return statements at the end of paths")
        if s.value is None:
            self.no_value(s)
        self.env[RETVAL] = self.as_value(self.expr(s.value), s)
        self.env[RET] = self.b.const(True, "returned")

    def stmt_Break(self, s):
        self.env[BRK] = self.b.const(True, "broke")

    def stmt_Continue(self, s):
        self.env[CONT] = self.b.const(True, "skipped")

    # ------------------------------------------------------------ branches

    def stmt_If(self, s):
        pred = self.expr(s.test)
        if isinstance(pred, Static) and isinstance(pred.obj, bool):  # known when lowering: that arm only
            self.block(s.body if pred.obj else s.orelse)
            return
        self.branch(self.as_value(pred, s.test), s.body, s.orelse)

    def branch(self, pred, then_stmts, else_stmts):
        """An `if` whose arms lower statement lists; names they rebind become results."""
        before = dict(self.env)
        arms = []
        for stmts in (then_stmts, else_stmts):
            self.env = dict(before)
            with self.b.open() as region:
                self.block(stmts)
            arms.append((region, self.env))
        self.env = before
        self.merge_if(pred, arms)
