"""Calls of code adc cannot read: C functions and other libraries' ufuncs.

Two kinds of callee are run as they are, never read or differentiated:

- a C function with numeric arguments: a ctypes function whose `argtypes`
  and `restype` are set, or a Numba `cfunc`. The generated function takes it
  as a parameter, like a captured number, so Numba calls it through its
  pointer and still caches the compiled code;
- a ufunc of another library (SciPy's special functions). The generated
  module imports it from its public home, and Numba calls it through
  `numba.objmode`.

Where the result of such a call carries a derivative, the call needs
derivative rules: the user wraps it in `adc.primitive` with `defvjp` and
`defjvp` (examples/external_code.py). Its result type comes from the C
signature or from the ufunc's own type resolution.
"""
import ctypes
import sys
from dataclasses import dataclass

import numpy as np

from .errors import fail
from .ir import I64, F64, C128, BOOL, T

_C_RESULTS = {ctypes.c_double: F64, ctypes.c_float: F64, ctypes.c_int: I64, ctypes.c_long: I64,
              ctypes.c_longlong: I64, ctypes.c_int64: I64, ctypes.c_int32: I64, ctypes.c_bool: BOOL}
_NUMBA_RESULTS = {"float64": F64, "float32": F64, "int64": I64, "int32": I64, "complex128": C128, "bool": BOOL}
_NP = {"float64": np.dtype(np.float64), "int64": np.dtype(np.int64), "bool": np.dtype(np.bool_),
       "complex128": np.dtype(np.complex128)}


def is_c_function(obj):
    """A ctypes function or a Numba cfunc: a value the generated function receives as a parameter."""
    if isinstance(obj, ctypes._CFuncPtr):
        return True
    cfunc = sys.modules.get("numba.core.ccallback")
    return cfunc is not None and isinstance(obj, cfunc.CFunc)


def is_foreign_ufunc(obj):
    """A ufunc that NumPy does not own (NumPy's own get rules, or the 'no rule' error)."""
    return isinstance(obj, np.ufunc) and getattr(np, obj.__name__, None) is not obj


def name_of(obj):
    return getattr(obj, "__name__", None) or getattr(obj, "__qualname__", None) or type(obj).__name__


def c_result(obj):
    """The adc type a C function of numbers returns, or None (no declared signature, or pointers in it)."""
    if isinstance(obj, ctypes._CFuncPtr):
        if obj.argtypes is None or any(a not in _C_RESULTS for a in obj.argtypes):
            return None
        return _C_RESULTS.get(obj.restype)
    if any(str(a) not in _NUMBA_RESULTS for a in obj._sig.args):
        return None
    return _NUMBA_RESULTS.get(str(obj._sig.return_type))


def c_signature(obj):
    """The signature of a C function, as text."""
    if isinstance(obj, ctypes._CFuncPtr):
        args = ", ".join(a.__name__ for a in obj.argtypes or ())
        return f"({args}) -> {getattr(obj.restype, '__name__', obj.restype)}"
    return str(obj._sig)


def ufunc_result(obj, arg_types):
    """The adc type of `obj(*args)` for arguments of `arg_types` (NumPy's loop resolution), or None."""
    if obj.nout != 1 or len(arg_types) != obj.nin or any(t.dtype not in _NP for t in arg_types):
        return None
    try:
        out = obj.resolve_dtypes(tuple(_NP[t.dtype] for t in arg_types) + (None,))[-1]
    except (TypeError, ValueError):  # no loop for these dtypes
        return None
    dtype = {v: k for k, v in _NP.items()}.get(out)
    return None if dtype is None else T(dtype, max(t.ndim for t in arg_types))


def home(obj):
    """The public module a ufunc can be imported from (the shortest name without a private part)."""
    found = [m for m, mod in list(sys.modules.items())  # a module's own names: no deprecation hooks
             if getattr(mod, "__dict__", {}).get(obj.__name__) is obj and not any(p.startswith("_") for p in m.split("."))]
    return min(found, key=len) if found else None


@dataclass(frozen=True)
class ExternT:
    """The type of a C function value: what it returns, and its signature as text."""

    result: T
    label: str

    def __str__(self):
        return f"cfunction[{self.label} -> {self.result}]"

    is_array = False
    is_float = False
    ndim = 0
    dtype = "cfunction"


def refuse_derivative(op, mode):
    """Raise: the result of a call adc cannot read carries a derivative (in `mode`: reverse or forward)."""
    home = op.attrs.get("home")
    name = f"{home}.{op.attrs['callee']}" if home else f"the C function {op.attrs['callee']}"
    fail(f"{name} (in {mode} mode): adc cannot read it, and it has no derivative rule", op.loc,
         "wrap the call in a function marked @adc.primitive and give it derivative rules with "
         "defvjp/defjvp (see examples/external_code.py), or mark it @adc.nondiff")
