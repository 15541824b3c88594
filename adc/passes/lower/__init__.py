"""lower: gast -> structured SSA IR.

Contract: takes a fenced `Parsed` function; returns an untyped `ir.Function`
in SSA form. Names are resolved here: locals to SSA values, globals and
closure cells holding numbers or arrays to captured parameters, modules and
functions to static objects. Calls to user functions, nested defs and
lambdas are inlined from their own source. `break`, `continue` and `return`
inside loops or branches become boolean flags: the statements after them run
under `if not flag`, and a loop that can break becomes a `while`.

The package, one concern a module: lowerer.py (the `Lowerer`, assembled
from the others), statements.py (assignments, branches, jump flags),
loops.py, scopes.py (names where paths join), expressions.py, indexing.py,
calls.py (the table of what a called object can be), npcalls.py (NumPy call
forms), reductions.py (reductions along an axis), npsplits.py (splits),
nptemplates.py (functions written as templates of rules), pycalls.py (builtins
and the operator module), scicalls.py and scistats.py (SciPy's forms), draws.py
(random draws from NumPy's generators),
containers.py (lists, tuples and dicts of fixed structure, loops over them
unrolled), functions.py (inlining from source, rule templates), values.py
(what a name stands for, captures) and syntax.py (queries of the syntax tree).
"""
from ...ir import Function, Value, uses, walk
from ...trees import LEAF, leaf_names
from ..builder import Builder
from .lowerer import Lowerer
from .values import Captures, LocalFn


def lower(parsed, trees=None):
    """The IR of the parsed function `parsed`; `trees` gives the structure (adc.trees) of each
    argument that is a container, whose leaves are then parameters of their own."""
    builder = Builder()
    lw = Lowerer(parsed, builder, Captures(), [parsed.fn])
    params, args = [], []
    for name, tree in zip(parsed.arg_names, trees or [LEAF] * len(parsed.arg_names)):
        leaves = [Value(n) for n in leaf_names(name, tree)]
        params += leaves
        args.append(lw.bind_tree(tree, iter(leaves)))
    result = lw.lower_callable(parsed.node, args)
    if not isinstance(result, Value):
        what = "a function" if isinstance(result, LocalFn) else f"'{getattr(getattr(result, 'obj', result), '__name__', result)}'"
        lw.fail(parsed.node, f"a function that returns {what}, not a number or array",
                "differentiate the function it returns: adc.grad(lambda x: make(y)(x)), with y fixed")
    builder.region.yields = [result]
    _drop_unused_undefs(builder.region)
    return Function(parsed.name, params, builder.region, parsed.loc(parsed.node), lw.captures.values)


def _drop_unused_undefs(body):
    """Placeholders a tuple's element placeholders replaced: nothing reads them, nothing types them."""
    count = uses(body)
    for region in [body] + [r for op in walk(body) for r in op.regions]:
        region.ops = [op for op in region.ops if op.opname != "undef" or count.get(op.result.id, 0)]
