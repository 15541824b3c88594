"""Derivative kinds: what differs between grad, value_and_grad, vjp, jvp, hvp, jacrev, jacfwd, hessian.

A `Mode` is one kind's behaviour and holds no state; `MODES` maps each kind's
name to its mode. A `Derivative` (adc.derivative) holds one mode and passes
itself as `d` to each method, which reads only d.wrt (the positions
differentiated), d.many (whether wrt was a tuple), d.debug, d.user_fn,
d.names (the user function's parameters), d.signature (the parameters
callers see), d.bind and d.binds. Contract of the methods:

- `check_wrt(wrt)`: raises the AdcError of a `wrt` this kind never takes,
  before any other check;
- `passes(d, wrt)`: the passes that differentiate the typed primal IR with
  respect to its parameters at positions `wrt` (the leaves of d's wrt
  arguments: a container's leaves are parameters of their own, adc.trees);
- `prepare(parsed)`: the parsed user function as this kind lowers it
  (the identity but for adc.kernel_vjp, whose kernel returns nothing);
- `split(d, args, kwargs)`: (the user function's arguments in order, the
  tangents that follow them, checked against those arguments);
- `example(d, args)`: example primal arguments completed into a call's
  arguments (zero tangents), so that `adc.source(df, *args)` can build;
- `shape(d, spec, out, args)`: the caller's result from the output `out` of
  the compiled call `spec.call` at the bound arguments `args`, its values
  picked by role (`spec.outputs(out, GRADIENT)`), never by position.

`takes_containers` says whether arguments may be lists, tuples and dicts
(adc.trees): gradients and tangents of one are containers of its structure.
`nests` says whether a derivative of this kind, with one wrt argument, may
itself be differentiated: its IR yields (value, gradient).
"""
import abc

import numpy as np

from . import passes, trees
from .errors import AdcError, AdcTypeError
from .ir import GRADIENT, HVP, RESIDUAL, ROWS, STACK_STATE, TANGENT, VALUE


class Mode(abc.ABC):
    """One derivative kind; the defaults are those of kinds that take no tangents."""
    name = None
    nests = False
    takes_containers = True

    def check_wrt(self, wrt):
        """Every wrt is checked against the function's parameters when the derivative is made."""

    @abc.abstractmethod
    def passes(self, d, wrt):
        """The pipeline after the primal passes."""

    def split(self, d, args, kwargs):
        return d.bind(args, kwargs), ()

    def prepare(self, parsed):
        """The parsed user function as this kind lowers it (adc.kernels rewrites a kernel's returns)."""
        return parsed

    def example(self, d, args):
        return args

    @abc.abstractmethod
    def shape(self, d, spec, out, args):
        """What the caller gets."""


class Grad(Mode):
    """Reverse mode, joint sweeps: the compiled call yields (value, gradient...)."""
    name, nests = "grad", True

    def passes(self, d, wrt):
        return passes.grad_passes(wrt, d.debug)

    def shape(self, d, spec, out, args):
        return _gradients(d, spec.outputs(out, GRADIENT), args)


class ValueAndGrad(Grad):
    name, nests = "value_and_grad", False

    def shape(self, d, spec, out, args):
        return spec.output(out, VALUE), super().shape(d, spec, out, args)


class Vjp(Mode):
    """Split reverse mode: (value, pullback); the pullback runs the backward function on the tape."""
    name = "vjp"

    def passes(self, d, wrt):
        return passes.vjp_passes(wrt, d.debug)

    def shape(self, d, spec, out, args):
        value, residuals, tape = (spec.output(out, VALUE), spec.outputs(out, RESIDUAL),
                                  spec.outputs(out, STACK_STATE))

        def pullback(cotangent):
            ct = _conformed(cotangent, value, "the cotangent", f"the output of {d.user_fn.__qualname__}")
            return _gradients(d, spec.outputs(spec.calls[1](*residuals, ct, *tape), GRADIENT, call=1), args)
        return value, pullback


class Jvp(Mode):
    """Forward mode: the call takes the tangents after the arguments and gives (value, tangent)."""
    name = "jvp"

    def passes(self, d, wrt):
        return passes.jvp_passes(wrt)

    def split(self, d, args, kwargs):
        if not args or (not d.binds(args[:-1], kwargs) and d.binds(args, kwargs)):
            wanted = ", ".join(d.names[k] for k in d.wrt)
            raise AdcTypeError(
                f"adc.{self.name} of {d.user_fn.__qualname__} takes the arguments "
                f"({', '.join(d.signature.parameters)}) and then the tangent{'s' if d.many else ''} "
                f"(shaped like {wanted}{', as a tuple' if d.many else ''}); got {len(args)} positional "
                f"value{'s' if len(args) != 1 else ''} and no tangent. hint: adc.{self.name}(f)(*args, "
                f"{'(' + ', '.join('d' + d.names[k] for k in d.wrt) + ')' if d.many else 'v'})")
        primal = d.bind(args[:-1], kwargs)
        return primal, self._tangents(d, primal, args[-1])

    def _tangents(self, d, args, tangents):
        tangents = tuple(tangents) if d.many else (tangents,)
        if len(tangents) != len(d.wrt):
            raise AdcTypeError(f"adc.{self.name} needs {len(d.wrt)} tangents, one per wrt argument; got {len(tangents)}")
        out = []
        for k, t in zip(d.wrt, tangents):
            leaves, tree = trees.flatten(args[k])
            given, shape = trees.flatten(t) if trees.is_container(t) else ([t], trees.LEAF)
            if shape != tree:
                raise AdcTypeError(f"the tangent of argument {d.names[k]!r} is structured as {trees.describe(shape)}, "
                                   f"but the argument as {trees.describe(tree)}")
            out += [_conformed(t, x, f"the tangent of argument {d.names[k]!r}", repr(d.names[k]))
                    for t, x in zip(given, leaves)]
        return tuple(out)

    def example(self, d, args):
        """The arguments and zero tangents shaped like the wrt arguments (to build without values)."""
        if not d.binds(args, {}):
            return args
        primal = d.bind(args, {})
        zeros = tuple(_zeros_like(primal[k]) for k in d.wrt)
        return args + (zeros if d.many else zeros[0],)

    def shape(self, d, spec, out, args):
        return spec.output(out, VALUE), spec.output(out, TANGENT)


class Hvp(Jvp):
    """Forward over reverse: the call yields (value, gradient..., tangent of value, H v...)."""
    name = "hvp"

    def passes(self, d, wrt):
        return passes.hvp_passes(wrt, d.debug)

    def shape(self, d, spec, out, args):
        return _gradients(d, spec.outputs(out, HVP), args)


class JacRev(Mode):
    """The Jacobian by one backward sweep per output component: the call yields (value, rows)."""
    name, takes_containers = "jacrev", False

    def passes(self, d, wrt):
        return passes.jacrev_passes(wrt, d.debug)

    def shape(self, d, spec, out, args):
        value, rows = spec.output(out, VALUE), spec.output(out, ROWS)
        return rows.reshape(np.shape(value) + np.shape(args[d.wrt[0]]))


class JacFwd(Mode):
    """The Jacobian by one tangent pass per input component: the call yields the rows d out / d x_k."""
    name, takes_containers = "jacfwd", False

    def passes(self, d, wrt):
        return passes.jacfwd_passes(wrt, _rows_over(wrt))

    def shape(self, d, spec, out, args):
        rows = np.asarray(spec.output(out, ROWS))
        return np.moveaxis(rows, 0, -1).reshape(rows.shape[1:] + np.shape(args[d.wrt[0]]))


class Hessian(JacFwd):
    """The Hessian by one Hessian-vector product per input component, shaped as jacfwd's rows."""
    name = "hessian"

    def check_wrt(self, wrt):
        if isinstance(wrt, tuple):
            raise AdcError("adc.hessian takes one wrt argument; use adc.hvp for products with several")

    def passes(self, d, wrt):
        return passes.hessian_passes(wrt, _rows_over(wrt), d.debug)


MODES = {mode.name: mode for mode in (Grad(), ValueAndGrad(), Vjp(), Jvp(), Hvp(), JacRev(), JacFwd(), Hessian())}


def _rows_over(wrt):
    """The parameter whose basis vectors the rows of a forward Jacobian run over."""
    return lambda fn: fn.params[wrt[0]]


def _conformed(value, like, what, whose):
    """A cotangent or tangent `value` checked against `like` (its shape, real or complex) and
    made of like's kind: a new float or complex array (writes into x must not reach its tangent),
    or a number."""
    if np.shape(value) != np.shape(like):
        raise AdcTypeError(f"{what} has shape {np.shape(value)}, but {whose} has shape {np.shape(like)}")
    if np.iscomplexobj(value) and not np.iscomplexobj(like):
        raise AdcTypeError(f"{what} is complex, but {whose} is real")
    kind = complex if np.iscomplexobj(like) else float
    return np.array(value, dtype=kind) if np.ndim(like) else kind(value)


def _zeros_like(arg):
    """A zero tangent of `arg`: a container of its structure for a list, tuple or dict."""
    leaves, tree = trees.flatten(arg)
    return trees.unflatten(tree, [np.zeros_like(x, dtype=float) if isinstance(x, np.ndarray) else 0.0
                                  for x in leaves])


def _gradients(d, grads, args):
    """Gradients as the caller gets them: one per wrt argument with its dtype, a container of its
    structure for a list, tuple or dict (whose leaves `grads` lists in order); a tuple when wrt was one."""
    grads, out = iter(grads), []
    for k in d.wrt:
        leaves, tree = trees.flatten(args[k])
        out.append(trees.unflatten(tree, [_like(next(grads), x) for x in leaves]))
    return tuple(out) if d.many else out[0]


def _like(g, arg):
    """A gradient has its argument's dtype: complex for a complex argument."""
    if np.iscomplexobj(arg) and not np.iscomplexobj(g):
        return np.asarray(g, dtype=np.complex128) if isinstance(g, np.ndarray) else complex(g)
    return g
