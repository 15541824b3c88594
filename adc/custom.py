"""User-defined derivative rules: `adc.primitive`, `defvjp`, `defjvp` and `adc.nondiff`.

    @adc.primitive
    def softplus(x):
        return np.log1p(np.exp(x))

    def softplus_fwd(x):                 # -> (output, residuals)
        y = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
        return y, (x,)

    def softplus_bwd(res, g):            # -> one cotangent per argument
        (x,) = res
        return (g / (1.0 + np.exp(-x)),)

    softplus.defvjp(softplus_fwd, softplus_bwd)
    softplus.defjvp(lambda x, dx: dx / (1.0 + np.exp(-x)))   # forward mode and Hessian-vector products

adc does not differentiate a primitive's body: it inlines `fwd` in the forward
sweep, records the residuals like any other value, and inlines `bwd` in the
backward sweep. The three are ordinary Python that adc reads, so they run in
loops, split mode and mixed mode, on every backend. They may call code adc
cannot read — a C function, another library's ufunc (adc/externs.py); a
primitive may also be such a ufunc itself, `adc.primitive(scipy.special.j0)`.
`defvjp(None, bwd)` makes the arguments the residuals
(examples/custom_rule.py, examples/external_code.py).
"""
import functools


class Primitive:
    """A function whose derivatives the user gives (see the module docstring)."""

    def __init__(self, f):
        self.f, self.fwd, self.bwd, self.jvp = f, None, None, None
        functools.update_wrapper(self, f, updated=())

    def __call__(self, *args):
        return self.f(*args)

    def defvjp(self, fwd, bwd):
        """`fwd(*args) -> (output, residuals)`, `bwd(residuals, cotangent) -> (cotangent per argument)`;
        with fwd None, the primitive itself runs and its arguments are the residuals."""
        self.fwd, self.bwd = fwd, bwd
        return self

    def defjvp(self, jvp):
        """`jvp(*args, *tangents) -> tangent of the output` (tangents of inputs that do not vary are 0)."""
        self.jvp = jvp
        return self


class NonDiff:
    """A function whose result adc treats as a constant: no derivative flows through it."""

    def __init__(self, f):
        self.f = f
        functools.update_wrapper(self, f, updated=())

    def __call__(self, *args):
        return self.f(*args)


def primitive(f):
    """Mark `f` as a primitive whose derivatives are given with defvjp/defjvp."""
    return Primitive(f)


def nondiff(f):
    """Mark `f` as non-differentiable: adc runs it but propagates no derivative through it."""
    return NonDiff(f)
