"""The public API: grad, value_and_grad, vjp, jvp, hvp, jacobian, hessian, source, stats.

Each maker takes a function and the parameters to differentiate (`wrt`:
positions or names, a tuple for several) and returns a `Derivative`
(adc.derivative), built at its first call for the argument types; a maker
called without the function is a decorator. What each kind of derivative
takes and returns is its mode's (adc.modes). `source(df, *args)` is the
source adc generated for `df`, built for example arguments when given.
"""
from adc_runtime.checkpoint import report

from .backends import cuda
from .derivative import Derivative
from .errors import AdcError


def _derivative(kind, doc):
    """The public maker of one kind of derivative: a call form, a bare decorator, a decorator with options."""
    def make(f=None, wrt=0, *, backend="auto", debug=False):
        if f is None:
            return lambda g: make(g, wrt, backend=backend, debug=debug)
        return Derivative(f, kind, wrt, backend, debug)
    make.__name__ = make.__qualname__ = kind
    make.__doc__ = doc
    return make


grad = _derivative("grad", """The gradient of scalar-valued `f` with respect to the parameters `wrt`.

    Use as `adc.grad(f)`, `@adc.grad` or `@adc.grad(wrt=(0, "theta"))`.
    `wrt` takes positions or names; a tuple gives a tuple of gradients.""")
value_and_grad = _derivative("value_and_grad", "Like `grad`, returning (f(*args), gradient).")
jvp = _derivative("jvp", """Forward mode: `adc.jvp(f, wrt)(*args, tangents)` -> (f(*args), directional derivative).

    `tangents` has the shape of the `wrt` argument (a tuple of them when `wrt` is a tuple).""")
hvp = _derivative("hvp", "Hessian-vector product, forward over reverse: `adc.hvp(f, wrt)(*args, v)` -> H v.")
vjp = _derivative("vjp", """Split reverse mode: `value, pullback = adc.vjp(f, wrt)(*args)`; `pullback(cotangent)`
    gives the gradients and may be called any number of times on the same tape.""")
hessian = _derivative("hessian", "The Hessian of scalar-valued `f` in one argument, by forward over reverse.")


def jacobian(f=None, wrt=0, mode="rev", *, backend="auto", debug=False):
    """The Jacobian, shaped output shape + argument shape; `mode` "rev" runs one backward sweep
    per output component, "fwd" one tangent pass per input component, both in compiled code."""
    if f is None:
        return lambda g: jacobian(g, wrt, mode, backend=backend, debug=debug)
    if mode not in ("rev", "fwd"):
        raise AdcError(f"mode={mode!r}: choose 'rev' or 'fwd'")
    kind = "jac" + mode
    if isinstance(wrt, tuple):
        parts = [Derivative(f, kind, w, backend, debug) for w in wrt]
        return lambda *args: tuple(p(*args) for p in parts)
    return Derivative(f, kind, wrt, backend, debug)


def source(df, *args):
    """The source adc generated for derivative `df` (compiled for `args` when given)."""
    if not isinstance(df, Derivative):
        raise AdcError(f"adc.source takes a function made by adc.grad and friends; got {df!r}")
    if args and df.backend == "cuda":
        cuda.specialize_for(df, args)
    elif args:
        df.specialize(df.primal_args(df.mode.example(df, args))[0])
    return df.source


def stats(df):
    """What the last call of derivative `df` did in its checkpointed loops: a dict with
    `snapshots` (slots of the schedule, the first state included), `snapshots_held` (most held
    at once), `forward_steps` (untaped trips, those of the forward sweep included),
    `taped_steps`, `trips` and `peak_stack_bytes` (the tape's depth after a taped trip, at its
    deepest), summed over its checkpointed loops (the peak: the largest), and `loops`, one such
    dict per loop. For a vjp, the last pullback's work counts with its forward sweep's."""
    if not isinstance(df, Derivative):
        raise AdcError(f"adc.stats takes a function made by adc.grad and friends; got {df!r}")
    loops = [report(ck) for ck in df.last_checkpoints]
    if not loops:
        raise AdcError(f"adc.stats: the last call of {df.__name__} ran no checkpointed loop "
                       "(mark one with `for t in adc.checkpointed(range(T)):`, then call the derivative)")
    total = {k: sum(loop[k] for loop in loops) for k in loops[0]}
    total["peak_stack_bytes"] = max(loop["peak_stack_bytes"] for loop in loops)
    total["loops"] = loops
    return total
