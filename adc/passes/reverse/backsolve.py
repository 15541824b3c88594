"""backsolve: the adjoint of adc.odeint(..., adjoint="backsolve"), the continuous adjoint ODE.

Contract: `adjoint(sweep, op, g)` is the reverse rule of the `custom` op that
an odeint with adjoint="backsolve" is lowered to (lower/calls.py; the op's
`prim` is an `ode.Backsolve`). Given the backward sweep `sweep` (an
`Adjoints` whose builder stands at the op's mirror) and `g`, the adjoint
buffer of the op's rows, it emits the backward integration of the adjoint
system and accumulates the cotangents of the op's active arguments (y0, t
and theta: the params, then the values of the caller that f reads), in three
steps:

1. `vjp`: the solve's dynamics f(y, s, *theta), lowered apart when the call
   was, typed now for the op's argument types, through the primal passes and
   this reverse pass (seeded: the cotangent a of dy/dt is a last parameter)
   with respect to y and the active theta, its tape (if f has loops) on a
   stack level of its own. It yields f(y, s), a^T df/dy, a^T df/dtheta_k.
2. `augmented`: that vjp put in the adjoint system in reversed time
   tau = -t, z' = aug(z, tau, n, *theta) for z = [y, a, a_theta] (a_theta:
   the active theta's cotangents raveled, in order):
   [-f(y, -tau), a^T df/dy, a^T df/dtheta].
3. the method's backward driver (adc/ode.py, Python lowered here and not
   differentiated), inlined with aug as an `Inlined` callable, integrates z
   from [y(t[-1]), g[-1], 0] back to t[0], adding g[k] to a at each t[k]; z
   at t[0] is unpacked: y0's cotangent is a, each theta's its part of
   a_theta, reshaped, and t's comes from f at the rows (ode._times_bar).

The sweep reads the op's residuals (the rows, t, the options, theta) and
nothing of the forward solve's steps, so the gradient's memory does not grow
with them. What is emitted here is typed when the function is typed again
after the reverse pass, like every other adjoint.
"""
import functools

from ... import ode
from ...errors import fail
from ...ir import CHECKPOINTS, F64, GRADIENT, I64, VALUE, Function, Region, T, Value, clone, walk
from .. import CLEANUP, PRIMAL, run, strip_sweeps
from ..builder import Builder
from ..infer import infer
from ..inline import inline_function
from ..lower.values import Inlined, Static
from . import reverse
from .stack import LEVELS

STATE = T("float64", 1)


def adjoint(sweep, op, g):
    """The backward integration for the backsolve op `op`, whose rows' cotangent is `g`."""
    solve, n = op.attrs["prim"], op.attrs["nargs"]
    y0, t, theta = op.args[0], op.args[1], op.args[2:n]
    _check_types(op, y0, t, theta)
    wanted = [k for k, p in enumerate(theta) if sweep.active(p)]
    types = [STATE, F64] + [p.type for p in theta]
    vjp = _vjp(_typed(solve.dynamics, types), wanted, sweep, op)
    aug = Inlined(_augmented(vjp, op.loc))
    b = sweep.b
    residuals = [sweep.read(v, op) for v in op.args[n + 1:]]
    rows, times = residuals[0], residuals[1]
    options, values = residuals[2:2 + len(solve.names)], residuals[2 + len(solve.names):]
    sizes = [b.emit("size", [values[k]]) if theta[k].type.is_array else b.const(1) for k in wanted]
    size = functools.reduce(lambda x, y: b.emit("binop", [x, y], attrs={"op": "add"}, name="size"), sizes[1:],
                            sizes[0]) if sizes else b.const(0)
    z = inline_function(b, solve.driver, [Static(aug), rows, g, times] + options + [size] + values)
    width = b.emit("size", [b.emit("getitem", [rows, b.const(0)], name="row")], name="n")
    at = b.emit("binop", [width, width], attrs={"op": "add"}, name="at")
    a = b.emit("getslice", [z, width, at], attrs={"pattern": _SPAN}, name="a")
    sweep.accumulate(y0, a)
    for k, part in zip(wanted, sizes):
        at = _theta_bar(sweep, z, at, part, theta[k], values[k])
    if sweep.active(t):
        before = b.emit("binop", [a, b.emit("getitem", [g, b.const(0)])], attrs={"op": "sub"}, name="a")
        f = Inlined(run(_typed(solve.dynamics, types), PRIMAL))
        sweep.accumulate(t, inline_function(b, ode._times_bar, [Static(f), rows, g, times, before] + values))


_SPAN = (("s", True, True, False),)  # z[lo:hi]


def _theta_bar(sweep, z, at, size, p, value):
    """Accumulate p's cotangent, z[at:at + size] in p's shape; return where the next one starts."""
    b = sweep.b
    end = b.emit("binop", [at, size], attrs={"op": "add"}, name="at")
    if p.type.is_array:
        part = b.emit("getslice", [z, at, end], attrs={"pattern": _SPAN})
        part = b.emit("call", [part, b.emit("shape", [value])], attrs={"fn": "rt.reshape"}, name=p.name + "_bar")
    else:
        part = b.emit("getitem", [z, at], name=p.name + "_bar")
    sweep.accumulate(p, part)
    return end


def _check_types(op, y0, t, theta):
    if y0.type != STATE and y0.type != T("int64", 1):
        fail(f"adc.odeint(adjoint='backsolve') of a state y0 of type {y0.type}", op.loc,
             "integrate a real state vector (float64, one dimension)")
    if t.type.ndim != 1:
        fail(f"adc.odeint of output times t of type {t.type}", op.loc, "pass the times as one increasing vector")
    for p in theta:
        if not isinstance(p.type, T) or p.type.dtype == "complex128":
            fail(f"adc.odeint(adjoint='backsolve') with the parameter {p.name} of type {p.type}", op.loc,
                 "pass real numbers and arrays, or use adjoint='checkpoint'")


def _typed(dynamics, types):
    """A copy of the untyped `dynamics` with values of its own, its parameters of `types`."""
    params = [Value(p.name, t) for p, t in zip(dynamics.params, types)]
    body = clone(dynamics.body, {p.id: q for p, q in zip(dynamics.params, params)})
    return Function(dynamics.name, params, body, dynamics.loc)


def _vjp(f, wanted, sweep, op):
    """f's vjp: (y, s, *theta, a) -> (f(y, s), a^T df/dy, a^T df/dtheta_k for k in `wanted`)."""
    level = sweep.tape.level + (2 if any(o.opname == "pop" for o in walk(sweep.fn.body)) else 1)
    primal = run(f, PRIMAL)
    diff = functools.partial(reverse, wrt=[0] + [2 + k for k in wanted], debug=sweep.tape.debug, seeded=True,
                             level=level)
    fn = strip_sweeps(run(primal, [("reverse", diff)] + CLEANUP))
    if fn.outputs(CHECKPOINTS):
        fail(f"adc.checkpointed inside {f.name}, the dynamics of adc.odeint(adjoint='backsolve')", op.loc,
             "write the loop in f without adc.checkpointed: its vjp runs once per stage of the backward solve")
    if level >= LEVELS and any(o.opname == "push" for o in walk(fn.body)):
        fail(f"adc.odeint(adjoint='backsolve') of {f.name}, whose loops need a tape, in a derivative of a "
             "derivative (no stack level is left for it)", op.loc, "use adjoint='checkpoint' here")
    return fn


def _augmented(vjp, loc):
    """The adjoint system in reversed time, aug(z, tau, n, *theta) -> dz/dtau, `vjp` inlined."""
    z, tau, n = Value("z", STATE), Value("tau", F64), Value("n", I64)
    theta = [Value(p.name, p.type) for p in vjp.params[2:-1]]
    b = Builder()
    b.loc = loc
    y = b.emit("getslice", [z, n], attrs={"pattern": (("s", False, True, False),)}, name="y")
    a = b.emit("getslice", [z, n, b.emit("binop", [n, n], attrs={"op": "add"}, name="n2")], attrs={"pattern": _SPAN},
               name="a")
    s = b.emit("unop", [tau], attrs={"op": "neg"}, name="s")
    body = clone(vjp.body, {p.id: v for p, v in zip(vjp.params, [y, s] + theta + [a])})
    b.region.ops.extend(body.ops)
    out = {role: [v for v, r in zip(body.yields, vjp.output_roles()) if r == role] for role in (VALUE, GRADIENT)}
    (dy,), (gy, *gtheta) = out[VALUE], out[GRADIENT]
    parts = [b.emit("unop", [dy], attrs={"op": "neg"}, name="dy"), gy]
    parts += [b.emit("call", [c], attrs={"fn": "rt.ravel"}, name=c.name) for c in gtheta]
    dz = b.emit("call", [b.const(0)] + parts, attrs={"fn": "rt.concatenate"}, name="dz")
    return infer(Function("adjoint_system", [z, tau, n] + theta, Region([], b.region.ops, [dz]), loc))
