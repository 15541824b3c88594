"""Frontend: from a Python function object to its gast tree and name resolver.

Contract: `parse_function(fn)` returns a `Parsed` holding the `FunctionDef`
or `Lambda` node of `fn` (line and column numbers as in the user's file),
a `loc(node)` function, and `resolve(name)` that finds a free name in the
function's closure, then its globals, then builtins.
"""
import builtins
import inspect
import linecache
import textwrap
from dataclasses import dataclass

import gast

from .errors import AdcSourceError, Loc

_MISSING = object()


@dataclass
class Parsed:
    fn: object
    node: object  # gast.FunctionDef | gast.Lambda
    file: str
    line0: int  # line offset added to the node's line numbers
    col0: int  # column offset removed by dedent

    @property
    def name(self):
        return getattr(self.node, "name", None) or "lambda"

    @property
    def arg_names(self):
        return [a.id for a in self.node.args.args]

    def loc(self, node):
        line = getattr(node, "lineno", None)
        if line is None:
            return None
        line += self.line0
        text = linecache.getline(self.file, line).rstrip("\n")
        return Loc(self.file, line, node.col_offset + self.col0, text)

    def resolve(self, name):
        """The object `name` names inside the function, or _MISSING."""
        code = self.fn.__code__
        if name in code.co_freevars and self.fn.__closure__:
            cell = self.fn.__closure__[code.co_freevars.index(name)]
            try:
                return cell.cell_contents
            except ValueError:
                return _MISSING
        if name in self.fn.__globals__:
            return self.fn.__globals__[name]
        return getattr(builtins, name, _MISSING)


def missing(obj):
    return obj is _MISSING


def parse_function(fn):
    """Parse `fn`'s source into a `Parsed`; AdcSourceError when there is none."""
    fn = inspect.unwrap(fn)
    if not inspect.isfunction(fn):
        raise AdcSourceError(f"adc differentiates Python functions; got {type(fn).__name__} {fn!r}")
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        raise AdcSourceError(
            f"adc cannot read the source of {fn.__qualname__}: {exc}.\n"
            "  hint: adc differentiates functions defined in a file (a module or a notebook cell);\n"
            "  a function typed at the interactive prompt or made by exec() has no source to read."
        ) from None
    raw = "".join(lines)
    text = textwrap.dedent(raw)
    col0 = len(lines[0]) - len(lines[0].lstrip()) - (len(text.splitlines()[0]) - len(text.splitlines()[0].lstrip()))
    tree = _parse_snippet(text, fn)
    file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    node = _find_node(tree, fn, start - 1, len(lines[0]) - len(lines[0].lstrip()) - (len(text) - len(text.lstrip())))
    return Parsed(fn, node, file, start - 1, col0)


def _parse_snippet(text, fn):
    try:
        return gast.parse(text)
    except SyntaxError:
        pass
    body = text.strip().rstrip(",")
    while body:  # a lambda inside a larger expression or a dict entry: its lines, less the closing brackets
        for left, right in ("()", "{}"):
            try:
                return gast.parse(left + body + right)
            except SyntaxError:
                pass
        if body[-1] not in ")]},":
            break
        body = body[:-1].rstrip()
    raise AdcSourceError(f"adc cannot parse the source of {fn.__qualname__}")


def _find_node(tree, fn, line0, dedent):
    code = fn.__code__
    if fn.__name__ != "<lambda>":
        for node in gast.walk(tree):
            if isinstance(node, gast.FunctionDef) and node.name == fn.__name__:
                return node
        raise AdcSourceError(f"adc cannot find the definition of {fn.__qualname__} in its source")
    lambdas = [n for n in gast.walk(tree) if isinstance(n, gast.Lambda)]
    want = [(ln - line0, col - dedent) for ln, _, col, _ in code.co_positions() if ln is not None and col is not None]
    for lam in lambdas:
        body = lam.body
        span = ((body.lineno, body.col_offset), (body.end_lineno, body.end_col_offset))
        if any(span[0] <= w <= span[1] for w in want) and len(lam.args.args) == code.co_argcount:
            return lam
    if len(lambdas) == 1:
        return lambdas[0]
    raise AdcSourceError(f"adc cannot tell which lambda on line {code.co_firstlineno} is {fn!r}")
