"""SciPy call forms: the SciPy calls that are more than one rule applied to positional arguments.

Contract: like npcalls.py, the functions here take the `Lowerer` and the call's gast node and
emit through the lowerer. `calls.py` asks `takes_keywords` whether a call's keywords are bound
here, and lowers the calls `is_form` picks out with `lower_form` (an entry of its call table);
`expressions.py` asks `static_attr` for the methods of scipy.stats' distributions
(`scipy.stats.norm.logpdf`, `norm.logpdf` after `from scipy.stats import norm`). A form binds
its arguments and keywords with SciPy's defaults (`Form`): the parameters that choose the
computation (axis=, keepdims=, lower=, ...) must be constants; the others are values. Covered:

- scipy.special: `logsumexp` (axis=, keepdims=, b=, return_sign=), `softmax`, `log_softmax`:
  NumPy reductions shifted by a maximum no derivative flows through;
- scipy.linalg: `solve_triangular` (lower=, trans=), `cholesky` (lower=), `cho_factor` (its
  (c, lower) pair, c holding the factor in one triangle and the matrix in the other, as SciPy's
  does) and `cho_solve((c, lower), b)`;
- scipy.stats: the densities of scistats.py.

SciPy's objects are found once SciPy's module is imported by the user's code (adc does not
import SciPy itself); a method of a distribution adc has no form for is refused, naming the ones
it has.
"""
import sys

import numpy as np

import adc_runtime as rt

from ...ir import Value
from . import nptemplates, scistats
from .values import Static, hashable

REQUIRED = scistats.REQUIRED
Form = scistats.Form
_IGNORED = ("overwrite_a", "overwrite_b", "check_finite")  # no effect on the values


def form_key(obj):
    """The key of `obj` in the forms table: a function, or (function, instance) of a bound method
    (`scipy.stats.norm.logpdf` is a new bound method at each lookup)."""
    func, owner = getattr(obj, "__func__", None), getattr(obj, "__self__", None)
    if func is not None and owner is not None:
        return hashable((func, owner))
    return hashable(obj)


# ---------------------------------------------------------------- scipy.special

def _logsumexp(lw, node, a):
    x, b, axis = a["a"], a["b"], a["axis"]
    _axis(lw, node, axis)
    if axis is None:
        m = lw.b.emit("call", [x], attrs={"fn": "rt.finite_max"})
        s = lw.apply_template(_SUM if b is None else _SUM_B, [x, m] + ([] if b is None else [b]))
    else:
        m = lw.b.emit("call", [x, lw.b.const(axis)], attrs={"fn": "rt.finite_max_axis"})
        s = lw.apply_template(_SUM_AXIS if b is None else _SUM_AXIS_B, [x, m, lw.b.const(axis)] + ([] if b is None else [b]))
    parts = [lw.apply_template(_LOG_ABS if a["return_sign"] else _LOG, [s, m])]
    if a["return_sign"]:
        parts.append(lw.call_rule(node, np.sign, [s]))
    if a["keepdims"]:
        parts = [_keep(lw, p, x, axis) for p in parts]
    return parts[0] if len(parts) == 1 else lw.expr_values(parts)


_SUM = lambda x, m: np.sum(np.exp(x - m))  # noqa: E731  (the sum of a log-sum-exp, scaled by exp(-m))
_SUM_B = lambda x, m, b: np.sum(b * np.exp(x - m))  # noqa: E731
_SUM_AXIS = lambda x, m, k: rt.sum_axis(np.exp(x - rt.expand_axis(m, k)), k)  # noqa: E731
_SUM_AXIS_B = lambda x, m, k, b: rt.sum_axis(b * np.exp(x - rt.expand_axis(m, k)), k)  # noqa: E731
_LOG = lambda s, m: np.log(s) + m  # noqa: E731
_LOG_ABS = lambda s, m: np.log(np.abs(s)) + m  # noqa: E731


def _softmax(lw, node, a):
    x, axis = a["x"], a["axis"]
    _axis(lw, node, axis)
    if axis is None:
        return lw.apply_template(_SOFTMAX, [x])
    return lw.apply_template(_SOFTMAX_AXIS, [x, lw.b.const(axis)])


def _log_softmax(lw, node, a):
    x, axis = a["x"], a["axis"]
    _axis(lw, node, axis)
    if axis is None:
        return lw.apply_template(_LOG_SOFTMAX, [x])
    return lw.apply_template(_LOG_SOFTMAX_AXIS, [x, lw.b.const(axis)])


def _SOFTMAX(x):
    e = np.exp(x - rt.stop_gradient(np.max(x)))
    return e / np.sum(e)


def _SOFTMAX_AXIS(x, k):
    e = np.exp(x - rt.expand_axis(rt.stop_gradient(rt.max_axis(x, k)), k))
    return e / rt.expand_axis(rt.sum_axis(e, k), k)


def _LOG_SOFTMAX(x):
    t = x - rt.finite_max(x)
    return t - np.log(np.sum(np.exp(t)))


def _LOG_SOFTMAX_AXIS(x, k):
    t = x - rt.expand_axis(rt.finite_max_axis(x, k), k)
    return t - rt.expand_axis(np.log(rt.sum_axis(np.exp(t), k)), k)


def _axis(lw, node, axis):
    if axis is not None and (not isinstance(axis, int) or isinstance(axis, bool)):
        lw.fail(node, f"axis={axis!r}", "pass one integer axis, or leave axis=None for the whole array")


def _keep(lw, v, x, axis):
    if axis is None:
        return lw.b.emit("call", [v, x], attrs={"fn": "rt.keep_all"})
    return lw.b.emit("call", [v, lw.b.const(axis)], attrs={"fn": "rt.expand_axis"})


# ---------------------------------------------------------------- scipy.linalg

def _solve_triangular(lw, node, a):
    trans = {0: 0, 1: 1, 2: 1, "N": 0, "T": 1, "C": 1}.get(a["trans"])
    if trans is None:
        lw.fail(node, f"trans={a['trans']!r}", "pass trans=0, 1, 2 or 'N', 'T', 'C'")
    if a["unit_diagonal"] is not False:
        lw.fail(node, "solve_triangular with unit_diagonal=True", "pass the matrix with its diagonal (or divide by it)")
    m = a["a"] if not trans else lw.call_rule(node, np.transpose, [a["a"]])
    lower = bool(a["lower"]) != bool(trans)  # the transpose of a lower triangle is an upper one
    return lw.b.emit("call", [m, a["b"]], attrs={"fn": "rt.solve_lower" if lower else "rt.solve_upper"})


def _factor(lw, node, a, lower):
    """The Cholesky factor SciPy computes: L from a's lower triangle, or U = L^T from its upper one."""
    if lower:
        return lw.call_rule(node, np.linalg.cholesky, [a])
    return lw.apply_template(_UPPER_FACTOR, [a])


_UPPER_FACTOR = lambda a: np.transpose(np.linalg.cholesky(np.transpose(a)))  # noqa: E731
_WITH_UPPER = lambda c, a: c + np.triu(a, 1)  # noqa: E731  (cho_factor's other triangle is a's)
_WITH_LOWER = lambda c, a: c + np.tril(a, -1)  # noqa: E731


def _cholesky(lw, node, a):
    return _factor(lw, node, a["a"], _flag(lw, node, a, "lower"))


def _cho_factor(lw, node, a):
    lower = _flag(lw, node, a, "lower")
    c = _factor(lw, node, a["a"], lower)
    other = _WITH_UPPER if lower else _WITH_LOWER
    return lw.expr_values([lw.apply_template(other, [c, a["a"]]), lw.b.const(lower)])


def _cho_solve(lw, node, a):
    pair = lw.tuples.get(getattr(a["c_and_lower"], "id", None))
    lower = lw.b.consts.get(pair[1].id) if pair is not None and len(pair) == 2 else None
    if not isinstance(lower, bool):
        lw.fail(node, "cho_solve of something other than the pair (c, lower) of cho_factor, lower a constant",
                "pass what cho_factor returned: cho_solve(cho_factor(a), b), or (c, True) written out")
    c = lw.as_value(pair[0], node)
    template = _CHO_LOWER if lower else _CHO_UPPER
    return lw.apply_template(template, [c, a["b"]])


_CHO_LOWER = lambda c, b: rt.solve_upper(np.transpose(c), rt.solve_lower(c, b))  # noqa: E731  (c c^T x = b)
_CHO_UPPER = lambda c, b: rt.solve_upper(c, rt.solve_lower(np.transpose(c), b))  # noqa: E731  (c^T c x = b)


def _flag(lw, node, a, name):
    if not isinstance(a[name], (bool, int)):
        lw.fail(node, f"{name}={a[name]!r}", f"write {name}=True or {name}=False")
    return bool(a[name])


# ---------------------------------------------------------------- the forms

def _special_forms(special):
    return {
        special.logsumexp: Form((("a", REQUIRED), ("axis", None), ("b", None), ("keepdims", False),
                                 ("return_sign", False)), _logsumexp, consts=("axis", "keepdims", "return_sign")),
        special.softmax: Form((("x", REQUIRED), ("axis", None)), _softmax, consts=("axis",)),
        special.log_softmax: Form((("x", REQUIRED), ("axis", None)), _log_softmax, consts=("axis",)),
        **nptemplates.scipy_forms(special, _template),
    }


def _template(template):
    """A Form of scipy.special's function that is `template` of rules written out (nptemplates)."""
    names = template.__code__.co_varnames[:template.__code__.co_argcount]
    return Form(tuple((n, REQUIRED) for n in names),
                lambda lw, node, bound: lw.apply_template(template, [bound[n] for n in names]))


def _linalg_forms(linalg):
    ignored = tuple((name, False) for name in _IGNORED)
    return {
        linalg.solve_triangular: Form((("a", REQUIRED), ("b", REQUIRED), ("trans", 0), ("lower", False),
                                       ("unit_diagonal", False)) + ignored, _solve_triangular,
                                      consts=("trans", "lower", "unit_diagonal") + _IGNORED),
        linalg.cholesky: Form((("a", REQUIRED), ("lower", False)) + ignored, _cholesky, consts=("lower",) + _IGNORED),
        linalg.cho_factor: Form((("a", REQUIRED), ("lower", False)) + ignored, _cho_factor,
                                consts=("lower",) + _IGNORED),
        linalg.cho_solve: Form((("c_and_lower", REQUIRED), ("b", REQUIRED)) + ignored, _cho_solve, consts=_IGNORED),
    }


_PENDING = [("scipy.special", _special_forms), ("scipy.linalg", _linalg_forms), ("scipy.stats", scistats.forms)]
FORMS = {}  # form_key(obj) -> Form


def _forms():
    """The forms of the SciPy modules imported so far."""
    for module, build in list(_PENDING):
        if module in sys.modules:
            FORMS.update({form_key(obj): form for obj, form in build(sys.modules[module]).items()})
            _PENDING.remove((module, build))
    return FORMS


def takes_keywords(lw, node, fn):
    """Whether the keywords of the call `node` of `fn` are bound here (a SciPy form's, or refused here
    with the reason)."""
    return fn is not None and is_form(lw, node, fn, None)


def is_form(lw, node, fn, args):
    """Whether the call of `fn` is a SciPy form, or a call of scipy.stats that is refused here."""
    return form_key(fn) in _forms() or scistats.is_distribution(getattr(fn, "__self__", fn))


def lower_form(lw, node, fn, args):
    form = FORMS.get(form_key(fn))
    if form is None:
        scistats.refuse(lw, node, fn)
    return form.lower(lw, node, bind(lw, node, form, args, _shown(fn)))


def static_attr(obj, name):
    """The compile-time object `obj.name` for a library object that is no module (a scipy.stats
    distribution's method), or None."""
    if scistats.is_distribution(obj) and callable(getattr(obj, name, None)):
        return Static(getattr(obj, name))
    return None


def _shown(fn):
    owner = getattr(fn, "__self__", None)
    if owner is not None and scistats.is_distribution(owner):
        return f"scipy.stats.{scistats.name_of(owner)}.{fn.__name__}"
    return f"{(getattr(fn, '__module__', None) or 'scipy.special').rsplit('._', 1)[0]}.{fn.__name__}"


def bind(lw, node, form, args, shown):
    """The arguments of the call, by name: values for the form's value parameters (None where
    left at a default of None), Python constants for its constant ones."""
    names = [p[0] for p in form.params]
    if len(args) > len(names):
        lw.fail(node, f"a call with {len(args)} arguments to {shown}", f"{shown} takes {', '.join(names)}")
    given = dict(zip(names, args))
    for k in node.keywords:
        if k.arg not in names or k.arg in given:
            lw.fail(k.value, f"the keyword {k.arg}= of {shown}", f"adc takes: {', '.join(names)}")
        given[k.arg] = k.value.value if k.arg in form.consts and _is_text(k.value) else lw.expr(k.value)
    out = {}
    for name, default in form.params:
        v = given.get(name, REQUIRED)
        if v is REQUIRED and default is REQUIRED:
            lw.fail(node, f"{shown} without {name}", f"pass {name}")
        if name in form.consts:
            out[name] = default if v is REQUIRED else _constant(lw, node, v, name, shown)
        elif v is REQUIRED or (isinstance(v, Static) and v.obj is None):
            out[name] = None if default is None else lw.b.const(default)
        else:
            out[name] = lw.as_value(v, node)
    return out


def _is_text(node):
    return type(node).__name__ == "Constant" and isinstance(node.value, str)


def _constant(lw, node, v, name, shown):
    if isinstance(v, str):
        return v
    if isinstance(v, Static) and v.obj is None:
        return None
    if isinstance(v, Value) and v.id in lw.b.consts:
        return lw.b.consts[v.id]
    lw.fail(node, f"a computed {name}= of {shown}", f"write {name} as a constant (it decides what adc computes)")
