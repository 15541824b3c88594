"""The numba backend: `numba.njit(cache=True)` over the generated function.

Options: Numba's own bounds checks stay off (the generated code checks the user's indices itself,
once per loop where it can: adc/passes/bounds.py; the stacks it writes are in bounds by
construction) and arithmetic follows NumPy's error model (a derivative's 0.5 / sqrt(0) is inf, as
on the python backend; the primal's scalar divisions check their divisor themselves).

If Numba cannot type the generated code, the call falls back to the
python backend with one warning that says why.
"""
import re
import warnings

import numba
from numba.core.errors import NumbaError

from .python import compile_python

OPTIONS = dict(cache=True, error_model="numpy")


class AdcFallbackWarning(UserWarning):
    """Numba could not compile a derivative; it runs under CPython instead."""


def compile_numba(fn, on_fallback=None):
    jitted = numba.njit(**OPTIONS)(fn)
    state = {"call": None}

    def call(*args):
        if state["call"] is not None:
            return state["call"](*args)
        try:
            out = jitted(*args)
            state["call"] = jitted
            return out
        except NumbaError as exc:
            warnings.warn(f"adc: Numba could not compile {fn.__name__} ({reason(exc)}); "
                          "running it with the python backend instead", AdcFallbackWarning, stacklevel=3)
            if on_fallback is not None:
                on_fallback(str(exc))
            state["call"] = compile_python(fn)
            return state["call"](*args)

    call.jitted = jitted
    return call


_NOISE = re.compile(r"^(Failed in .* mode pipeline|During: |Enable logging|This error may have been caused|"
                    r"For more information|\^|$)")


def reason(exc):
    """The informative part of Numba's message: its first line that says what failed (past the
    "Failed in nopython mode pipeline" banner, with the signature it could not type) and the line
    of the generated code it failed on."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(exc).splitlines()]
    k = next((k for k, line in enumerate(lines) if not _NOISE.match(line)), None)
    if k is None:
        return type(exc).__name__
    what = lines[k]
    signature = next((line for line in lines[k + 1:k + 4] if line.startswith(">>>")), None)
    if what.endswith(":") and signature:
        what = f"{what} {signature[3:].strip()}"
    for j, line in enumerate(lines):
        found = re.match(r'File "(.*)", line (\d+)', line)
        if found:
            caret = next((m for m in range(j + 1, len(lines)) if lines[m] == "^"), None)
            code = lines[caret - 1] if caret is not None and caret - 1 > j else ""
            return f"{what.rstrip(':')}; at line {found.group(2)} of the generated code" + (f": {code}" if code else "")
    return what.rstrip(":")
