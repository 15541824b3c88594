"""fence: reject what lies outside adc's differentiable subset.

Contract: takes a `Parsed` function; returns nothing when every node is in
the subset, and otherwise raises `AdcSyntaxError` naming the construct, its
location and what to write instead. Constructs that need name resolution
(calls without a rule, recursion) are checked by `lower`, which knows names.
"""
import types

import gast

from ..errors import fail

_REJECT = {
    gast.ClassDef: ("a class definition", "define the class outside the function and pass plain numbers or arrays in"),
    gast.AsyncFunctionDef: ("an async function", "differentiate a plain synchronous function"),
    gast.Await: ("await", "differentiate a plain synchronous function"),
    gast.AsyncFor: ("async for", "use a plain for loop over range(...)"),
    gast.AsyncWith: ("async with", "remove the context manager from the differentiated function"),
    gast.Yield: ("a generator (yield)", "return an array instead of yielding values"),
    gast.YieldFrom: ("a generator (yield from)", "return an array instead of yielding values"),
    gast.SetComp: ("a set comprehension", "use arrays; sets have no derivative"),
    gast.Try: ("try/except", "move error handling outside the differentiated function"),
    gast.With: ("a with statement", "move the context manager outside the differentiated function"),
    gast.Global: ("a global statement", "pass the value in as an argument and return the new one"),
    gast.Nonlocal: ("a nonlocal statement", "pass the value in as an argument and return the new one"),
    gast.Set: ("a set value", "use an array instead of a set"),
    gast.Starred: ("star-unpacking", "unpack into a fixed number of names: a, b = t"),
    gast.Raise: ("raise", "check inputs before calling the differentiated function"),
    gast.Import: ("an import inside the function", "import the module at the top of the file"),
    gast.ImportFrom: ("an import inside the function", "import the module at the top of the file"),
    gast.Delete: ("del", "leave the name bound; adc frees nothing by hand"),
    gast.JoinedStr: ("an f-string", "remove string formatting from the differentiated function"),
    gast.Match: ("a match statement", "use if/elif/else"),
    gast.NamedExpr: ("an assignment expression (:=)", "assign on its own line before using the value"),
}

_LIST_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update", "add"}


def fence(parsed, callee=False):
    """Raise AdcSyntaxError at the first construct outside the subset. A `callee` (a function the
    differentiated one calls) may take *args; star-unpacking is allowed in a call's arguments."""
    node = parsed.node
    _check_args(parsed, node.args, varargs=callee)
    starred = {id(a) for sub in gast.walk(node) if isinstance(sub, gast.Call) for a in sub.args
               if isinstance(a, gast.Starred)}
    for sub in gast.walk(node):
        if id(sub) not in starred:
            _check_node(parsed, sub)


def _names_module(parsed, node):
    """`np` in `np.add(...)`, `cuda.atomic` in `cuda.atomic.add(...)`: a module (or an attribute of
    one), not a container being mutated."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name) and isinstance(parsed.resolve(node.id), types.ModuleType)


def _check_args(parsed, args, varargs=False):
    if args.vararg is not None and not varargs:
        fail("*args", parsed.loc(args.vararg), "list the parameters one by one, or pass an array")
    if args.kwarg is not None:
        fail("**kwargs", parsed.loc(args.kwarg), "list the parameters one by one")
    if args.kwonlyargs or args.posonlyargs:
        bad = (args.kwonlyargs or args.posonlyargs)[0]
        fail("keyword-only or positional-only parameters", parsed.loc(bad), "use plain positional parameters")


def _check_node(parsed, sub):
    for kind, (what, hint) in _REJECT.items():
        if isinstance(sub, kind):
            fail(what, parsed.loc(sub), hint)
    if (isinstance(sub, gast.Call) and isinstance(sub.func, gast.Attribute) and sub.func.attr in _LIST_MUTATORS
            and not _names_module(parsed, sub.func.value)):
        fail(f"list or container mutation (.{sub.func.attr})", parsed.loc(sub),
             "preallocate an array with np.zeros(n) and write elements: x[i] = v")
    if isinstance(sub, (gast.FunctionDef, gast.Lambda)) and sub is not parsed.node:
        _check_args(parsed, sub.args, varargs=True)
    if isinstance(sub, gast.Call) and sub.keywords and any(k.arg is None for k in sub.keywords):
        fail("**kwargs in a call", parsed.loc(sub), "pass keyword arguments by name")
