"""The rule registry: how a call is spelled, typed and differentiated.

A `Rule` names one primitive: `key` is how generated code spells the call
(`np.sin`), `typer` gives its result type from its argument types, and
`vjp` is a template function `(g, y, *args) -> contribution(s)` whose body
is lowered into the backward sweep, so an adjoint reads like NumPy.
"""
from dataclasses import dataclass, field
import inspect
import sys

import gast

from ..errors import AdcTypeError
from ..frontend import parse_function
from ..ir import I64, T, TupleT, promote


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
    complex: str = None  # HOLOMORPHIC, OWN or None: what the templates do with complex arguments (see `admits`)
    shown: str = None  # how errors name the call in the user's code (np.sum(..., axis=...) for rt.sum_axis)
    defined_at: tuple = None  # (file, line) of the rule's definition in adc/rules, for `python -m adc rules`
    core: object = None  # (*arg types) -> the rank of each argument the rule takes (None: any); on stacks
    #                      of them (leading axes beyond) a call is batched, as np.linalg's functions are
    spelled: str = None  # how generated code calls it, where that is not its key (np.matmul as np.dot)

    def __post_init__(self):
        self.shown = self.shown or self.key
        self.spelled = self.spelled or self.key


# What a rule's templates do with complex arguments, in autograd's convention (the gradient of a real f
# at z = x + iy is df/dx - i df/dy, so that df = Re(sum(grad * dz))):
HOLOMORPHIC = "holomorphic"  # the real templates hold as written (analytic, or linear with real coefficients)
OWN = "own"  # complex arguments have templates of their own, chosen before the real ones
REAL = "real"  # refused for complex arguments (no complex derivative, or NumPy's complex meaning is not smooth)


RULES = {}  # key -> Rule
BY_OBJECT = {}  # id(python object) -> key
LOADERS = []  # called when `key_of` misses: they tie the objects of a library imported since to their rules


def defrule(key, *objs, typer, nondiff=False, broadcasting=False, pure=True, elementwise=False, linear=False,
            view=False, part=None, lead=0, scatter=False, complex=None, shown=None, spelled=None, core=None):
    """Register primitive `key`, called as `objs` in user code.

    `complex` says what its templates do with complex arguments (HOLOMORPHIC, OWN, REAL); by default a
    linear rule is holomorphic, a non-differentiable one admits them (its derivative is zero) and any
    other rule refuses them. `shown` is the call as the user writes it, for errors; `spelled` the
    callee generated code names, where that is not `key`."""
    if complex is None:
        complex = HOLOMORPHIC if linear or scatter else None
    rule = RULES[key] = Rule(key, None, nondiff=nondiff, broadcasting=broadcasting, pure=pure,
                             elementwise=elementwise, linear=linear, view=view, part=part, lead=lead,
                             scatter=scatter, complex=complex, shown=shown or _numpy_name(key, objs), spelled=spelled,
                             core=core)
    rule.typer = _admitting(rule, typer)
    rule.defined_at = _definition_site()
    for obj in objs:
        BY_OBJECT[id(obj)] = key
    return rule


def matmul_core(a, b):
    """The core ranks of a @ b: matrices (a vector stays one), batched over the leading axes."""
    return (min(a.ndim, 2), min(b.ndim, 2))


def batching(rule, types):
    """(depth, stacked) of a call of `rule` on `types`: how many leading axes it runs over (the
    arguments' ranks beyond the rule's core ranks, 0 when none has more) and which arguments are
    those stacks. Arguments of their core rank are passed whole to every call, as NumPy broadcasts
    one matrix against a stack; two stacks of different depth are an AdcTypeError."""
    if rule.core is None or not all(hasattr(t, "ndim") for t in types):
        return 0, [False] * len(types)
    stacked = [c is not None and t.ndim > c for t, c in zip(types, rule.core(*types))]
    extra = {t.ndim - c for t, c, s in zip(types, rule.core(*types), stacked) if s}
    if len(extra) > 1:
        raise AdcTypeError(f"stacks of arrays of different depths ({', '.join(str(t) for t in types)}): "
                           "adc batches stacks with the same leading axes")
    return (extra.pop() if extra else 0), stacked


def _definition_site():
    """(file, line) of the module-level statement that is defining a rule (through helpers or not)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name != "<module>":
        frame = frame.f_back
    return (frame.f_code.co_filename, frame.f_lineno) if frame is not None else None


def _numpy_name(key, objs):
    """np.reshape for a runtime helper that stands for np.reshape (rt.reshape), else None."""
    for obj in objs:
        module = getattr(obj, "__module__", None) or ""
        if module.startswith("numpy") and not key.startswith("np."):
            return ("np.linalg." if "linalg" in module else "np.") + obj.__name__
    return None


def complex_rules(kind, *keys):
    """Declare what the templates of rules `keys` do with complex arguments."""
    for key in keys:
        RULES[key].complex = kind


def admits_complex(rule):
    return rule.complex in (HOLOMORPHIC, OWN) or (rule.complex is None and rule.nondiff)


def _admitting(rule, typer):
    """`typer`, refusing complex arguments where the rule's templates would be wrong for them, and a
    number of arguments that none of its templates takes (np.diff(x, 2): its template is np.diff(x)'s)."""
    def typed(*types):
        if not admits_complex(rule) and any(getattr(t, "dtype", None) == "complex128" for t in _flat(types)):
            raise AdcTypeError(f"adc has no derivative of {rule.shown} for complex arguments; apply it to "
                               "real values (np.real(z), np.imag(z), np.abs(z)), or give it a rule with adc.primitive")
        counts = arities(rule)
        if counts and len(types) not in counts and None not in counts:
            raise AdcTypeError(f"{rule.shown} takes {' or '.join(map(str, sorted(counts)))} argument"
                               f"{'s' * (max(counts) > 1)} here; pass the others NumPy takes by their defaults")
        return typer(*types)
    return typed


def arities(rule):
    """The numbers of arguments the templates of `rule` take (None: any number), or an empty set."""
    counts = set()
    for templates, fixed in ((rule.templates, 2), (rule.jvp_templates, None)):
        for _, template in templates:
            params = inspect.signature(template).parameters.values()
            if any(p.kind == p.VAR_POSITIONAL for p in params):
                counts.add(None)
            else:  # a vjp template takes (g, y, *args), a jvp template (y, *args, *tangents)
                counts.add(len(params) - 2 if fixed else (len(params) - 1) // 2)
    return counts


def _flat(types):
    for t in types:
        if isinstance(t, TupleT):
            yield from _flat(t.elems)
        else:
            yield t


def shown(key):
    """How errors name the call of rule `key`."""
    rule = RULES.get(key)
    return rule.shown if rule is not None else key


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
        key = BY_OBJECT.get(id(obj))
    except TypeError:
        return None
    if key is None and LOADERS:
        for load in list(LOADERS):
            load()
        key = BY_OBJECT.get(id(obj))
    return key


# ---------------------------------------------------------------- typers

def _float_dtype(types):
    d = promote(*types)
    return "complex128" if d == "complex128" else "float64"


def float_of(*types):
    """The float dtype of a result computed from `types`: complex128 if any is complex, else float64."""
    return _float_dtype([t for t in _flat(types) if t is not None])


def inexact(*types):
    """A float (or complex) scalar from `types`: mean, trace, det."""
    return T(float_of(*types))


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
