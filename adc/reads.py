"""What a build read, and how a later call or process finds it again.

While adc's compiler runs, `frontend.recording()` notes each name it
resolved (scope, step, name, object). Contract: `manifest(root, rec,
captured)` turns that record into (deps, checks, captures, portable):
`deps` are JSON-able (kind, path from `root`, fingerprint) triples for the
cache entry; `checks` are this process's (path, kind, expected) triples;
`captures` say where each captured number or array is fetched from at a
call; `portable` is false when something read cannot be found again from
`root` (the entry then stays in this process). `validate(root, entry)` gives
the checks of a cache entry, or None when something it read is not the same
now. A path is a tuple of steps: ("free", n), name n inside a function as
Python finds it; ("attr", n), an attribute. `follow`, `is_value`, `value_type`
and `capture` are what a specialization uses to repeat the checks per call.
"""
import inspect
import json
import types as pytypes

import numpy as np

from . import cache, externs, frontend, randoms
from .errors import AdcError
from .passes.infer import type_of

_MISSING = frontend.MISSING


_WRAPPER_ATTRS = ("py_func", "__wrapped__", "f", "fwd", "bwd", "jvp", "func")


def manifest(root, rec, captured):
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


def validate(root, entry):
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
    if is_value(obj):
        return "value", value_type(obj)
    if inspect.isfunction(obj):
        return "fn", cache.code_digest(obj)
    if isinstance(obj, pytypes.ModuleType):
        return "object", "module " + obj.__name__
    t = type(obj)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return "object", f"{t.__module__}.{t.__qualname__} {getattr(obj, '__module__', None)}.{name}"


def is_value(obj):
    return (isinstance(obj, (bool, int, float, complex, np.ndarray, np.number, np.bool_)) or externs.is_c_function(obj)
            or randoms.kind_of(obj) is not None)


def value_type(v):
    if externs.is_c_function(v):
        return f"cfunction {externs.name_of(v)} {externs.c_signature(v)}"
    try:
        return str(type_of(capture(v)))
    except AdcError:
        return f"unsupported {type(v).__name__} {getattr(v, 'dtype', '')} {np.ndim(v)}"


def _walk(root, path):
    """The object `path` leads to from `root`: ("free", n) is name n inside a function (closure
    cell, globals, builtins, as Python finds it), ("attr", n) an attribute."""
    obj = root
    for step, name in path:
        obj = follow(obj, step, name)
    return obj


def follow(obj, step, name):
    """The object one step of a path leads to from `obj` (frontend.MISSING when there is none)."""
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


def capture(value):
    """A captured value as generated code receives it: an array subclass as a plain array."""
    return np.asarray(value) if isinstance(value, np.ndarray) else value
