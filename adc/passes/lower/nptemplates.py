"""NumPy and SciPy functions that are other rules written out: each is a template over
functions adc has rules for, so its derivatives (and second derivatives) come from theirs.

Contract: `FORMS` maps each NumPy function here to its lowering, merged into npcalls.FORMS;
`scipy_forms(special)` gives scipy.special's, in scicalls's table once SciPy is imported. A
template takes the call's positional arguments (no keywords: NumPy's defaults are the only
form); each holds for every rank adc takes (`rt.sum_axis(x, -1)` is NumPy's last axis, of a
vector too), and each is checked against NumPy's or SciPy's values and autograd's derivatives
in tests/test_templates.py. The NaN-ignoring reductions mask NaN out of the value and the
derivative; SciPy's entropies and Huber losses take SciPy's branches (`inf` outside the domain).
"""
import numpy as np

import adc_runtime as rt

_NP = {  # name in numpy -> the function as a template of rules
    "nansum": lambda x: np.sum(np.where(np.isnan(x), 0.0, x)),
    "nanprod": lambda x: np.prod(np.where(np.isnan(x), 1.0, x)),
    "nanmean": lambda x: np.sum(np.where(np.isnan(x), 0.0, x)) / np.sum(np.where(np.isnan(x), 0.0, 1.0)),
    "nanvar": lambda x: np.sum(np.where(np.isnan(x), 0.0, (x - np.sum(np.where(np.isnan(x), 0.0, x))
                                                             / np.sum(np.where(np.isnan(x), 0.0, 1.0))) ** 2))
    / np.sum(np.where(np.isnan(x), 0.0, 1.0)),
    "nanstd": lambda x: np.sqrt(np.sum(np.where(np.isnan(x), 0.0, (x - np.sum(np.where(np.isnan(x), 0.0, x))
                                                                     / np.sum(np.where(np.isnan(x), 0.0, 1.0))) ** 2))
                                / np.sum(np.where(np.isnan(x), 0.0, 1.0))),
    "ptp": lambda x: np.max(x) - np.min(x),
    "vecdot": lambda a, b: rt.sum_axis(np.conj(a) * b, -1),
    "matvec": lambda a, v: a @ v,
    "vecmat": lambda v, a: np.conj(v) @ a,
    "matrix_transpose": lambda x: np.swapaxes(x, -1, -2),
    "around": lambda x: np.round(x),
    "rint": lambda x: np.round(x),
    "ediff1d": lambda x: np.diff(np.ravel(x)),
    "diagflat": lambda v: np.diag(np.ravel(v)),
    "ldexp": lambda x, n: x * 2.0 ** n,
    "asanyarray": lambda a: np.asarray(a),
    "ascontiguousarray": lambda a: np.copy(a),
    "asfortranarray": lambda a: np.copy(a),
    "isposinf": lambda x: np.logical_and(np.isinf(x), x > 0),
    "isneginf": lambda x: np.logical_and(np.isinf(x), x < 0),
    "isreal": lambda x: np.imag(x) == 0,
    "iscomplex": lambda x: np.imag(x) != 0,
    "all": lambda x: np.sum(np.where(x != 0, 0.0, 1.0)) == 0,
    "any": lambda x: np.sum(np.where(x != 0, 1.0, 0.0)) > 0,
    "count_nonzero": lambda x: int(np.sum(np.where(x != 0, 1.0, 0.0))),
    "signbit": lambda x: np.copysign(1.0, x) < 0,
}
_LINALG = {  # name in numpy.linalg -> the function as a template of rules
    "vecdot": lambda a, b: rt.sum_axis(np.conj(a) * b, -1),
    "matrix_transpose": lambda x: np.swapaxes(x, -1, -2),
    "matmul": lambda a, b: a @ b,
    "outer": lambda a, b: np.outer(a, b),
    "cross": lambda a, b: np.cross(a, b),
    "tensordot": lambda a, b: np.tensordot(a, b),
    "vector_norm": lambda x: np.sqrt(np.sum(np.real(np.conj(x) * x))),
    "matrix_norm": lambda x: np.sqrt(rt.sum_axis(rt.sum_axis(np.real(np.conj(x) * x), -1), -1)),
    "svdvals": lambda a: np.linalg.svd(a, compute_uv=False),
}
_SCIPY = {  # name in scipy.special -> the function as a template of rules
    "expm1": lambda x: np.expm1(x),
    "log1p": lambda x: np.log1p(x),
    "exp2": lambda x: np.exp2(x),
    "exp10": lambda x: 10.0 ** x,
    "cbrt": lambda x: np.cbrt(x),
    "sindg": lambda x: np.sin(np.deg2rad(x)),
    "cosdg": lambda x: np.cos(np.deg2rad(x)),
    "tandg": lambda x: np.tan(np.deg2rad(x)),
    "cotdg": lambda x: 1.0 / np.tan(np.deg2rad(x)),
    "round": lambda x: np.round(x),
    "entr": lambda x: np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), np.where(x == 0, 0.0, -np.inf)),
    "rel_entr": lambda x, y: np.where(np.logical_and(x > 0, y > 0),
                                      x * np.log(np.where(x > 0, x, 1.0) / np.where(y > 0, y, 1.0)),
                                      np.where(np.logical_and(x == 0, y >= 0), 0.0 * y, np.inf)),
    "kl_div": lambda x, y: np.where(np.logical_and(x > 0, y > 0),
                                    x * np.log(np.where(x > 0, x, 1.0) / np.where(y > 0, y, 1.0)) - x + y,
                                    np.where(np.logical_and(x == 0, y >= 0), y, np.inf)),
    "huber": lambda d, r: np.where(d < 0, np.inf, np.where(np.abs(r) <= d, 0.5 * r * r, d * (np.abs(r) - 0.5 * d))),
    "pseudo_huber": lambda d, r: np.where(d < 0, np.inf, d * d * (np.sqrt(1.0 + (r / np.where(d == 0, 1.0, d)) ** 2) - 1.0)),
}


def _multi_dot(lw, node, fn, args):
    """np.linalg.multi_dot([a, b, c]): a @ b @ c, left to right."""
    parts = lw.items_of(args[0]) if len(args) == 1 else None
    if not parts or len(parts) < 2:
        lw.fail(node, "np.linalg.multi_dot of something other than a list of two or more arrays written out",
                "pass the arrays as a list: np.linalg.multi_dot([a, b, c])")
    out = lw.as_value(parts[0], node)
    for p in parts[1:]:
        out = lw.call_rule(node, np.dot, [out, lw.as_value(p, node)])
    return out


def _matrix_power(lw, node, fn, args):
    """np.linalg.matrix_power(a, n) of a constant n: products of a (of its inverse for n < 0)."""
    a, n = lw.as_value(args[0], node), lw.b.const_int(lw.as_value(args[1], node)) if len(args) == 2 else None
    if n is None:
        lw.fail(node, "np.linalg.matrix_power with a power that is not an integer constant",
                "write the power as a constant: np.linalg.matrix_power(a, 3)")
    if n == 0:
        return lw.apply_template(lambda a: np.eye(a.shape[0]) + 0.0 * a, [a])
    base = lw.call_rule(node, np.linalg.inv, [a]) if n < 0 else a
    out = base
    for _ in range(abs(n) - 1):
        out = lw.call_rule(node, np.matmul, [out, base])
    return out


def _template_form(template):
    def lower(lw, node, fn, args):
        values = [lw.as_value(a, node) for a in args]
        if len(values) != template.__code__.co_argcount:
            lw.fail(node, f"a call with {len(values)} arguments to {fn.__name__}",
                    f"adc takes {fn.__name__} with its {template.__code__.co_argcount} positional arguments only")
        return lw.apply_template(template, values)
    return lower


FORMS = {getattr(np, n): _template_form(t) for n, t in _NP.items() if hasattr(np, n)}
FORMS.update({getattr(np.linalg, n): _template_form(t) for n, t in _LINALG.items() if hasattr(np.linalg, n)})
FORMS.update({np.linalg.multi_dot: _multi_dot, np.linalg.matrix_power: _matrix_power})


def scipy_forms(special, form):
    """scipy.special's templates, as `form(lower)` entries of the SciPy call table."""
    return {getattr(special, n): form(t) for n, t in _SCIPY.items() if hasattr(special, n)}
