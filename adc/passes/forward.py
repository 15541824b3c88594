"""forward: forward-mode (tangent) differentiation of a typed function.

Contract: takes a typed `Function` and the indices of the parameters to
differentiate; returns a new (partly untyped) `Function` whose parameters
are the old ones followed by one tangent per `wrt` parameter, whose body
runs each op followed by its tangent, and which yields the old results
followed by their tangents. Loops and branches carry the tangents of their
active carried values; array tangents are buffers written alongside the
arrays. It applies as well to a function the reverse pass produced: a push
also pushes the tangent, a pop first pops it (forward-over-reverse gives
Hessian-vector products).
"""
from .. import externs, ops, rules
from ..errors import fail
from ..ir import TANGENT_OF, Function, Op, Region, Value, carried_inits, carried_params, walk
from .activity import activity
from .builder import Builder
from .inline import inline_rule, inline_template
from .reverse.alias_check import check_aliases


def forward(fn, wrt):
    if not any(op.adjoint for op in walk(fn.body)):  # a primal: the reverse pass has not checked it
        check_aliases(fn)  # writes through views and rebound names, refused as in reverse mode
    params = [fn.params[k] for k in wrt]
    tangents = [Value(p.name + "_dot", p.type) for p in params]
    tan = Tangents(activity(fn, params, fn.body.yields, tangent_mode=True))
    tan.t.update({p.id: t for p, t in zip(params, tangents)})
    with tan.b.open() as body:
        for p in list(fn.params) + [v for v, _ in fn.captured]:
            if tan.active(p) and p.id not in tan.t and getattr(p.type, "is_array", False):
                tan.t[p.id] = tan.zero(p)  # an input array made varied by a write: its tangent starts at 0
        tan.ops(fn.body)
        roles = fn.output_roles()  # outputs of other roles (a checkpoint schedule) have no tangent
        outs = [tan.tangent_or_zero(y) for y, r in zip(fn.body.yields, roles) if r in TANGENT_OF]
    body.yields = list(fn.body.yields) + outs
    return Function(fn.name + "_jvp", list(fn.params) + tangents, body, fn.loc, fn.captured,
                    roles=roles + [TANGENT_OF[r] for r in roles if r in TANGENT_OF])


class Tangents:
    def __init__(self, active):
        self.act = active
        self.t = {}  # value id -> tangent value
        self.b = Builder()

    def active(self, v):
        return v.id in self.act

    def ops(self, region):
        for op in region.ops:
            self.b.loc = op.loc
            handler = getattr(self, "op_" + op.opname, None)
            if handler is not None:
                handler(op)
            elif op.opname == "call" and ops.writes(op):  # a scatter-add rule
                self.scatter(op)
            else:
                self.b.add(_copy(op))
                self.tangent_of(op)

    def tangent_or_zero(self, v):
        if v.id in self.t:
            return self.t[v.id]
        return self.zero(v)

    def zero(self, v):
        if getattr(v.type, "is_array", False):
            return self.b.emit("zeros_like", [v], name=v.name + "_dot")
        return self.b.const(0j if getattr(v.type, "dtype", "") == "complex128" else 0.0, v.name + "_dot")

    # ------------------------------------------------------------ primitives

    def tangent_of(self, op):
        if not op.results or not any(self.active(r) for r in op.results):
            return
        if ops.differentiable(op) and any(a.id in self.t for a in op.args):
            self.t[op.result.id] = self.rule(op)
        elif op.result.type.is_array:
            self.t[op.result.id] = self.b.emit("zeros_like", [op.result], name=op.result.name + "_dot")

    def rule(self, op):
        if op.opname == "cast":
            return self.t[op.args[0].id]
        if op.opname == "astype":  # the tangent, converted as the value is
            return self.b.emit("astype", [self.t[op.args[0].id]], attrs=dict(op.attrs), name=op.result.name + "_dot")
        if op.opname in ("getitem", "getslice"):
            return self.b.emit(op.opname, [self.t[op.args[0].id]] + op.args[1:], attrs=dict(op.attrs),
                               name=op.result.name + "_dot")
        rule = rules.RULES[op.attrs.get("fn") or op.attrs.get("op")]
        types = [a.type for a in op.args]
        which = [k for k, a in enumerate(op.args) if a.id in self.t]
        template = rules.jvp_template_for(rule, types)
        if template is not None:
            dargs = [self.t.get(a.id, a) for a in op.args]
            terms = inline_template(self.b, template, [op.result] + list(op.args) + dargs, which)
        elif rule.elementwise:
            terms = [self._elementwise_term(rule, op, k, types) for k in which]
        elif rule.linear:
            return self._linear(op)
        else:
            fail(f"forward mode through {rule.shown}, which has no forward-mode rule yet"
                 + (" (a derivative of a linear-algebra tangent)" if rule.key.startswith("la.") else ""),
                 op.loc, "use reverse mode for this function, or give the call a rule with adc.primitive")
        terms = [t for t in terms if not self.b.is_zero(t)]  # a rule's `0`: no term
        if not terms:
            return self.zero(op.result)
        total = terms[0]
        for term in terms[1:]:
            total = self.b.emit("binop", [total, term], attrs={"op": "add"})
        if total.name in ("t", "c"):
            total.name = op.result.name + "_dot"
        return total

    def _linear(self, op):
        """A linear function's tangent: the function of the tangents (zero for a constant float
        argument; integer arguments such as an axis stay as they are)."""
        args = [self.t[a.id] if a.id in self.t else self.zero(a) if _is_float(a) else a for a in op.args]
        return self.b.emit("call", args, attrs=dict(op.attrs), name=op.result.name + "_dot")

    def _elementwise_term(self, rule, op, k, types):
        """A diagonal Jacobian is its own transpose: the vjp template applied to the tangent."""
        template, _ = rules.template_for(rule, types, [k])
        t = self.t[op.args[k].id]
        if rule.broadcasting and op.result.type.ndim > op.args[k].type.ndim:
            t = self.b.emit("binop", [self.b.emit("zeros_like", [op.result]), t], attrs={"op": "add"})
        return inline_template(self.b, template, [t, op.result] + list(op.args), [k])[0]

    def op_extern(self, op):
        """Code adc cannot read has no tangent: refuse where one is needed."""
        self.b.add(_copy(op))
        if self.active(op.result) and any(a.id in self.t for a in op.args):
            externs.refuse_derivative(op, "forward")

    def op_custom(self, op):
        """A user primitive: its jvp rule, inlined; tangents of inputs that do not vary are zero."""
        self.b.add(_copy(op))
        n, prim = op.attrs["nargs"], op.attrs["prim"]
        args = op.args[:n]
        if op.attrs.get("tangent") == "fwd":  # differentiated through its fwd rule's ops (activity.py)
            if self.active(op.result) and op.args[n].id in self.t:
                self.t[op.result.id] = self.t[op.args[n].id]
            return
        if not self.active(op.result) or not any(a.id in self.t for a in args):
            return
        if prim.jvp is None:
            fail(f"forward mode through {prim.__name__}, which has no jvp rule", op.loc,
                 f"give it one: {prim.__name__}.defjvp(jvp)")
        dargs = [self.t[a.id] if a.id in self.t else self.zero(a) for a in args]
        self.t[op.result.id] = inline_rule(self.b, prim.jvp, list(args) + dargs, known=op.attrs.get("captures"))

    def scatter(self, op):
        """buf[idx] += g: the same into the tangents."""
        self.b.add(_copy(op))
        buf, idx, g = op.args
        if self.active(buf) and g.id in self.t:
            self.b.emit("call", [self.buffer(buf, op), idx, self.t[g.id]], attrs=dict(op.attrs), nresults=0)

    def buffer(self, arr, op):
        """The tangent of array `arr`, written by `op`. Every active array has one from its
        definition on (input arrays included, zero when not differentiated)."""
        if arr.id not in self.t:
            fail(f"forward mode through a write into {arr.name}, an array whose tangent is not known here",
                 op.loc, "write into an array defined in the differentiated function, or use reverse mode")
        return self.t[arr.id]

    def op_setitem(self, op):
        self.b.add(_copy(op))
        arr, val = op.args[0], op.args[-1]
        if self.active(arr):
            dval = self.t.get(val.id) or self.b.const(0.0)
            self.b.emit("setitem", [self.buffer(arr, op)] + op.args[1:-1] + [dval], nresults=0)

    def op_setslice(self, op):
        self.b.add(_copy(op))
        arr, val = op.args[0], op.args[-1]
        if self.active(arr):
            dval = self.t.get(val.id) or self.b.const(0.0)
            self.b.emit("setslice", [self.buffer(arr, op)] + op.args[1:-1] + [dval], attrs=dict(op.attrs),
                        nresults=0)

    def op_iadd_slice(self, op):
        self.b.add(_copy(op))
        buf, g = op.args[0], op.args[-1]
        if self.active(buf) and g.id in self.t:
            self.b.emit("iadd_slice", [self.buffer(buf, op)] + op.args[1:-1] + [self.t[g.id]], attrs=dict(op.attrs),
                        nresults=0)

    def op_iadd(self, op):
        self.b.add(_copy(op))
        buf, c = op.args
        if self.active(buf) and c.id in self.t:
            self.b.emit("iadd", [self.buffer(buf, op), self.t[c.id]], nresults=0)

    def op_iadd_item(self, op):
        self.b.add(_copy(op))
        buf, g = op.args[0], op.args[-1]
        if self.active(buf) and g.id in self.t:
            self.b.emit("iadd_item", [self.buffer(buf, op)] + op.args[1:-1] + [self.t[g.id]], nresults=0)

    def op_push(self, op):
        self.b.add(_copy(op))
        v = op.args[0]
        if v.id in self.t:
            self.b.emit("push", [self.t[v.id]], nresults=0, attrs=dict(op.attrs))

    def op_pop(self, op):
        w = op.result
        if w.restores is not None and w.restores.id in self.t:  # its push pushed a tangent too
            self.t[w.id] = self.b.emit("pop", types=[w.type], name=w.name + "_dot", attrs=dict(op.attrs))
        self.b.add(_copy(op))

    def op_reserve(self, op):
        self.b.add(Op("reserve", list(op.args), [], {**op.attrs, "nf": 2 * op.attrs["nf"]}, [], op.loc))

    # ------------------------------------------------------------ structured control flow

    def op_for(self, op):
        body = op.regions[0]
        carried = [k for k, p in enumerate(carried_params(op)) if self.active(p)]
        inits = [self.tangent_or_zero(carried_inits(op)[k]) for k in carried]
        tparams = [Value(body.params[1 + k].name + "_dot") for k in carried]
        new_body = self._loop_region(body, body.params, carried, tparams, offset=1)
        self._finish(op, op.args + inits, [new_body], carried)

    def op_while(self, op):
        cond, body = op.regions
        carried = [k for k, p in enumerate(carried_params(op)) if self.active(p)]
        inits = [self.tangent_or_zero(carried_inits(op)[k]) for k in carried]
        with self.b.open(list(cond.params) + [Value(cond.params[k].name + "_dot") for k in carried]) as new_cond:
            for inner in cond.ops:
                self.b.add(_copy_deep(inner))
            new_cond.yields = list(cond.yields)
        tparams = [Value(body.params[k].name + "_dot") for k in carried]
        new_body = self._loop_region(body, body.params, carried, tparams, offset=0)
        self._finish(op, op.args + inits, [new_cond, new_body], carried)

    def _loop_region(self, body, params, carried, tparams, offset):
        for k, tp in zip(carried, tparams):
            self.t[params[offset + k].id] = tp
        with self.b.open(list(params) + tparams) as region:
            self.ops(body)
            region.yields = list(body.yields) + [self.tangent_or_zero(body.yields[k]) for k in carried]
        return region

    def op_if(self, op):
        active = [k for k, r in enumerate(op.results) if self.active(r)]
        arms = []
        for arm in op.regions:
            with self.b.open() as region:
                self.ops(arm)
                region.yields = list(arm.yields) + [self.tangent_or_zero(arm.yields[k]) for k in active]
            arms.append(region)
        self._finish(op, list(op.args), arms, active)

    def _finish(self, op, args, regions, active):
        tres = [Value(op.results[k].name + "_dot") for k in active]
        self.b.add(Op(op.opname, args, list(op.results) + tres, dict(op.attrs), regions, op.loc, op.adjoint))
        for k, tr in zip(active, tres):
            self.t[op.results[k].id] = tr


def _is_float(v):
    return getattr(v.type, "is_float", False)


def _copy(op):
    return Op(op.opname, list(op.args), list(op.results), dict(op.attrs), [], op.loc, op.adjoint)


def _copy_deep(op):
    regions = [Region(list(r.params), [_copy_deep(o) for o in r.ops], list(r.yields)) for r in op.regions]
    return Op(op.opname, list(op.args), list(op.results), dict(op.attrs), regions, op.loc, op.adjoint)
