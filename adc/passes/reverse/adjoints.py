"""adjoints: what each op contributes to the adjoints of its operands.

Contract: `Adjoints(fn, active, tape)` builds the backward sweep of a typed
primal function op by op, in reverse order (`ops`), with `b`, a Builder of
adjoint ops. It keeps `adj`: primal value id -> its adjoint so far. Adjoints
of scalars are SSA values, summed as contributions arrive (`accumulate`).

Adjoints of arrays are buffers, each held by one array alone, made when
the first cotangent arrives and updated in place after (buffers.py); what
they need of a primal array's shape is read without taping the array
(shapes.py). A primal value the rules read is
asked of the tape (`read`: recomputed or popped as tbr.py decides). An op
kind's rule is a method `op_<opname>`, or the derivative rule of its
function in adc/rules (`rule`); the structured ops (for, while, if) are
control.py's, which extends this class.
"""
from ... import externs, ode, rules
from ...errors import AdcTypeError, fail
from ...ir import without_new_axes
from ...ops import differentiable
from ..builder import Builder
from ..inline import inline_rule, inline_template
from .buffers import Buffers
from .shapes import Shapes
from .stack import adjoint_stack, slots


class Adjoints(Buffers, Shapes):
    def __init__(self, fn, active, tape):
        self.fn, self.act, self.tape = fn, active, tape
        self.b = Builder(adjoint=True)
        self.adj = {}
        self.init_buffers()

    def active(self, v):
        return v.id in self.act

    def read(self, v, at=None):
        """Primal `v` in the backward sweep: recomputed when that is cheaper than a push and a pop
        (`Tape.recomputes` says when), else taped."""
        if self.tape.recomputes(v):
            op = self.tape.defining_op(v)
            args = [self.read(a) for a in op.args]
            return self.b.emit(op.opname, args, attrs=op.attrs, name=v.name)
        return self.tape.read(v, at)

    def sweep(self, out, params, seed=None):
        """The backward sweep of the whole function; yields one gradient per param."""
        top = self.fn.body
        with self.b.open() as region:
            self.alloc(list(self.fn.params) + _defined(top))
            if self.active(out) and out.type.is_array:
                self.accumulate(out, seed)
            elif self.active(out):
                self.adj[out.id] = seed if seed is not None else self.b.const(1.0, out.name + "_bar")
            self.ops(top)
            region.yields = [self.gradient(p) for p in params]
        return region

    def gradient(self, p):
        if p.id in self.adj:
            return self.adj[p.id]
        return self.zero(p)

    def zero(self, v):
        if v.type.is_array:
            buf = self.b.emit("zeros_like", [self.like(v)], name=v.name + "_bar")
            self.mine.add(buf.id)
            self.taken.add(buf.id)
            return buf
        return self.b.const(0.0 if v.type.dtype != "complex128" else 0j, v.name + "_bar")



    def accumulate(self, v, c):
        if not self.active(v) or self.b.is_zero(c):  # a rule's `0`: no contribution
            return
        if v.type.is_array:
            self._accumulate_array(v, c)
        elif v.id in self.adj:
            self.adj[v.id] = self.b.emit("binop", [self.adj[v.id], c], attrs={"op": "add"}, name=v.name + "_bar")
        else:
            self.adj[v.id] = c
            if c.name in ("t", "c", "g"):
                c.name = v.name + "_bar"


    def ops(self, region):
        for op in reversed(region.ops):
            self.b.loc = op.loc
            if op.regions or op.opname == "custom":
                self.materialize(op)
            handler = getattr(self, "op_" + op.opname, None)
            if handler is not None:
                handler(op)
            elif op.opname == "call" and rules.RULES[op.attrs["fn"]].scatter:
                self.scatter(op)
            elif differentiable(op) and any(self.active(r) for r in op.results):
                self.rule(op)

    # ------------------------------------------------------------ primitives

    def rule(self, op):
        g = self.adj.pop(op.result.id, None)
        if g is None:
            return
        self.give_up(g)
        key = op.attrs.get("fn") or op.attrs.get("op")
        if op.opname in ("cast", "astype"):  # a conversion: the cotangent goes back as it is (its real part)
            return self.accumulate(op.args[0], self.real_part(op, op.args[0], g))
        rule = rules.RULES[key]
        which = [k for k, a in enumerate(op.args) if self.active(a)]
        if rule.part is not None:
            return self.parts(rule, op, g, which)
        found = rules.template_for(rule, [a.type for a in op.args], which)
        if found is None:
            raise AdcTypeError(f"{rule.shown} has no reverse-mode rule for arguments {[str(a.type) for a in op.args]}")
        template, needs = found
        primal = [op.result] + list(op.args)
        values = [self.read(primal[k], op) if k in needs else primal[k] for k in range(len(primal))]
        contribs = inline_template(self.b, template, [g] + values, which)
        for k, c in zip(which, contribs):
            self.accumulate(op.args[k], self.real_part(op, op.args[k], self.unbroadcast(rule, op, op.args[k], c)))

    def real_part(self, op, x, c):
        """A real input of a complex op keeps the real part of its contribution (autograd's convention)."""
        if x.type.dtype == "complex128" or all(getattr(v.type, "dtype", None) != "complex128"
                                               for v in op.args + op.results):
            return c
        return self.b.emit("call", [c], attrs={"fn": "np.real"}, name=c.name)

    def parts(self, rule, op, g, which):
        """A variadic rule (concatenate, stack): each array's part of the adjoint, by its position."""
        args = [self.like(a) if a.type.is_array else self.read(a, op) for a in op.args]  # their shapes alone
        for k in which:
            index = self.b.const(k - rule.lead)
            part = self.b.emit("call", [g, index] + args, attrs={"fn": rule.part}, name=op.args[k].name + "_bar")
            self.accumulate(op.args[k], self.real_part(op, op.args[k], part))

    def unbroadcast(self, rule, op, x, c):
        if not rule.broadcasting or not op.result.type.is_array:
            return c
        if not x.type.is_array:
            return self.b.emit("call", [c], attrs={"fn": "np.sum"})
        arrays = {a.id for a in op.args if a.type.is_array}
        if len(arrays) > 1:  # two different arrays: their shapes may broadcast
            return self.unbroadcast_to(c, x)
        return c

    def op_extern(self, op):
        """Code adc cannot read has no adjoint: refuse where one is needed."""
        if self.adj.pop(op.result.id, None) is not None and any(self.active(a) for a in op.args):
            externs.refuse_derivative(op, "reverse")

    def op_custom(self, op):
        """A user primitive: its bwd rule, inlined, with the residuals its fwd made."""
        g = self.adj.pop(op.result.id, None)
        n, prim = op.attrs["nargs"], op.attrs["prim"]
        if g is None or not any(self.active(a) for a in op.args[:n]):
            return
        if isinstance(prim, ode.Backsolve):  # adc.odeint(adjoint="backsolve"): the adjoint ODE, integrated back
            from .backsolve import adjoint  # (it runs passes of the pipeline, which imports this module)
            return adjoint(self, op, g)
        if prim.bwd is None:
            fail(f"reverse mode through {prim.__name__}, which has no vjp rule", op.loc,
                 f"give it one: {prim.__name__}.defvjp(fwd, bwd)")
        which = [k for k in range(n) if self.active(op.args[k])]
        residuals = [self.read(r, op) for r in op.args[n + 1:]]
        contribs = inline_rule(self.b, prim.bwd, [g], residuals, which, op.attrs.get("captures"))
        for k, c in zip(which, contribs):
            self.accumulate(op.args[k], self.real_part(op, op.args[k], c))

    # ------------------------------------------------------------ a derivative's own ops (reverse over reverse)

    def op_pop(self, op):
        """w = pop() returns what a push stored: its adjoint goes on the adjoint stack, for the push."""
        w = op.result
        if self.active(w):
            g = self.adj.pop(w.id, None) if not w.type.is_array else self.adj.get(w.id)
            g = g if g is not None else self.zero(w)
            level = adjoint_stack(self.tape.level)
            if not w.type.is_array:  # room for the adjoint: two float slots for a complex number
                nf, ni = slots(w.type)
                self.b.emit("reserve", [], nresults=0, attrs={"nf": nf, "ni": ni, **level})
            self.b.emit("push", [g], nresults=0, attrs=level)

    def op_push(self, op):
        v = op.args[0]
        w = self.tape.popped_as(v)
        if w is not None and self.active(w) and self.active(v):
            g = self.b.emit("pop", types=[v.type], attrs=adjoint_stack(self.tape.level), name=v.name + "_bar")
            self.accumulate(v, g)

    def op_iadd(self, op):
        buf, c = op.args
        if self.active(buf) and self.active(c) and buf.id in self.adj:
            part = self.adj[buf.id]
            if not c.type.is_array:
                part = self.b.emit("call", [part], attrs={"fn": "np.sum"})
            elif c.type.ndim != buf.type.ndim:
                part = self.unbroadcast_to(part, c)
            self.accumulate(c, part)

    def op_iadd_item(self, op):
        buf, g = op.args[0], op.args[-1]
        if self.active(buf) and self.active(g) and buf.id in self.adj:
            idx = [self.read(i) for i in op.args[1:-1]]
            self.accumulate(g, self.b.emit("getitem", [self.adj[buf.id]] + idx, name=g.name + "_bar"))

    def op_iadd_slice(self, op):
        buf, c = op.args[0], op.args[-1]
        if self.active(buf) and self.active(c) and buf.id in self.adj:
            idx = [self.read(i) for i in op.args[1:-1]]
            part = self.b.emit("getslice", [self.adj[buf.id]] + idx, attrs=dict(op.attrs))
            if not c.type.is_array:
                part = self.b.emit("call", [part], attrs={"fn": "np.sum"})
            self.accumulate(c, part)

    def op_getslice(self, op):
        """y = x[pattern] is a view: x_bar[pattern] += y_bar (new axes undone)."""
        x, y = op.args[0], op.result
        if not (self.active(x) and self.active(y)) or y.id not in self.adj:
            return
        base, view = without_new_axes(op.attrs["pattern"])
        g = self.adj[y.id]
        if view != tuple(("s", False, False, False) for _ in view):
            zeros = [self.b.const(0) for p in view if p[0] == "i"]
            g = self.b.emit("getslice", [g] + zeros, attrs={"pattern": view})
        idx = [self.read(i) for i in op.args[1:]]
        self.b.emit("iadd_slice", [self.buffer(x)] + idx + [g], attrs={"pattern": base}, nresults=0)

    def op_setslice(self, op):
        """x[pattern] = v: v_bar += x_bar[pattern] (summed where v broadcast), then x_bar[pattern] = 0."""
        arr, val = op.args[0], op.args[-1]
        if not self.active(arr) or arr.id not in self.adj:  # no cotangent reaches the write
            return
        buf, idx = self.buffer(arr), [self.read(i) for i in op.args[1:-1]]
        if self.active(val):
            part = self.b.emit("getslice", [buf] + idx, attrs={"pattern": op.attrs["pattern"]}, name=val.name + "_bar")
            if not val.type.is_array:
                part = self.b.emit("call", [part], attrs={"fn": "np.sum"}, name=val.name + "_bar")
            else:
                part = self.unbroadcast_to(part, val)
            self.accumulate(val, part)
        self.b.emit("setslice", [buf] + idx + [self.b.const(0.0)], attrs=dict(op.attrs), nresults=0)

    def op_getitem(self, op):
        if len(op.args) == 2 and op.args[1].type.is_array:
            return self.gather(op)
        g = self.adj.pop(op.result.id, None)
        if g is None or not self.active(op.args[0]):
            return
        idx = [self.read(i) for i in op.args[1:]]
        self.b.emit("iadd_item", [self.buffer(op.args[0])] + idx + [g], nresults=0)

    def gather(self, op):
        """y = x[idx] (integer array: repeated indices add up) or x[mask]: scatter y_bar back."""
        x, idx, y = op.args[0], op.args[1], op.result
        if self.active(x) and self.active(y) and y.id in self.adj:
            helper = "rt.take_add" if idx.type.dtype == "int64" else "rt.mask_add"
            self.b.emit("call", [self.buffer(x), self.read(idx), self.adj[y.id]], attrs={"fn": helper}, nresults=0)

    def scatter(self, op):
        """buf[idx] += g (a gather's adjoint, differentiated again): g_bar += buf_bar[idx]."""
        buf, idx, g = op.args
        if self.active(buf) and self.active(g) and buf.id in self.adj:
            self.accumulate(g, self.b.emit("getitem", [self.adj[buf.id], self.read(idx)], name=g.name + "_bar"))

    def op_setitem(self, op):
        arr, val = op.args[0], op.args[-1]
        if not self.active(arr) or arr.id not in self.adj:  # no cotangent reaches the write
            return
        buf, idx = self.buffer(arr), [self.read(i) for i in op.args[1:-1]]
        if self.active(val):
            self.accumulate(val, self.b.emit("getitem", [buf] + idx, name=val.name + "_bar"))
        self.b.emit("setitem", [buf] + idx + [self.b.const(0.0)], nresults=0)


def _defined(region):
    return [r for op in region.ops for r in op.results]
