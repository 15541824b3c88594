"""The rule registry: how a call is spelled, typed and differentiated.

A `Rule` names one primitive: `key` is how generated code spells the call
(`np.sin`), `typer` gives its result type from its argument types, and
`vjp` is a template function `(g, y, *args) -> contribution(s)` whose body
is lowered into the backward sweep, so an adjoint reads like NumPy.
"""
from dataclasses import dataclass, field
import inspect

from ..errors import AdcTypeError
from ..ir import F64, I64, T, TupleT, promote


@dataclass
class Rule:
    key: str
    typer: object
    nondiff: bool = False  # zero derivative: integer valued or piecewise constant
    broadcasting: bool = False  # binary elementwise: contributions are unbroadcast
    pure: bool = True
    elementwise: bool = False  # diagonal Jacobian: the vjp template applied to a tangent is the jvp
    templates: list = field(default_factory=list)  # (when(*arg types) -> bool, vjp template)
    jvp_templates: list = field(default_factory=list)  # (when, jvp template)
    linear: bool = False  # linear in its float arguments: the tangent is the call on the tangents
    view: bool = False  # may return a view of its first argument (no writes through it)
    part: str = None  # variadic (axis?, *xs): key of the helper giving the adjoint part of xs[k]
    lead: int = 0  # arguments before the variadic ones
    scatter: bool = False  # call(buf, index, g) adds g into buf at index (an effect, no result)


RULES = {}  # key -> Rule
BY_OBJECT = {}  # id(python object) -> key


def defrule(key, *objs, typer, nondiff=False, broadcasting=False, pure=True, elementwise=False, linear=False,
            view=False, part=None, lead=0, scatter=False):
    """Register primitive `key`, called as `objs` in user code."""
    RULES[key] = Rule(key, typer, nondiff=nondiff, broadcasting=broadcasting, pure=pure, elementwise=elementwise,
                      linear=linear, view=view, part=part, lead=lead, scatter=scatter)
    for obj in objs:
        BY_OBJECT[id(obj)] = key
    return RULES[key]


def vjp(key, when=None):
    """Decorator: the function's body is the adjoint template of `key`.

    `when(*arg_types)` picks among several templates of one key (by ndim).
    The template's parameters are (g, y, *args): the cotangent, the primal
    output and the primal inputs; it returns one contribution per input.
    """
    def attach(template):
        RULES[key].templates.append((when or (lambda *types: True), template))
        return template
    return attach


def jvp(key, when=None):
    """Decorator: the function's body is the tangent template of `key`.

    Its parameters are (y, *args, *tangents); it returns one term per input
    (the term of an inactive input is never evaluated) and the terms add up
    to the output's tangent.
    """
    def attach(template):
        RULES[key].jvp_templates.append((when or (lambda *types: True), template))
        return template
    return attach


def jvp_template_for(rule, arg_types):
    for when, template in rule.jvp_templates:
        if when(*arg_types):
            return template
    return None


def template_for(rule, arg_types, which):
    """(template, indices of the primal values that contributions `which` read:
    0 is y, k is argument k-1), or None when no template fits the types."""
    for when, template in rule.templates:
        if when(*arg_types):
            names = list(inspect.signature(template).parameters)[1:]
            read = _reads(template, which)
            return template, tuple(k for k, n in enumerate(names) if n in read)
    return None


_READS = {}


def _reads(template, which):
    """Names read by the statements of `template` and its return elements `which`."""
    import gast
    from ..frontend import parse_function
    key = (template, tuple(which))
    if key not in _READS:
        node = parse_function(template).node
        if isinstance(node, gast.Lambda):
            stmts, ret = [], node.body
        else:
            stmts, ret = node.body[:-1], node.body[-1].value
        parts = [ret.elts[k] for k in which] if isinstance(ret, gast.Tuple) else [ret]
        _READS[key] = {n.id for part in stmts + parts for n in gast.walk(part)
                       if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
    return _READS[key]


def key_of(obj):
    """The rule key for a Python object, or None."""
    try:
        return BY_OBJECT.get(id(obj))
    except TypeError:
        return None


# ---------------------------------------------------------------- typers

def _float_dtype(types):
    d = promote(*types)
    return "complex128" if d == "complex128" else "float64"


def elementwise(*types):
    """A float result broadcast over the arguments."""
    return T(_float_dtype(types), max(t.ndim for t in types))


def same_dtype(*types):
    """A result of the promoted dtype of the arguments, broadcast over them."""
    return T(promote(*types), max(t.ndim for t in types))


def first(*types):
    return types[0]


def reduction(*types):
    return types[0].scalar() if types[0].dtype != "bool" else I64


def to_float(*types):
    return F64


def to_int(*types):
    return I64


def to_bool(*types):
    return T("bool", max(t.ndim for t in types))


def scalar_only(typer):
    def check(*types):
        if any(isinstance(t, TupleT) or t.ndim for t in types):
            raise AdcTypeError("this function takes scalars; use the NumPy function for arrays")
        return typer(*types)
    return check
