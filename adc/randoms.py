"""Random draws: NumPy's generators inside a differentiated function.

A draw is a constant of the derivative: no derivative flows into it, and
derivatives flow through what is computed from it. Generated code makes the
draw with NumPy's own generator, once per call, in the forward sweep; the
backward sweep reads that value (a local variable, or the tape inside a
loop), so a call of a derivative advances a generator exactly as one call of
the function does, and draws the same numbers.

Three sources, one op kind (`draw`, in adc/ops.py):

- a `np.random.RandomState` or `np.random.Generator` passed in as an
  argument or read from a global or closure cell (a value of type `RngT`,
  passed in at every call like a captured array);
- one the function makes: `np.random.RandomState(seed)`,
  `np.random.default_rng(seed)` (op `rng`);
- NumPy's global state: `np.random.randn(...)`, `np.random.seed(k)`.

`METHODS` gives each method's parameters as NumPy binds them; `bind` takes a
call's positional and keyword arguments to them. The result of a draw is
float64, of the rank its size gives (its parameters' broadcast rank when no
size is given). Numba cannot hold NumPy's generators, so a function that
draws runs on the python backend (adc/derivative.py says so once when
backend="numba" was asked for).
"""
from dataclasses import dataclass

import numpy as np

from .errors import fail
from .ir import F64, T, TupleT, walk

# method -> (the kinds that have it, its parameters as (name, default) in NumPy's order)
METHODS = {
    "randn": (("RandomState",), None),  # randn(d0, d1, ...): the dimensions as positional arguments
    "rand": (("RandomState",), None),
    "standard_normal": (("RandomState", "Generator"), (("size", None),)),
    "random_sample": (("RandomState",), (("size", None),)),
    "random": (("RandomState", "Generator"), (("size", None),)),
    "normal": (("RandomState", "Generator"), (("loc", 0.0), ("scale", 1.0), ("size", None))),
    "uniform": (("RandomState", "Generator"), (("low", 0.0), ("high", 1.0), ("size", None))),
    "seed": (("RandomState",), (("seed", None),)),
}
GLOBAL = "global"  # the `source` of a draw from NumPy's global state (np.random.randn)


@dataclass(frozen=True)
class RngT:
    """The type of a generator value: `np.random.RandomState` or `np.random.Generator`."""

    kind: str

    def __str__(self):
        return f"np.random.{self.kind}"

    is_array = False
    is_float = False
    ndim = 0
    dtype = "generator"


def kind_of(obj):
    """'RandomState' or 'Generator' for a NumPy generator object, else None."""
    if isinstance(obj, np.random.RandomState):
        return "RandomState"
    if isinstance(obj, np.random.Generator):
        return "Generator"
    return None


def global_method(obj):
    """The method name of `obj` when it is a draw from NumPy's global state (np.random.randn), else None."""
    if obj is np.random.seed:  # a function of the module that seeds its state
        return "seed"
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", None)
    if owner is np.random.mtrand._rand and name in METHODS and "RandomState" in METHODS[name][0]:
        return name
    return None


def constructor(obj):
    """'RandomState' or 'Generator' for np.random.RandomState and np.random.default_rng, else None."""
    return {id(np.random.RandomState): "RandomState", id(np.random.default_rng): "Generator"}.get(id(obj))


def bind(method, args, keywords, loc):
    """The arguments of a call of `method` in NumPy's order: (params, size) where params are the
    float parameters (defaults filled in as floats) and size is None or the size argument;
    `keywords` maps names to arguments. An argument NumPy does not take is refused."""
    spec = METHODS[method][1]
    if spec is None:
        if keywords:
            fail(f"keyword arguments to .{method}()", loc, f"pass the dimensions by position: .{method}(n, d)")
        return [], list(args)
    names = [n for n, _ in spec]
    if len(args) > len(names):
        fail(f".{method}() with {len(args)} arguments", loc, f"it takes {', '.join(names)}")
    bound = dict(zip(names, args))
    for k, v in keywords.items():
        if k not in names or k in bound:
            fail(f"the argument {k}= of .{method}()", loc, f"adc passes {', '.join(names)} to it")
        bound[k] = v
    params = [bound.get(n, d) for n, d in spec if n not in ("size", "seed")]
    return params, bound.get("size", bound.get("seed"))


def draw_type(op, types):
    """The type of a draw: float64 of the rank its size (or its parameters' broadcast) gives."""
    method, source = op.attrs["method"], op.attrs["source"]
    if source != GLOBAL:
        rng, types = types[0], types[1:]
        if not isinstance(rng, RngT):
            fail(f"the method .{method}() of a {rng}", op.loc, "call the NumPy function instead: np.f(x)")
        if rng.kind not in METHODS[method][0]:
            fail(f"the method .{method}() of a np.random.{rng.kind}", op.loc,
                 f"it is a method of {' and '.join('np.random.' + k for k in METHODS[method][0])}")
    if method == "seed":
        return None
    nparams = op.attrs["nparams"]
    params, size = types[:nparams], types[nparams:]
    for t in params:
        if isinstance(t, TupleT) or t.dtype not in ("float64", "int64", "bool"):
            fail(f"a parameter of .{method}() of type {t}", op.loc, "pass real numbers or float arrays")
    return _sized(op, params, size)


def _sized(op, params, size):
    kind = op.attrs["size"]
    if kind is None:
        ndim = max([t.ndim for t in params], default=0)
    elif kind == "value":
        (t,) = size
        ndim = len(t.elems) if isinstance(t, TupleT) else 1
        size = t.elems if isinstance(t, TupleT) else [t]
    else:
        ndim = len(size)
    if any(isinstance(t, TupleT) or t.ndim or t.dtype != "int64" for t in size):
        fail(f"the size of .{op.attrs['method']}()", op.loc, "give the size as integers: (n, d), or x.shape")
    if kind is not None and kind != "dims" and ndim == 0:
        fail(f".{op.attrs['method']}(size=()), a 0-d array", op.loc, "leave out the size for one number")
    return T("float64", ndim) if ndim else F64


def spell_draw(op, ref):
    """rs.normal(0.0, 1.0, (n, d)), np.random.randn(n, d), rs.seed(0)."""
    args = op.args if op.attrs["source"] == GLOBAL else op.args[1:]
    callee = "np.random" if op.attrs["source"] == GLOBAL else ref(op.args[0], 20)
    nparams, kind = op.attrs.get("nparams", 0), op.attrs.get("size")
    texts = [ref(a) for a in args[:nparams]]
    size = [ref(a) for a in args[nparams:]]
    if kind == "dims" or kind == "value":
        texts += size
    elif kind == "count":
        texts += [f"({size[0]},)" if len(size) == 1 else f"({', '.join(size)})"]
    return f"{callee}.{op.attrs['method']}({', '.join(texts)})", 20


def spell_rng(op, ref):
    """np.random.RandomState(seed), np.random.default_rng(seed)."""
    make = "RandomState" if op.attrs["kind"] == "RandomState" else "default_rng"
    return f"np.random.{make}({', '.join(ref(a) for a in op.args)})", 20


def rng_type(op, types):
    for t in types:
        if isinstance(t, TupleT) or t.ndim or t.dtype not in ("int64", "bool"):
            fail(f"a seed of type {t}", op.loc, "seed a generator with an integer")
    return RngT(op.attrs["kind"])


def draws(fn):
    """The draw ops of a function (any region)."""
    return [op for op in walk(fn.body) if op.opname in ("draw", "rng")]


def outside_draws(fn):
    """The draws of `fn` from a generator it does not make (an argument, a global, NumPy's state)."""
    made = {op.result.id for op in walk(fn.body) if op.opname == "rng"}
    return [op for op in walk(fn.body) if op.opname == "draw"
            and (op.attrs["source"] == GLOBAL or op.args[0].id not in made)]


def refuse_varied_parameters(fn, varied):
    """Raise where a draw's parameters depend on a differentiated argument (ids `varied`): adc
    gives a draw no derivative, and would silently drop the one that flows through loc or scale."""
    for op in walk(fn.body):
        if op.opname == "draw" and any(a.id in varied and a.type.is_float for a in _params(op)):
            fail(f"a draw of .{op.attrs['method']}() whose parameters carry a derivative (adc's draws are "
                 "constants, and their derivative through the parameters would be lost)", op.loc,
                 "draw with fixed parameters and transform the draw: loc + scale * rs.standard_normal(size), "
                 "low + (high - low) * rs.uniform(size=size)")


def _params(op):
    start = 0 if op.attrs["source"] == GLOBAL else 1
    return op.args[start:start + op.attrs.get("nparams", 0)]


def refuse_rerun(fn, what):
    """Raise when `fn`, which `what` runs once per row, draws from a generator it does not make:
    each row would draw other numbers."""
    found = outside_draws(fn)
    if found:
        fail(f"{what} of a function that draws from a generator it is given (or NumPy's global state): "
             "it runs the function once per row, and each row would draw other numbers", found[0].loc,
             "make the generator inside the function from a seed (rs = np.random.RandomState(seed)), "
             "or use adc.jacobian(..., mode=\"rev\"), which runs the function once")
