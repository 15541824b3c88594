"""`adc.njit_handle`: a derivative that a user's own `@numba.njit` code calls.

    dloss = adc.grad(loss, wrt=0, backend="numba")
    g = adc.njit_handle(dloss, x, theta)     # compiled for the types of these example arguments

    @numba.njit
    def descend(x, theta, steps, lr):
        for _ in range(steps):
            x = x - lr * g(x, theta)         # no return to Python between steps
        return x

Contract: `njit_handle(df, *example_args)` builds `df` (grad, value_and_grad, jvp or hvp on the
numba backend) for the example arguments' types and returns a Numba function of the same
arguments (and tangents, for jvp and hvp) that returns what `df` returns: the gradient (a tuple
for a tuple of wrt), (value, gradient), (value, tangent), H v. Numbers and arrays the function
reads from globals and closures are those of when the handle is made (Numba freezes them);
arguments are numbers and arrays, not containers. Anything else is an AdcError saying why.
"""
import numba
import numpy as np

from .errors import AdcError
from .ir import GRADIENT, HVP, TANGENT, VALUE
from .passes.reverse.stack import sizes_array

_PICKS = {"grad": (GRADIENT,), "value_and_grad": (VALUE, GRADIENT), "jvp": (VALUE, TANGENT), "hvp": (HVP,)}


def njit_handle(df, *example_args):
    from .derivative import Derivative
    if not isinstance(df, Derivative) or df.kind not in _PICKS or df.backend != "numba":
        raise AdcError(f"adc.njit_handle takes a grad, value_and_grad, jvp or hvp made with backend='numba'; "
                       f"got {df!r}")
    args, tangents = df.primal_args(df.mode.example(df, example_args))
    spec, captured = df.specialize(args)
    if len(df.leaves(args)) != len(args):
        raise AdcError("adc.njit_handle: the arguments are numbers and arrays, not lists, tuples or dicts")
    call = spec.calls[0]
    jitted = getattr(call, "jitted", None)
    if jitted is None:
        raise AdcError(f"adc.njit_handle: {df!r} runs on the python backend (Numba could not compile it, or it "
                       "draws random numbers), which compiled code cannot call")
    roles = spec.roles[0]
    parts = []
    for role in _PICKS[df.kind]:
        where = [k for k, r in enumerate(roles) if r == role]
        picked = [f"out[{k}]" if len(roles) > 1 else "out" for k in where]
        parts.append(picked[0] if len(picked) == 1 and not (role in (GRADIENT, HVP) and df.many)
                     else f"({', '.join(picked)},)")
    params = [f"a{k}" for k in range(len(args) + len(tangents))]
    names = {"f": jitted, "np": np}
    names.update({f"c{k}": c for k, c in enumerate(captured)})
    passed = params + [f"c{k}" for k in range(len(captured))] + ([f"np.zeros({len(sizes_array())}, np.int64)"]
                                                                   if getattr(call, "takes_sizes", False) else [])
    result = parts[0] if len(parts) == 1 else f"({', '.join(parts)})"
    text = f"def handle({', '.join(params)}):\n    out = f({', '.join(passed)})\n    return {result}\n"
    exec(compile(text, f"<adc.njit_handle of {df.user_fn.__qualname__}>", "exec"), names)  # noqa: S102
    handle = numba.njit(error_model="numpy")(names["handle"])
    handle.source = text
    return handle
