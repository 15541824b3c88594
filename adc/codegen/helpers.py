"""codegen.helpers: module-level helpers for other libraries' ufuncs (see adc/externs.py).

Contract: `ufunc_helpers(fns)` names one helper per call signature of another library's ufunc in
`fns` (key -> name); `ufunc_helper(key, name)` is its source: Numba calls the ufunc in object
mode, CPython as it is. `ufunc_key(op)` is the key of an `extern` op's call; `reserved(helpers)`
the names the generated functions must not shadow.
"""
from ..ir import walk


def ufunc_key(op):
    return op.attrs["home"], op.attrs["callee"], tuple(a.type for a in op.args), op.result.type


def ufunc_helpers(fns):
    """A helper function per call signature of another library's ufunc (see adc/externs.py):
    key -> its name."""
    keys = list(dict.fromkeys(ufunc_key(op) for f in fns for op in walk(f.body)
                              if op.opname == "extern" and "home" in op.attrs))
    names, count = {}, {}
    for key in keys:
        k = count[key[1]] = count.get(key[1], 0) + 1
        names[key] = f"{key[1]}_call{'' if k == 1 else k}"
    return names


def ufunc_helper(key, name):
    """Numba calls another library's ufunc in object mode; CPython calls it as it is."""
    _, callee, arg_types, result = key
    params = ", ".join(f"a{k}" for k in range(len(arg_types)))
    return (f"@numba.extending.register_jitable\ndef {name}({params}):\n"
            f"    with numba.objmode(y={_numba_type(result)!r}):\n        y = {callee}({params})\n    return y\n")


def reserved(helpers):
    """Module-level names the generated functions must not shadow: helpers and their ufuncs."""
    return set(helpers.values()) | {key[1] for key in helpers}


def _numba_type(t):
    """The spelling of an adc type in numba.objmode's declarations."""
    scalar = "boolean" if t.dtype == "bool" else t.dtype
    return scalar if t.ndim == 0 else f"{scalar}[{', '.join(':' * t.ndim)}]"
