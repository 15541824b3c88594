"""Loops: `for i in range(...)` and `while`, as structured `for` and `while` ops.
(A `for` over a container is unrolled, and one over an array runs over its rows: containers.py.)

Contract: a loop's carried values are the names its body rebinds that are
bound before it (the jump flags included); they are the loop op's
operands, its regions' parameters, its body's yields and its results, which
the names are bound to after it. A `for` whose body can break or return
becomes a `while` over an explicit counter whose condition tests the `broke`
and `returned` flags; a `continue` sets `skipped`, which guards the rest of
the body. The flags of an enclosing loop are saved around an inner one.
`for ... else` and `while ... else` are refused. A loop marked with
`adc.checkpointed` (around its range or its condition) carries the marker's
options in its op's `checkpoint` attribute (passes/reverse/checkpoint.py).
"""
import copy

import gast

from ... import checkpointing
from ...ir import Value
from .syntax import BRK, CONT, RET, RETVAL, assigned_names, has_break, has_continue, has_return, pretty
from .values import Static


class LoopLowering:
    """The part of `Lowerer` that lowers loops."""

    def stmt_For(self, s):
        if s.orelse:
            self.fail(s, "for ... else", "set a flag in the loop and test it after the loop")
        checkpoint, s = self.checkpoint_of(s)
        if not self.over_range(s):
            it = self.expr(s.iter)
            items = self.items_of(it)
            if items is not None:
                return self.unrolled_for(s, items)
            if isinstance(it, Value):
                return self.rows_for(s, it)
            self.fail(s.iter, "a for loop over this object",
                      "loop over range(...), an array, or a list, tuple or dict")
        start, stop, step = self.range_args(s)
        if not isinstance(s.target, gast.Name):
            self.fail(s.target, "this loop target", "loop over range(...) with a single name")
        if has_break(s.body) or has_return(s.body):
            self.for_as_while(s, start, stop, step)
            if checkpoint is not None:  # its trip count is known only at its end: the online schedule
                self.mark_checkpointed("while", checkpoint)
            return
        saved = self.save_flags()
        carried = self.carried(s.body)
        i = Value(s.target.id)
        params = [Value(pretty(n)) for n in carried]
        results = self.loop_body("for", [start, stop, step], carried, [i] + params, s.body, {s.target.id: i})
        if checkpoint is not None:
            self.mark_checkpointed("for", checkpoint)
        self.rebind(carried, results)
        self.restore_flags(saved)

    def checkpoint_of(self, s):
        """(the schedule's options, the loop over the range inside) of `for t in
        adc.checkpointed(range(...), snapshots=k, memory=b)`; (None, s) for any other loop."""
        it = s.iter
        if not self.is_checkpointed(it):
            return None, s
        if len(it.args) != 1 or not (isinstance(it.args[0], gast.Call) and isinstance(self.static(it.args[0].func), Static)
                                     and self.static(it.args[0].func).obj is range):
            self.fail(it, "adc.checkpointed of something other than one range(...)",
                      "write `for t in adc.checkpointed(range(T), snapshots=k):`")
        loop = copy.copy(s)
        loop.iter = it.args[0]
        return self.checkpoint_options(it), loop

    def is_checkpointed(self, node):
        marker = self.static(node.func) if isinstance(node, gast.Call) else None
        return isinstance(marker, Static) and marker.obj is checkpointing.checkpointed

    def checkpoint_options(self, call):
        """The options of an `adc.checkpointed(...)` call, written as constants: the schedule is
        part of the loop's code."""
        options = {"snapshots": checkpointing.AUTO, "memory": 0, "nested": "checkpoint"}
        for kw in call.keywords:
            value = getattr(kw.value, "value", None) if isinstance(kw.value, gast.Constant) else None
            if kw.arg == "snapshots" and (value == checkpointing.AUTO or (type(value) is int and value >= 1)):
                options["snapshots"] = value
            elif kw.arg == "memory" and type(value) in (int, float) and value > 0:
                options["memory"] = int(value)
            elif kw.arg == "nested" and value in ("checkpoint", "tape"):
                options["nested"] = value
            else:
                self.fail(kw.value, f"adc.checkpointed(..., {kw.arg}=...) with this value",
                          "write snapshots= as a number >= 1 or 'auto', memory= as a number of bytes and "
                          "nested= as 'checkpoint' or 'tape', as constants in the loop's header")
        return options

    def mark_checkpointed(self, opname, options):
        """Set the options on the loop op just emitted."""
        loop = next(op for op in reversed(self.b.region.ops) if op.opname == opname)
        loop.attrs["checkpoint"] = options

    def over_range(self, s):
        it = s.iter
        return isinstance(it, gast.Call) and isinstance(self.static(it.func), Static) and self.static(it.func).obj is range

    def range_args(self, s):
        """(start, stop, step) of the `range(...)` loop `s` iterates over."""
        it = s.iter
        if not 1 <= len(it.args) <= 3:
            self.fail(it, f"range with {len(it.args)} arguments", "call range(stop), range(start, stop) or range(start, stop, step)")
        args = [self.as_value(self.expr(a), a) for a in it.args]
        if len(args) == 1:
            return self.b.const(0), args[0], self.b.const(1)
        if len(args) == 2:
            return args[0], args[1], self.b.const(1)
        if self.b.const_int(args[2]) == 0:
            self.fail(it.args[2], "range with step 0 (a ValueError in Python)", "give range a nonzero step")
        return tuple(args)

    def carried(self, body, extra=()):
        """Names the loop body rebinds that exist before the loop, flags included."""
        assigned = (assigned_names(body) - {CONT}) | set(extra)
        if has_return(body):
            assigned |= {RET, RETVAL}
        return [n for n in self.env if n in assigned and isinstance(self.env[n], Value)]

    def loop_body(self, opname, args, carried, params, stmts, bind, cond=None, after=None):
        """Emit loop op `opname` of operands `args` and the initial values of the `carried` names:
        its body lowers `stmts` (then `after`) with `params` and `bind` bound, preceded, for a
        `while`, by a region that yields `cond()`. Returns the loop's results."""
        before, header = dict(self.env), self.b.loc
        self.env.update(dict(zip(carried, params[len(params) - len(carried):])))
        self.env.update(bind)
        regions = []
        if cond is not None:
            with self.b.open(params) as cond_region:
                self.track_carried(carried, before)
                cond_region.yields = [cond()]
            regions.append(cond_region)
            params = [Value(p.name) for p in params]
            self.env.update(dict(zip(carried, params)))
        with self.b.open(params) as body:
            self.track_carried(carried, before)
            if has_continue(stmts):
                self.env[CONT] = self.b.const(False, "skipped")
            self.block(stmts)
            if after:
                after()
            body.yields = [self.env[n] for n in carried]
        regions.append(body)
        self.leave_loop(before, stmts, header)
        results = self.b.emit(opname, args + [before[n] for n in carried], nresults=len(carried), regions=regions)
        results = [results] if len(carried) == 1 else results
        return [self.track_like(r, before[n]) for n, r in zip(carried, results)]

    def for_as_while(self, s, start, stop, step):
        """`for i in range(...)` with break or return: a while loop over an explicit counter."""
        name = s.target.id
        if self.b.const_int(step) is None:  # a step known at run time: range checks it is not 0
            with self.b.open([Value("_")]) as check:
                pass
            self.b.emit("for", [start, start, step], nresults=0, regions=[check])
        self.env[name] = start
        saved = self.save_flags()
        self.env[BRK] = self.b.const(False, "broke")
        carried = self.carried(s.body, extra=[name, BRK])
        sign = self.b.const_int(step)

        def cond():
            i = self.env[name]
            if sign is not None:
                test = self.b.emit("cmp", [i, stop], attrs={"op": "lt" if sign > 0 else "gt"}, name="more")
                return self.not_jumped(test)
            zero = self.b.const(0)
            up = self.b.emit("logic", [self.b.emit("cmp", [step, zero], attrs={"op": "gt"}, name="up"),
                                       self.b.emit("cmp", [i, stop], attrs={"op": "lt"}, name="more")],
                             attrs={"op": "and"}, name="more")
            down = self.b.emit("logic", [self.b.emit("cmp", [step, zero], attrs={"op": "lt"}, name="down"),
                                         self.b.emit("cmp", [i, stop], attrs={"op": "gt"}, name="more")],
                               attrs={"op": "and"}, name="more")
            return self.not_jumped(self.b.emit("logic", [up, down], attrs={"op": "or"}, name="more"))

        def advance():
            self.env[name] = self.binop("add", self.env[name], step)

        params = [Value(pretty(n)) for n in carried]
        results = self.loop_body("while", [], carried, params, s.body, {}, cond=cond, after=advance)
        self.rebind(carried, results)
        self.restore_flags(saved)

    def stmt_While(self, s):
        if s.orelse:
            self.fail(s, "while ... else", "set a flag in the loop and test it after the loop")
        saved = self.save_flags()
        if has_break(s.body):
            self.env[BRK] = self.b.const(False, "broke")
        carried = self.carried(s.body)
        params = [Value(pretty(n)) for n in carried]
        test, checkpoint = s.test, None
        if self.is_checkpointed(test):  # while adc.checkpointed(x > tol, snapshots=k):
            if len(test.args) != 1:
                self.fail(test, "adc.checkpointed of a condition and more", "write `while adc.checkpointed(cond):`")
            test, checkpoint = test.args[0], self.checkpoint_options(test)
        cond = lambda: self.not_jumped(self.as_value(self.expr(test), test))
        results = self.loop_body("while", [], carried, params, s.body, {}, cond=cond)
        if checkpoint is not None:
            self.mark_checkpointed("while", checkpoint)
        self.rebind(carried, results)
        self.restore_flags(saved)

    # ------------------------------------------------------------ the flags of an enclosing loop

    def save_flags(self):
        """Take the enclosing loop's `broke` and `skipped` flags out of the scope; return them."""
        return {f: self.env.pop(f) for f in (BRK, CONT) if f in self.env}

    def restore_flags(self, saved):
        for f in (BRK, CONT):
            self.env.pop(f, None)
        self.env.update(saved)

    def not_jumped(self, test):
        """`test`, and neither broke nor returned: a `while` condition."""
        for flag in (BRK, RET):
            if flag in self.env:
                live = self.b.emit("unop", [self.env[flag]], attrs={"op": "not"}, name="go")
                test = self.b.emit("logic", [test, live], attrs={"op": "and"}, name="go")
        return test
