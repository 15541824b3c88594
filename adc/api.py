"""The public API: grad, value_and_grad, source.

A `Derivative` wraps a user function and the derivative asked of it. At
each call it looks up the specialization for the argument types (as Numba
does), building it on first use: parse, fence, lower, type, differentiate,
generate source, compile. The generated source of the last specialization
is `df.source`.
"""
import functools
import inspect
import json
import os
import sys
import threading
import types as pytypes

import numpy as np

from . import cache, codegen, externs, frontend, ir, passes, rules
from .backends import BACKENDS
from .errors import AdcError, AdcInternalError, AdcSourceError, AdcTypeError
from .passes.infer import type_of
from .passes.reverse.stack import sizes_array


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
        if df.kind in ("jvp", "hvp") and df._binds(args, {}):
            args = args + (df._tangent_placeholders(df._bind(args, {})),)
        df.specialize(df.primal_args(args)[0])
    return df.source


class Derivative:
    """A derivative of a user function: specialized per argument types, built on first use.

    A specialization is tied to what adc's compiler read to make it: the functions it
    inlined (at any depth, however they were reached: names, closure cells, module
    attributes) and the objects names resolved to. Each call checks, from the user's
    function, that these are still the same objects; the numbers and arrays the code
    reads from globals, closure cells and modules are fetched the same way and passed in.
    """

    def __init__(self, f, kind, wrt, backend, debug):
        if isinstance(f, Derivative) and (f.kind != "grad" or isinstance(f._wrt_spec, tuple)):
            raise AdcError(f"adc differentiates a derivative made by adc.grad with one wrt argument; got {f!r}. "
                           "hint: for second derivatives use adc.hvp or adc.hessian")
        if backend not in BACKENDS and backend != "auto":
            raise AdcError(f"unknown backend {backend!r}; choose auto, {', '.join(BACKENDS)}")
        self._made_from = (f, kind, wrt, backend, debug)
        self.f, self.kind, self.backend, self.debug = f, kind, backend, debug
        self.user_fn, self._prefix, self._fixed = _target(f)  # the function whose source adc reads
        self.chain = (f.chain if isinstance(f, Derivative) else ()) + ((kind, wrt),)
        self._parsed = None
        try:  # the text of the function as it is now, checked against its code when parsed
            self._source_text, self._source_error = frontend.read_source(self.user_fn), None
        except AdcSourceError as exc:
            self._source_text, self._source_error = None, exc
        self._user_sig = inspect.signature(self.user_fn)
        self._sig = self._user_sig if f is self.user_fn else inspect.signature(f)
        self._names = list(self._user_sig.parameters)
        self._variadic = any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in self._user_sig.parameters.values())
        visible = list(self._sig.parameters)
        self.wrt = tuple(self._names.index(visible[k]) for k in _normalize_wrt(wrt, visible, self.user_fn))
        self._wrt_spec = wrt
        self._specs = {}  # argument types -> specializations, the last used first
        self._lock = threading.RLock()
        self._last = None
        functools.update_wrapper(self, f, updated=())

    def __repr__(self):
        return f"<adc.{self.kind} of {self.user_fn.__qualname__} wrt {self.wrt}, backend={self.backend}>"

    def __reduce__(self):
        """By reference: a module-level decorated function by its name, else the function and the
        options; the worker rebuilds the derivative from the cache on disk."""
        module, name = sys.modules.get(getattr(self, "__module__", None) or ""), getattr(self, "__qualname__", "")
        if module is not None and name and _attribute_path(module, name) is self:
            return name
        return (_remake, self._made_from)

    @property
    def parsed(self):
        if self._parsed is None:
            if self._source_error is not None:
                raise self._source_error
            self._parsed = frontend.parse_function(self.user_fn, self._source_text)
        return self._parsed

    @property
    def source(self):
        if self._last is None:
            raise AdcError(f"{self!r} has not been built yet: call it once, or use adc.source(df, *example_args)")
        return self._last.source

    def __call__(self, *args, **kwargs):
        args, tangents = self.primal_args(args, kwargs)
        spec, captured = self.specialize(args)
        out = spec.call(*args, *tangents, *captured)
        if self.kind == "vjp":
            return self._pullback(spec, out, args)
        if self.kind in ("jacrev", "jacfwd", "hessian"):
            return self._jacobian(out, args[self.wrt[0]])
        return self._shape_output(out, args)

    def _pullback(self, spec, out, args):
        value, residuals, tape = out[0], out[1:-4], out[-4:]
        single = not isinstance(self._wrt_spec, tuple)
        wrt_args = [args[k] for k in self.wrt]

        def pullback(cotangent):
            if np.shape(cotangent) != np.shape(value):
                raise AdcTypeError(f"the cotangent has shape {np.shape(cotangent)}, but the output of "
                                   f"{self.user_fn.__qualname__} has shape {np.shape(value)}")
            if np.iscomplexobj(cotangent) and not np.iscomplexobj(value):
                raise AdcTypeError(f"the cotangent is complex, but the output of {self.user_fn.__qualname__} is real")
            kind = complex if np.iscomplexobj(value) else float
            ct = np.array(cotangent, dtype=kind) if np.ndim(value) else kind(cotangent)
            grads = spec.calls[1](*residuals, ct, *tape)
            grads = (grads,) if len(self.wrt) == 1 else tuple(grads)
            grads = tuple(_like(g, a) for g, a in zip(grads, wrt_args))
            return grads[0] if single else grads
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

    def primal_args(self, args, kwargs=None):
        """(the user function's arguments in order, the tangents that follow them for jvp and hvp)."""
        kwargs = kwargs or {}
        tangents = ()
        if self.kind in ("jvp", "hvp"):
            if not args or (not self._binds(args[:-1], kwargs) and self._binds(args, kwargs)):
                many = isinstance(self._wrt_spec, tuple)
                wanted = ", ".join(self._names[k] for k in self.wrt)
                raise AdcTypeError(
                    f"adc.{self.kind} of {self.user_fn.__qualname__} takes the arguments "
                    f"({', '.join(self._sig.parameters)}) and then the tangent{'s' if many else ''} "
                    f"(shaped like {wanted}{', as a tuple' if many else ''}); got {len(args)} positional "
                    f"value{'s' if len(args) != 1 else ''} and no tangent. hint: adc.{self.kind}(f)(*args, "
                    f"{'(' + ', '.join('d' + self._names[k] for k in self.wrt) + ')' if many else 'v'})")
            args, tangents = args[:-1], args[-1]
        if self._variadic:
            passes.front(self.parsed)  # the fence names what is wrong with the signature
        args = self._bind(args, kwargs)
        if self.kind in ("jvp", "hvp"):
            tangents = self._check_tangents(args, tangents)
        return args, tangents

    def _binds(self, args, kwargs):
        if not kwargs and self._sig is self._user_sig and len(args) == len(self._names):
            return True
        try:
            self._sig.bind(*args, **kwargs)
            return True
        except TypeError:
            return False

    def _bind(self, args, kwargs):
        if not kwargs and not self._prefix and not self._fixed and len(args) == len(self._names):
            return tuple(args)  # the common call: every argument by position
        try:
            self._sig.bind(*args, **kwargs)
            bound = self._user_sig.bind(*self._prefix, *args, **{**self._fixed, **kwargs})
        except TypeError as exc:
            names = list(self._sig.parameters)
            got = f"{len(args)}" + (f" and the keywords {', '.join(kwargs)}" if kwargs else "")
            raise AdcTypeError(f"{self.user_fn.__qualname__} takes {len(names)} arguments ({', '.join(names)}); "
                               f"got {got} ({exc})") from None
        bound.apply_defaults()
        return tuple(bound.arguments[n] for n in self._names)

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

    def _shape_output(self, out, args):
        if self.kind == "jvp":
            return out[0], out[1]
        n = len(self.wrt)
        grads = out[1:1 + n] if self.kind != "hvp" else out[2 + n:]
        grads = tuple(_like(g, args[k]) for g, k in zip(grads, self.wrt))
        grads = grads[0] if not isinstance(self.wrt_spec, tuple) else grads
        return (out[0], grads) if self.kind == "value_and_grad" else grads

    @property
    def wrt_spec(self):
        return self._wrt_spec

    def specialize(self, args):
        """The compiled specialization for `args`, and the captured values to pass.

        Numbers and arrays the function reads from globals, closure cells or modules
        are passed in at every call, so a changed global is seen; a change of their
        type, or a rebound function, builds (or finds on disk) another specialization."""
        types = tuple(type_of(a, f"argument {n!r}") for a, n in zip(args, self._names))
        for k in self.wrt:
            if hasattr(types[k], "elems"):
                raise AdcTypeError(f"argument {self._names[k]!r} of {self.user_fn.__qualname__} is a tuple {types[k]}: "
                                   "adc differentiates with respect to numbers and arrays. hint: pass np.array(...) "
                                   "of the elements, or make each element its own parameter and list them in wrt")
        for spec in list(self._specs.get(types, ())):
            values = spec.values(self.user_fn)
            if values is not None:
                self._last = spec
                return spec, values
        with self._lock, _BUILD_LOCK:
            spec = self._build(types)
            values = spec.values(self.user_fn)
            if values is None:  # changed while it was being built
                spec = self._build(types, force=True)
                values = spec.values(self.user_fn, strict=True)
            specs = self._specs.setdefault(types, [])
            specs.insert(0, spec)
            del specs[cache.VARIANTS:]
        self._last = spec
        return spec, values

    def _build(self, types, force=False):
        """A specialization: the first variant on disk whose reads still hold, else a new one."""
        fn = self.user_fn
        request = cache.request_key(fn.__module__, fn.__qualname__, cache.code_digest(fn), self.chain,
                                    self.backend, self.debug, types)
        with cache.locked(request):
            for entry in () if force else cache.lookup(request):
                checks = _validate(fn, entry)
                spec = checks is not None and self._load(entry, checks)
                if spec:
                    return spec
            entry, checks = self._compile(types)
            spec = self._load(entry, checks)
            if not spec:
                raise AdcInternalError(f"adc could not load the module it wrote for {fn.__qualname__}: {entry['path']}")
            if entry["portable"]:
                cache.store(request, entry)
            return spec

    def _load(self, entry, checks):
        """The specialization of cache `entry`, or None (one warning) when its files fail verification."""
        path = entry["path"]
        try:
            module = cache.import_module(path)
        except cache.CorruptEntry as exc:
            cache.warn_corrupt(path, "its text does not match the hash in its name")
            return None
        except Exception as exc:  # noqa: BLE001  a generated file that fails to run: rebuild it
            cache.warn_corrupt(path, f"{type(exc).__name__}: {exc}")
            return None
        backend = entry["backend"]
        if backend == "numba":
            cache.check_numba(path)
        calls = []
        for k, (name, sized) in enumerate(zip(entry["names"], entry["sized"])):
            call = BACKENDS[backend](getattr(module, name))
            calls.append(_with_sizes(call) if sized else call)
        spec = _Spec(calls, cache._read_text(path), checks, entry["captured"])
        if backend == "numba":
            for k in range(len(calls)):
                spec.calls[k] = _first_call(spec, k, path, module, entry)
            spec.call = spec.calls[0]
        return spec

    def _differentiated_ir(self, fn):
        """The IR this derivative differentiates: the primal's, or the gradient an inner adc.grad makes."""
        if not isinstance(self.f, Derivative):
            return fn
        inner = passes.run(self.f._differentiated_ir(fn), self.f._passes())
        inner.body.yields, inner.roles = [inner.output(ir.GRADIENT)], None  # adc.grad(f) returns the gradient alone
        passes.strip_sweeps(inner)
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

    def _compile(self, types):
        """Run adc's compiler, noting what it reads: (the cache entry, the checks of this process).
        An exception of the compiler that is not an AdcError is an AdcInternalError."""
        with frontend.recording() as rec:
            try:
                path, names, sized, backend, captured = self._generate(types)
            except AdcError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise _internal_error(self, exc) from exc
        deps, checks, captures, portable = _manifest(self.user_fn, rec, captured)
        entry = {"path": path, "names": names, "sized": sized, "backend": backend, "deps": deps,
                 "captured": captures, "portable": portable}
        return entry, checks

    def _generate(self, types):
        fn = passes.front(self.parsed)
        for p, t in zip(fn.params, types):
            p.type = t
        for v, (scope, name) in fn.captured:
            v.type = type_of(_capture(scope.resolve(name)), f"captured {name!r}")
        fn = passes.run(fn, passes.PRIMAL)
        captured = fn.captured
        backend = self.backend if self.backend != "auto" else _backend_for(fn)
        fn = self._differentiated_ir(fn)
        fns = passes.run(fn, self._passes())
        fns = fns if isinstance(fns, tuple) else (fns,)
        source = codegen.generate(fns)
        path = cache.write_module(fns[0].name, source)
        return path, [f.name for f in fns], [codegen.takes_sizes(f) for f in fns], backend, captured


_MISSING = frontend.MISSING
_BUILD_LOCK = threading.RLock()  # adc's compiler runs in one thread at a time


def _remake(f, kind, wrt, backend, debug):
    return Derivative(f, kind, wrt, backend, debug)


def _attribute_path(obj, dotted):
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
    return obj


# ---------------------------------------------------------------- what can be differentiated

def _target(f):
    """(the Python function adc reads, positional arguments bound before the caller's, keywords bound)."""
    if isinstance(f, Derivative):
        return f.user_fn, f._prefix, f._fixed
    if isinstance(f, functools.partial):
        fn, prefix, fixed = _target(f.func)
        return fn, prefix + tuple(f.args), {**fixed, **f.keywords}
    if isinstance(f, np.vectorize):
        raise AdcError(f"adc cannot differentiate the np.vectorize object of {externs.name_of(f.pyfunc)}: it maps "
                       "its function over arrays in NumPy's own loop. hint: differentiate the function itself "
                       "(written with array operations, or with a for loop over the elements)")
    if inspect.isfunction(getattr(f, "py_func", None)) and not inspect.isfunction(f):
        return f.py_func, (), {}  # a Numba dispatcher: its Python source
    if inspect.isfunction(f):
        return f, (), {}
    if isinstance(f, (np.ufunc, pytypes.BuiltinFunctionType)) and _one_argument(f) and rules.key_of(f) is not None:
        return _wrapper_of(f), (), {}
    what = f"{type(f).__name__} {externs.name_of(f)}" if callable(f) else repr(f)
    raise AdcError(f"adc differentiates Python functions (def or lambda, a functools.partial of one, a "
                   f"numba.njit function) and one-argument NumPy and math functions; got the {what}")


def _one_argument(f):
    if isinstance(f, np.ufunc):
        return f.nin == 1 and f.nout == 1
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return False
    return len(params) == 1 and all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


_WRAPPERS = {}


def _wrapper_of(f):
    """A Python function of one argument that calls `f` (np.sin, math.sin), written to the cache."""
    if id(f) not in _WRAPPERS:
        home, name = externs.home(f), f.__name__
        if home is None:
            raise AdcError(f"adc cannot find the module of {name} to call it from generated code")
        text = f"import {home}\n\n\ndef {name}(x):\n    return {home}.{name}(x)\n"
        _WRAPPERS[id(f)] = getattr(cache.import_module(cache.write_module(f"_call_{name}", text)), name)
    return _WRAPPERS[id(f)]


# ---------------------------------------------------------------- what a build read

_WRAPPER_ATTRS = ("py_func", "__wrapped__", "f", "fwd", "bwd", "jvp", "func")


def _manifest(root, rec, captured):
    """From what the compiler read (`rec`) and the values it captured: the entry's `deps`
    (path from `root`, kind, fingerprint), this process's checks, the captures' paths, and
    whether every read can be found again from `root` (else the entry stays in this process)."""
    edges = {}
    for scope, step, name, obj in rec.edges.values():
        edges.setdefault(id(scope), []).append((step, name, obj))
    paths, queue, portable = {id(root): ()}, [root], True
    while queue:
        obj = queue.pop(0)
        nxt = sorted(edges.get(id(obj), ()), key=lambda e: (e[0], e[1]))
        if not isinstance(obj, pytypes.ModuleType):
            for a in _WRAPPER_ATTRS:
                sub = _safe_getattr(obj, a)
                if sub is not None and (id(sub) in rec.parsed or id(sub) in edges):
                    nxt.append(("attr", a, sub))
        for step, name, sub in nxt:
            if id(sub) not in paths:
                paths[id(sub)] = paths[id(obj)] + ((step, name),)
                queue.append(sub)
    deps, checks = [], []
    for scope, step, name, obj in rec.edges.values():
        if id(scope) not in paths:
            continue
        path = paths[id(scope)] + ((step, name),)
        kind, fp = _fingerprint(obj, rec)
        deps.append([kind, [list(p) for p in path], fp])
        checks.append((path, kind, obj if kind != "value" else fp))
    for fn, _ in rec.parsed.values():
        if id(fn) not in paths and not _internal(fn):
            portable = False
    captures = []
    for _, (scope, name) in captured:
        owner = scope.fn if hasattr(scope, "fn") else scope.module
        if id(owner) in paths:
            captures.append([[list(p) for p in paths[id(owner)] + (("free" if hasattr(scope, "fn") else "attr", name),)]])
        else:
            portable = False
            captures.append([None, scope, name])
    deps.sort(key=lambda d: json.dumps(d[:2]))
    return deps, checks, captures, portable


def _validate(root, entry):
    """This process's checks for cache `entry`, or None when something it read is not the same now."""
    checks = []
    for kind, path, fp in entry.get("deps", ()):
        path = tuple(tuple(p) for p in path)
        obj = _walk(root, path)
        if _fingerprint(obj, None)[1] != fp:
            return None
        checks.append((path, kind, obj if kind != "value" else fp))
    return checks


def _fingerprint(obj, rec):
    """(kind, fingerprint) of an object the compiler read: a function by its code, a number or
    array by its type, a module or other object by what it is."""
    if frontend.missing(obj):
        return "missing", None
    if _is_value(obj):
        return "value", _value_type(obj)
    if inspect.isfunction(obj):
        return "fn", cache.code_digest(obj)
    if isinstance(obj, pytypes.ModuleType):
        return "object", "module " + obj.__name__
    t = type(obj)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return "object", f"{t.__module__}.{t.__qualname__} {getattr(obj, '__module__', None)}.{name}"


def _is_value(obj):
    return isinstance(obj, (bool, int, float, complex, np.ndarray, np.number, np.bool_)) or externs.is_c_function(obj)


def _value_type(v):
    if externs.is_c_function(v):
        return f"cfunction {externs.name_of(v)} {externs.c_signature(v)}"
    try:
        return str(type_of(_capture(v)))
    except AdcError:
        return f"unsupported {type(v).__name__} {getattr(v, 'dtype', '')} {np.ndim(v)}"


def _walk(root, path):
    """The object `path` leads to from `root`: ("free", n) is name n inside a function (closure
    cell, globals, builtins, as Python finds it), ("attr", n) an attribute."""
    obj = root
    for step, name in path:
        obj = _step(obj, step, name)
    return obj


def _step(obj, step, name):
    if obj is _MISSING:
        return obj
    if step == "free":
        return frontend.free_name(obj, name) if isinstance(obj, pytypes.FunctionType) else _MISSING
    return _safe_getattr(obj, name, _MISSING)


def _safe_getattr(obj, name, default=None):
    try:
        return getattr(obj, name, default)
    except Exception:  # noqa: BLE001  (a property that raises)
        return default


def _internal(fn):
    return (getattr(fn, "__module__", "") or "").split(".")[0] in ("adc", "adc_runtime")


class _Spec:
    """One specialization: the compiled calls, their source, and how to check and feed them.

    The paths of the checks and captures share prefixes: each step is taken once per call."""

    def __init__(self, calls, source, checks, captures):
        self.calls, self.source = calls, source
        self.call = calls[0]
        self._steps, index = [], {(): 0}

        def node(path):
            for k in range(len(path)):
                if path[:k + 1] not in index:
                    index[path[:k + 1]] = len(self._steps) + 1
                    self._steps.append((index[path[:k]],) + tuple(path[k]))
            return index[path]
        self.checks = [(node(tuple(path)), kind, expect) for path, kind, expect in checks]
        self.captures = [(node(tuple(tuple(p) for p in c[0])), None, None) if c[0] is not None else (None, c[1], c[2])
                         for c in captures]

    def values(self, root, strict=False):
        """The captured values to pass now, or None when a read no longer holds (with `strict`,
        an unsupported captured value is the AdcTypeError it is)."""
        objs = [root]
        for parent, step, name in self._steps:
            objs.append(_step(objs[parent], step, name))
        for k, kind, expect in self.checks:
            obj = objs[k]
            if kind == "value":
                if not _is_value(obj) or _value_type(obj) != expect:
                    return None
            elif obj is not expect or (kind == "fn" and obj.__code__ is not expect.__code__):
                return None
        out = []
        for k, scope, name in self.captures:
            v = objs[k] if k is not None else scope.resolve(name)
            if strict:
                type_of(_capture(v), f"captured {name or self._steps[k - 1][2]!r}")
            out.append(_capture(v))
        return out


def _first_call(spec, k, path, module, entry):
    """The first call of a Numba function: Numba's cache files are recorded once written; a
    cache file Numba cannot load (one warning) is removed and the function compiled again."""
    call = spec.calls[k]

    def first(*args):
        try:
            out = call(*args)
        except Exception as exc:  # noqa: BLE001
            if not _from_numba_cache(exc):
                raise
            cache.warn_corrupt(path, f"Numba could not load its cached code: {type(exc).__name__}: {exc}")
            cache.drop_numba(path)
            fresh = BACKENDS["numba"](getattr(module, entry["names"][k]))
            fresh = _with_sizes(fresh) if entry["sized"][k] else fresh
            spec.calls[k] = fresh
            out = fresh(*args)
        else:
            spec.calls[k] = call
        if k == 0:
            spec.call = spec.calls[0]
        cache.seal_numba(path)
        return out
    return first


def _from_numba_cache(exc):
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(os.path.join("numba", "core", "caching.py")):
            return True
        tb = tb.tb_next
    return "LLVM bitcode" in str(exc)


def _internal_error(df, exc):
    """An exception of adc's compiler that is not an AdcError: an AdcInternalError naming the
    user's function, where it is, and the pass that failed (the original is its __cause__)."""
    fn = df.user_fn
    where = _failed_pass(exc.__traceback__)
    return AdcInternalError(
        f"internal error in adc{' (pass ' + where + ')' if where else ''} while building adc.{df.kind} of "
        f"{fn.__qualname__}\n  File \"{fn.__code__.co_filename}\", line {fn.__code__.co_firstlineno}\n"
        f"  {type(exc).__name__}: {exc}\n  this is a bug in adc, not in your code: please report it with this "
        "function; hint: backend=\"python\" or a simpler form of the construct may avoid it meanwhile")


def _failed_pass(tb):
    """The name of the pass running when traceback `tb` was raised, or adc's module it came from."""
    name, module = None, None
    here = os.path.dirname(os.path.abspath(__file__))
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(here):
            if code.co_name == "run" and code.co_filename.endswith(os.path.join("passes", "__init__.py")):
                name = tb.tb_frame.f_locals.get("name", name)
            elif code.co_name == "front" and code.co_filename.endswith(os.path.join("passes", "__init__.py")):
                name = "lower"
            module = os.path.splitext(os.path.basename(code.co_filename))[0]
        tb = tb.tb_next
    return name or module


# ---------------------------------------------------------------- helpers

def _backend_for(fn):
    """backend="auto": Numba for code with loops; for loop-free array code, NumPy under CPython,
    whose vectorised kernels (tanh, exp, ...) are several times faster than Numba's scalar loops."""
    from .ir import walk
    return "numba" if any(op.opname in ("for", "while") for op in walk(fn.body)) else "python"


def _capture(value):
    return np.asarray(value) if isinstance(value, np.ndarray) else value


def _like(g, arg):
    """A gradient has its argument's dtype: complex for a complex argument."""
    if np.iscomplexobj(arg) and not np.iscomplexobj(g):
        return np.asarray(g, dtype=np.complex128) if isinstance(g, np.ndarray) else complex(g)
    return g


def _with_sizes(call):
    """`call` given its `_sizes` array: how large its stacks grew, kept from one call to the next."""
    sizes = sizes_array()

    def sized(*args):
        return call(*args, sizes)
    sized.jitted = getattr(call, "jitted", None)
    if sized.jitted is None:
        del sized.jitted
    return sized


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
