"""Frontend: from a Python function object to its gast tree and name resolver.

Contract: `parse_function(fn)` returns a `Parsed` holding the `FunctionDef`
or `Lambda` node of `fn` (line and column numbers as in the user's file),
a `loc(node)` function, and `resolve(name)` that finds a free name in the
function's closure, then its globals, then builtins.

The source text is tied to the function object that runs: the parsed text is
compiled and its code compared with `fn.__code__`; a file edited after the
function was defined is an AdcSourceError, never the derivative of other code.

While `recording()` is active, every function parsed and every name resolved
(free names of functions, attributes of modules) is noted: the derivative's
cache entry is keyed on exactly what the compiler read.
"""
import builtins
import contextlib
import contextvars
import hashlib
import inspect
import linecache
import sys
import textwrap
import types
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
        obj = free_name(self.fn, name)
        _note(self.fn, "free", name, obj)
        return obj


def free_name(fn, name):
    """What `name` means inside function `fn`, as Python finds it: closure cell, globals, builtins."""
    code = fn.__code__
    if name in code.co_freevars and fn.__closure__:
        try:
            return fn.__closure__[code.co_freevars.index(name)].cell_contents
        except ValueError:  # an empty cell
            return _MISSING
    if name in fn.__globals__:
        return fn.__globals__[name]
    return getattr(builtins, name, _MISSING)


def module_attr(module, name):
    """`module.name`, or _MISSING (noted while recording)."""
    obj = getattr(module, name, _MISSING)
    _note(module, "attr", name, obj)
    return obj


_LIBRARIES = {"numpy", "scipy", "numba", "adc", "adc_runtime"}


def is_library_module(module):
    """NumPy, SciPy and the standard library: their numbers (np.pi, math.e) are constants."""
    root = module.__name__.split(".")[0]
    return root in _LIBRARIES or root in sys.stdlib_module_names


class ModuleScope:
    """Where a number read as a module attribute (`cmod.C`) is found at each call."""

    def __init__(self, module):
        self.module = module

    def resolve(self, name):
        return getattr(self.module, name, _MISSING)


def missing(obj):
    return obj is _MISSING


MISSING = _MISSING


class Recorder:
    """What one build read: the functions parsed (with a digest of their text) and the
    names resolved, as edges (scope, step, name) -> object, step "free" or "attr"."""

    def __init__(self):
        self.parsed = {}  # id(fn) -> (fn, text digest)
        self.edges = {}  # (id(scope), step, name) -> (scope, step, name, obj)


_RECORDER = contextvars.ContextVar("adc_recorder", default=None)


@contextlib.contextmanager
def recording():
    """Note, in the current thread, what the compiler reads; yields the Recorder."""
    rec = Recorder()
    token = _RECORDER.set(rec)
    try:
        yield rec
    finally:
        _RECORDER.reset(token)


def _note(scope, step, name, obj):
    rec = _RECORDER.get()
    if rec is not None:
        rec.edges.setdefault((id(scope), step, name), (scope, step, name, obj))


def read_source(fn):
    """(source lines, first line) of function `fn`, checked against the code that runs."""
    fn = inspect.unwrap(fn)
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        raise AdcSourceError(
            f"adc cannot read the source of {fn.__qualname__}: {exc}.\n"
            "  hint: adc differentiates functions defined in a file (a module or a notebook cell);\n"
            "  a function typed at the interactive prompt or made by exec() has no source to read."
        ) from None
    file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    module = sys.modules.get(fn.__module__)
    _check_code("".join(linecache.getlines(file, getattr(module, "__dict__", None))), fn, file)
    return lines, start


def parse_function(fn, source=None):
    """Parse `fn`'s source (or `source`, from `read_source`) into a `Parsed`; AdcSourceError when
    there is none, or when the text is not the source of the code object that runs."""
    fn = inspect.unwrap(fn)
    if not inspect.isfunction(fn):
        raise AdcSourceError(f"adc differentiates Python functions; got {type(fn).__name__} {fn!r}")
    lines, start = source if source is not None else read_source(fn)
    lines = _whole(fn, lines, start)
    raw = "".join(lines)
    text = textwrap.dedent(raw)
    col0 = len(lines[0]) - len(lines[0].lstrip()) - (len(text.splitlines()[0]) - len(text.splitlines()[0].lstrip()))
    tree = _parse_snippet(text, fn)
    file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    node = _find_node(tree, fn, start - 1, len(lines[0]) - len(lines[0].lstrip()) - (len(text) - len(text.lstrip())))
    rec = _RECORDER.get()
    if rec is not None:
        rec.parsed.setdefault(id(fn), (fn, hashlib.sha256(raw.encode()).hexdigest()[:20]))
    return Parsed(fn, node, file, start - 1, col0)


_COMPILED = {}  # (file, digest of its text) -> its code, or None when it does not compile


def _check_code(whole, fn, file):
    """AdcSourceError unless the text of `fn`'s file, as it is now, compiles to a function of
    `fn`'s name and first line with the same bytecode, names, constants and lines."""
    key = (file, hashlib.sha256(whole.encode()).hexdigest())
    if key not in _COMPILED:
        try:
            _COMPILED[key] = compile(whole, file, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            _COMPILED[key] = None
        if len(_COMPILED) > 256:
            _COMPILED.pop(next(iter(_COMPILED)))
    compiled, want = _COMPILED[key], _code_shape(fn.__code__)
    if compiled is None or not any(_code_shape(c) == want for c in _code_objects(compiled)
                                   if c.co_name == fn.__code__.co_name
                                   and c.co_firstlineno == fn.__code__.co_firstlineno):
        raise AdcSourceError(
            f"the source of {fn.__qualname__} in {file} (line {fn.__code__.co_firstlineno}) is not the code "
            "that runs: the file was edited after the function was defined.\n"
            "  hint: reload the module (importlib.reload) or restart Python, then make the derivative again")


def _code_objects(code):
    yield code
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from _code_objects(c)


def _code_shape(code):
    """What a function's text decides: its bytecode, names, constants, nested functions and lines."""
    consts = tuple(_code_shape(c) if isinstance(c, types.CodeType) else (type(c).__name__, repr(c))
                   for c in code.co_consts)
    lines = tuple(sorted({ln for _, _, ln in code.co_lines() if ln is not None}))
    return (code.co_name, code.co_code, code.co_argcount, code.co_kwonlyargcount, code.co_names, code.co_varnames,
            code.co_freevars, code.co_cellvars, consts, lines)


def _whole(fn, lines, start):
    """`lines` extended to the last line `fn`'s code runs: inspect cuts a lambda whose expression
    goes on after a line that closes a call (`lambda x: f(x)` then `/ n` on the next line), and
    parsing the cut text would lose the rest of it."""
    last = max((ln for _, ln, _, _ in fn.__code__.co_positions() if ln is not None), default=0)
    have = start + len(lines) - 1
    if last <= have:
        return lines
    file = inspect.getsourcefile(fn) or fn.__code__.co_filename
    more = linecache.getlines(file)[have:last]
    return list(lines) + more


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
