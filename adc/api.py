"""The public API: grad, value_and_grad, source.

A `Derivative` wraps a user function and the derivative asked of it. At
each call it looks up the specialization for the argument types (as Numba
does), building it on first use: parse, fence, lower, type, differentiate,
generate source, compile. The generated source of the last specialization
is `df.source`.
"""
import functools
import inspect

import numpy as np

from . import cache, codegen, externs, passes
from .backends import BACKENDS
from .errors import AdcError, AdcTypeError
from .frontend import parse_function
from .passes.infer import type_of


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


def hessian(f=None, wrt=0, *, backend="auto", debug=False):
    """The Hessian of scalar-valued `f` in one argument, by forward over reverse."""
    if f is None:
        return lambda g: hessian(g, wrt, backend=backend, debug=debug)
    if isinstance(wrt, tuple):
        raise AdcError("adc.hessian takes one wrt argument; use adc.hvp for products with several")
    return Derivative(f, "hessian", wrt, backend, debug)


def source(df, *args):
    """The source adc generated for derivative `df` (compiled for `args` when given)."""
    if not isinstance(df, Derivative):
        raise AdcError(f"adc.source takes a function made by adc.grad and friends; got {df!r}")
    if args:
        if df.kind in ("jvp", "hvp") and len(args) == len(df._names):
            args = args + (df._tangent_placeholders(args),)
        df.specialize(df.primal_args(args)[0])
    return df.source


class Derivative:
    def __init__(self, f, kind, wrt, backend, debug):
        if isinstance(f, Derivative) and (f.kind != "grad" or isinstance(f._wrt_spec, tuple)):
            raise AdcError(f"adc differentiates a derivative made by adc.grad with one wrt argument; got {f!r}. "
                           "hint: for second derivatives use adc.hvp or adc.hessian")
        if backend not in BACKENDS and backend != "auto":
            raise AdcError(f"unknown backend {backend!r}; choose auto, {', '.join(BACKENDS)}")
        self.f, self.kind, self.backend, self.debug = f, kind, backend, debug
        self.user_fn = f.user_fn if isinstance(f, Derivative) else f  # the function whose source adc reads
        self.chain = (f.chain if isinstance(f, Derivative) else ()) + ((kind, wrt),)
        self._parsed = None
        params = inspect.signature(f).parameters
        self._names = list(params)
        self._variadic = any(p.kind not in (p.POSITIONAL_OR_KEYWORD,) for p in params.values())
        self.wrt = _normalize_wrt(wrt, self._names, f)
        self._wrt_spec = wrt
        self._specs = {}
        self._ctypes = {}  # argument types -> types of the captured values last seen
        self._last = None
        functools.update_wrapper(self, f, updated=())

    def __repr__(self):
        return f"<adc.{self.kind} of {self.user_fn.__qualname__} wrt {self.wrt}, backend={self.backend}>"

    @property
    def parsed(self):
        if self._parsed is None:
            self._parsed = parse_function(self.user_fn)
        return self._parsed

    @property
    def source(self):
        if self._last is None:
            raise AdcError(f"{self!r} has not been built yet: call it once, or use adc.source(df, *example_args)")
        return self._last.source

    def __call__(self, *args):
        args, tangents = self.primal_args(args)
        spec, captured = self.specialize(args)
        out = spec.call(*args, *tangents, *captured)
        if self.kind == "vjp":
            return self._pullback(spec, out)
        if self.kind in ("jacrev", "jacfwd", "hessian"):
            return self._jacobian(out, args[self.wrt[0]])
        return self._shape_output(out)

    def _pullback(self, spec, out):
        value, residuals, tape = out[0], out[1:-4], out[-4:]
        bwd = spec.calls[1]
        single = not isinstance(self._wrt_spec, tuple)

        def pullback(cotangent):
            if np.shape(cotangent) != np.shape(value):
                raise AdcTypeError(f"the cotangent has shape {np.shape(cotangent)}, but the output of "
                                   f"{self.user_fn.__qualname__} has shape {np.shape(value)}")
            ct = np.array(cotangent, dtype=np.float64) if np.ndim(value) else float(cotangent)
            grads = bwd(*residuals, ct, *tape)
            if len(self.wrt) == 1:
                return grads if single else (grads,)
            return tuple(grads)
        return value, pullback

    def _jacobian(self, out, x):
        if self.kind == "jacrev":
            value, rows = out
            return rows.reshape(np.shape(value) + np.shape(x))
        rows = np.asarray(out)
        return np.moveaxis(rows, 0, -1).reshape(rows.shape[1:] + np.shape(x))

    def _tangent_placeholders(self, args):
        """Zero tangents shaped like the wrt arguments (to build a jvp or hvp without values)."""
        zeros = tuple(np.zeros_like(args[k], dtype=float) if isinstance(args[k], np.ndarray) else 0.0 for k in self.wrt)
        return zeros if isinstance(self._wrt_spec, tuple) else zeros[0]

    def primal_args(self, args):
        """(the function's arguments, the tangents that follow them for jvp and hvp)."""
        tangents = ()
        if self.kind in ("jvp", "hvp"):
            if not args:
                raise AdcTypeError(f"adc.{self.kind} of {self.user_fn.__qualname__} takes the arguments and then the "
                                   "tangent(s)")
            args, tangents = args[:-1], args[-1]
        args = args + self._defaults_after(len(args))
        if len(args) != len(self._names) or self._variadic:
            passes.front(self.parsed)  # the fence names what is wrong with the signature
        if len(args) != len(self._names):
            raise AdcTypeError(f"{self.user_fn.__qualname__} takes {len(self._names)} arguments "
                               f"({', '.join(self._names)}); got {len(args)}")
        if self.kind in ("jvp", "hvp"):
            tangents = self._check_tangents(args, tangents)
        return args, tangents

    def _check_tangents(self, args, tangents):
        many = isinstance(self._wrt_spec, tuple)
        tangents = tuple(tangents) if many else (tangents,)
        if len(tangents) != len(self.wrt):
            raise AdcTypeError(f"adc.{self.kind} needs {len(self.wrt)} tangents, one per wrt argument; got {len(tangents)}")
        out = []
        for k, t in zip(self.wrt, tangents):
            name, arg = self._names[k], args[k]
            if np.shape(t) != np.shape(arg):
                raise AdcTypeError(f"the tangent of argument {name!r} has shape {np.shape(t)}, "
                                   f"but {name!r} has shape {np.shape(arg)}")
            if np.iscomplexobj(t) and not np.iscomplexobj(arg):
                raise AdcTypeError(f"the tangent of argument {name!r} is complex, but {name!r} is real")
            kind = complex if np.iscomplexobj(arg) else float
            # a copy: writes into x also write into its tangent
            out.append(np.array(t, dtype=kind) if isinstance(arg, np.ndarray) else kind(t))
        return tuple(out)

    def _defaults_after(self, n):
        defaults = self.user_fn.__defaults__ or ()
        missing = len(self._names) - n
        return tuple(defaults[len(defaults) - missing:]) if 0 < missing <= len(defaults) else ()

    def _shape_output(self, out):
        if self.kind == "jvp":
            return out[0], out[1]
        n = len(self.wrt)
        grads = out[1:1 + n] if self.kind != "hvp" else out[2 + n:]
        grads = grads[0] if not isinstance(self.wrt_spec, tuple) else tuple(grads)
        return (out[0], grads) if self.kind == "value_and_grad" else grads

    @property
    def wrt_spec(self):
        return self._wrt_spec

    def specialize(self, args):
        """The compiled specialization for `args`, and the captured values to pass.

        Numbers and arrays the function reads from globals or closure cells are
        passed in at every call, so a changed global is seen; a change of their
        type builds a new specialization."""
        types = tuple(type_of(a, f"argument {n!r}") for a, n in zip(args, self._names))
        spec = self._specs.get((types, self._ctypes.get(types)))
        if spec is None:
            spec = self._build(types)
        values = [_capture(resolver, n) for resolver, n in spec.captures]
        now = tuple(type_of(v, f"captured {n!r}") for v, (_, n) in zip(values, spec.captures))
        if (types, now) not in self._specs:
            fresh = spec if self._ctypes.get(types) is None else self._build(types, force=True)
            self._specs[(types, now)] = spec = fresh
        self._ctypes[types] = now
        self._last = spec
        return spec, values

    def _build(self, types, force=False):
        ctypes = self._current_capture_types()
        request = cache.request_key([self.user_fn.__code__.co_filename], self.user_fn.__qualname__,
                                    cache.code_digest(self.user_fn), self.chain, self.backend, self.debug, types, ctypes)
        entry = None if force else cache.lookup(request)
        if entry is None:
            entry = self._compile(types)
            cache.store(request, entry)
        captures = [(self._resolver(q), n) for q, n in entry["captured"]]
        module = cache.import_module(entry["path"])
        calls = [BACKENDS[entry.get("backend", "numba")](getattr(module, name)) for name in entry["names"]]
        calls = [_with_sizes(call) if sized else call for call, sized in zip(calls, entry["sized"])]
        return _Spec(calls, _read(entry["path"]), captures)

    def _differentiated_ir(self, fn):
        """The IR this derivative differentiates: the primal's, or the gradient an inner adc.grad makes."""
        if not isinstance(self.f, Derivative):
            return fn
        inner = passes.run(self.f._differentiated_ir(fn), self.f._passes())
        inner.body.yields = [inner.body.yields[1]]  # adc.grad(f) returns the gradient alone
        passes.strip_comments(inner)
        return inner

    def _passes(self):
        like = lambda fn: fn.params[self.wrt[0]]  # noqa: E731  (the parameter the rows run over)
        table = {
            "jvp": lambda: passes.jvp_passes(self.wrt),
            "hvp": lambda: passes.hvp_passes(self.wrt, self.debug),
            "vjp": lambda: passes.vjp_passes(self.wrt, self.debug),
            "jacrev": lambda: passes.jacrev_passes(self.wrt, self.debug),
            "jacfwd": lambda: passes.jacfwd_passes(self.wrt, like),
            "hessian": lambda: passes.hessian_passes(self.wrt, like, self.debug),
        }
        return table.get(self.kind, lambda: passes.grad_passes(self.wrt, self.debug))()

    def _current_capture_types(self):
        """What the function reads from globals and closures now: the types of numbers and
        arrays, and which functions (their code) — a closure over another function is
        another derivative."""
        return _free_signature(self.user_fn, depth=3)

    def _compile(self, types):
        fn = passes.front(self.parsed)
        for p, t in zip(fn.params, types):
            p.type = t
        resolvers = {}
        for v, (parsed, name) in fn.captured:
            v.type = type_of(_capture(parsed, name), f"captured {name!r}")
            resolvers[(parsed.fn.__module__, parsed.fn.__qualname__)] = parsed
        fn = passes.run(fn, passes.PRIMAL)
        captured = fn.captured
        backend = self.backend if self.backend != "auto" else _backend_for(fn)
        fn = self._differentiated_ir(fn)
        fns = passes.run(fn, self._passes())
        fns = fns if isinstance(fns, tuple) else (fns,)
        source = codegen.generate(fns)
        path = cache.write_module(fns[0].name, source)
        files = sorted({parsed.file for parsed in resolvers.values()} | {self.parsed.file})
        self._resolvers = resolvers
        return {"path": path, "names": [f.name for f in fns], "sized": [codegen.takes_sizes(f) for f in fns],
                "backend": backend, "deps": [[f, cache.file_digest(f)] for f in files],
                "captured": [[[parsed.fn.__module__, parsed.fn.__qualname__], name] for _, (parsed, name) in captured]}

    def _resolver(self, qual):
        qual = tuple(qual)
        known = getattr(self, "_resolvers", {})
        if qual in known:
            return known[qual]
        if qual == (self.user_fn.__module__, self.user_fn.__qualname__):
            return _FnResolver(self.user_fn)
        import sys
        obj = sys.modules.get(qual[0])
        for part in qual[1].split("."):
            obj = getattr(obj, part, None)
        if obj is None:
            return self.parsed
        return _FnResolver(getattr(obj, "py_func", obj))


class _FnResolver:
    """Finds a captured name the way the function itself would, without parsing it."""

    def __init__(self, fn):
        self.fn = fn

    def resolve(self, name):
        code = self.fn.__code__
        if name in code.co_freevars and self.fn.__closure__:
            return self.fn.__closure__[code.co_freevars.index(name)].cell_contents
        return self.fn.__globals__[name]


def _backend_for(fn):
    """backend="auto": Numba for code with loops; for loop-free array code, NumPy under CPython,
    whose vectorised kernels (tanh, exp, ...) are several times faster than Numba's scalar loops."""
    from .ir import walk
    return "numba" if any(op.opname in ("for", "while") for op in walk(fn.body)) else "python"


def _free_signature(fn, depth, seen=None):
    seen = set() if seen is None else seen
    if depth == 0 or id(fn) in seen or not hasattr(fn, "__code__"):
        return ()
    seen.add(id(fn))
    code = fn.__code__
    out = []
    for n in sorted(set(code.co_names) | set(code.co_freevars)):
        try:
            v = _FnResolver(fn).resolve(n)
        except (KeyError, ValueError):
            continue
        if isinstance(v, (bool, int, float, complex, np.ndarray, np.number)):
            out.append((n, str(type_of(v)) if not isinstance(v, np.ndarray) or v.ndim else "0d"))
        elif externs.is_c_function(v):
            out.append((n, externs.name_of(v), externs.c_signature(v)))
        elif inspect.isfunction(getattr(v, "py_func", v)):
            inner = getattr(v, "py_func", v)
            out.append((n, inner.__qualname__, cache.code_digest(inner), _free_signature(inner, depth - 1, seen)))
        elif hasattr(v, "fwd") and hasattr(v, "bwd"):  # a primitive: its rules are code too
            out.append((n, tuple(cache.code_digest(r) for r in (v.f, v.fwd, v.bwd, v.jvp) if hasattr(r, "__code__"))))
    return tuple(out)


def _capture(parsed, name):
    value = parsed.resolve(name)
    return np.asarray(value) if isinstance(value, np.ndarray) else value


def _with_sizes(call):
    """`call` given its `_sizes` array: how large its stacks grew, kept from one call to the next."""
    sizes = np.zeros(8, np.int64)  # float and int stack of levels 0..3

    def sized(*args):
        return call(*args, sizes)
    return sized


class _Spec:
    def __init__(self, calls, source, captures):
        self.calls, self.source, self.captures = calls, source, captures
        self.call = calls[0]


def _read(path):
    with open(path) as f:
        return f.read()


def _normalize_wrt(wrt, names, f):
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in names:
                raise AdcError(f"wrt={w!r}: {f.__qualname__} has no parameter {w!r} (it has {', '.join(names)})")
            w = names.index(w)
        if not isinstance(w, int) or not -len(names) <= w < len(names):
            raise AdcError(f"wrt={w!r} is out of range for {f.__qualname__}({', '.join(names)})")
        out.append(w % len(names))
    return tuple(out)
