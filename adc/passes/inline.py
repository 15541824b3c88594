"""inline: the derivative rules' templates and user rules, lowered into the IR a pass builds.

Contract: `inline_template` and `inline_rule` lower the body of a rule
function (adc's own templates in adc/rules, or a user primitive's bwd or
jvp) applied to IR values, appending its ops at the cursor of the caller's
`Builder`, and return the values of its result the caller asks for;
`inline_function` does the same for a function of adc's own that a pass
emits whole (adc.odeint's backward drivers), whose arguments may be
compile-time objects (`Static`) and which may take *args. The
rule's names are its own; its ops keep the builder's location (that of the
op whose derivative they are part of). The reverse and forward passes use
them to emit adjoints and tangents; lowering applies templates the same way
(`Lowerer.apply_template`, np.einsum).
"""
from ..frontend import parse_function
from ..ir import Value
from .fence import fence
from .lower.lowerer import Lowerer
from .lower.values import Captures


def inline_template(builder, template, args, which):
    """Lower rule `template` applied to `args`; return the contributions numbered `which`."""
    return Lowerer.for_template(builder, template).lower_template(args, which)


def inline_rule(builder, fn, args, residuals=None, which=None, known=None):
    """Inline user rule `fn` (a bwd or jvp): `residuals`, when given, are bound as a static
    tuple to its first parameter; `known` are the captured values `Lowerer.rule_captures` made.
    Returns the elements `which` of its tuple result, or its result."""
    parsed = parse_function(fn)
    fence(parsed)
    captures = Captures()
    captures.by_key.update(known or {})
    lw = Lowerer(parsed, builder, captures, [fn], track_loc=False)
    if residuals is not None:
        res = Value("res")
        captures.tuples[res.id] = list(residuals)
        args = [res] + list(args)
    out = lw.lower_callable(parsed.node, args)
    if which is None:
        return out
    parts = captures.tuples.get(out.id)
    if parts is None:
        return [out]
    return [parts[k] for k in which]


def inline_function(builder, fn, args):
    """Lower Python function `fn` applied to `args` (values, or Static objects such as an
    `Inlined` IR function); return its result. It reads no numbers or arrays from globals."""
    parsed = parse_function(fn)
    fence(parsed, callee=True)
    lw = Lowerer(parsed, builder, Captures(), [fn], track_loc=False)
    return lw.lower_callable(parsed.node, args)
