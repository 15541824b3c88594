"""One specialization of a derivative: its compiled calls, loaded from a cache entry.

Contract: `load(entry, checks)` imports the module a cache entry names
(verified against its hash), wraps each of its functions with the entry's
backend, and returns a `Spec`; or None, with one AdcCacheWarning, when the
module fails verification or fails to run. A Numba function's first call
records Numba's cache files once written, and a cache file Numba cannot load
is removed and the function compiled again. `Spec.values(root)` repeats the
checks of what the build read, from the user's function `root`, and returns
the captured values to pass at this call (None when a read no longer holds).
"""
import os

from . import cache, notices, reads
from .backends import BACKENDS
from .passes.infer import type_of
from .passes.reverse.stack import sizes_array


class Spec:
    """One specialization: the compiled calls, their source, the role of each value they return
    (`roles[k]`: call k's, as codegen.returned_roles says), and how to check and feed them.

    The paths of the checks and captures share prefixes: each step is taken once per call."""

    def __init__(self, calls, source, checks, captures, roles):
        self.calls, self.source, self.roles = calls, source, roles
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

    def outputs(self, out, role, call=0):
        """The values of `role` in the result `out` of compiled call `call` (roles: ir.VALUE, ...)."""
        roles = self.roles[call]
        return [v for v, r in zip(out if len(roles) > 1 else (out,), roles) if r == role]

    def output(self, out, role, call=0):
        (v,) = self.outputs(out, role, call)
        return v

    def values(self, root, strict=False):
        """The captured values to pass now, or None when a read no longer holds (with `strict`,
        an unsupported captured value is the AdcTypeError it is)."""
        objs = [root]
        for parent, step, name in self._steps:
            objs.append(reads.follow(objs[parent], step, name))
        for k, kind, expect in self.checks:
            obj = objs[k]
            if kind == "value":
                if not reads.is_value(obj) or reads.value_type(obj) != expect:
                    return None
            elif obj is not expect or (kind == "fn" and obj.__code__ is not expect.__code__):
                return None
        out = []
        for k, scope, name in self.captures:
            v = objs[k] if k is not None else scope.resolve(name)
            if strict:
                type_of(reads.capture(v), f"captured {name or self._steps[k - 1][2]!r}")
            out.append(reads.capture(v))
        return out


def load(entry, checks):
    """The specialization of cache `entry`, or None (one warning) when its files fail verification."""
    path = entry["path"]
    try:
        module = cache.import_module(path)
    except cache.CorruptEntry:
        cache.warn_corrupt(path, "its text does not match the hash in its name")
        return None
    except Exception as exc:  # noqa: BLE001  a generated file that fails to run: rebuild it
        cache.warn_corrupt(path, f"{type(exc).__name__}: {exc}")
        return None
    backend = entry["backend"]
    if backend == "numba":
        cache.check_numba(path)
    calls = []
    for name, sized in zip(entry["names"], entry["sized"]):
        call = BACKENDS[backend](getattr(module, name))
        calls.append(_with_sizes(call) if sized else call)
    spec = Spec(calls, cache._read_text(path), checks, entry["captured"], entry["roles"])
    if backend == "numba":
        for k in range(len(calls)):
            spec.calls[k] = _first_call(spec, k, path, module, entry)
        spec.call = spec.calls[0]
    return spec


def _first_call(spec, k, path, module, entry):
    """The first call of a Numba function: Numba's cache files are recorded once written; a
    cache file Numba cannot load (one warning) is removed and the function compiled again."""
    call = spec.calls[k]

    def first(*args):
        try:
            with notices.after_a_while(lambda: f"Numba is compiling {entry['names'][k]} ({os.path.basename(path)}), "
                                       "the first call of a derivative; ADC_NOTICES=0 silences this"):
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
    first.jitted, first.takes_sizes = getattr(call, "jitted", None), getattr(call, "takes_sizes", False)
    return first


def _from_numba_cache(exc):
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(os.path.join("numba", "core", "caching.py")):
            return True
        tb = tb.tb_next
    return "LLVM bitcode" in str(exc)


def _with_sizes(call):
    """`call` given its `_sizes` array: how large its stacks grew, kept from one call to the next."""
    sizes = sizes_array()

    def sized(*args):
        return call(*args, sizes)
    sized.jitted = getattr(call, "jitted", None)
    if sized.jitted is None:
        del sized.jitted
    sized.takes_sizes = True
    return sized
