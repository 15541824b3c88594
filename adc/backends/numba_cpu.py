"""The numba backend: `numba.njit(cache=True)` over the generated function.

If Numba cannot type the generated code, the call falls back to the
python backend with one warning that says why.
"""
import warnings

import numba
from numba.core.errors import NumbaError


class AdcFallbackWarning(UserWarning):
    """Numba could not compile a derivative; it runs under CPython instead."""


def compile_numba(fn, on_fallback=None):
    jitted = numba.njit(cache=True)(fn)
    state = {"call": None}

    def call(*args):
        if state["call"] is not None:
            return state["call"](*args)
        try:
            out = jitted(*args)
            state["call"] = jitted
            return out
        except NumbaError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            warnings.warn(f"adc: Numba could not compile {fn.__name__} ({first}); "
                          "running it with the python backend instead", AdcFallbackWarning, stacklevel=3)
            if on_fallback is not None:
                on_fallback(str(exc))
            state["call"] = fn
            return fn(*args)

    call.jitted = jitted
    return call
