"""irtext: adc's IR as text, printed and parsed back.

Contract: `format_function(fn)` writes a `Function` one op a line,

    func name(%x: float64, %A: float64[:,:]) -> (value, gradient)
      %t = binop{op='mul'}(%x, %x) : float64
      %s = for(%c0, %n, %c1, %t) : float64
        {
          ^(%i: int64, %acc: float64)
          ...
          yield %acc
        }
      yield %s

the roles of its outputs after `->` when a pass gave them, `stack in` or `stack out` when its
stack is not its own; values as `%name.id` (or, with `ids=False`, `%name`, and `%name_2`, `%name_3` ... for later
values of a name already printed, so that a pass's output compares as text); attributes as
Python literals. `parse_function(text)` reads that text back into a `Function` (any token
`%...` names one value; attributes must be Python literals), so that a pass can be tested on
its own: IR in, IR out.
"""
import ast
import re

from .errors import AdcError
from .ir import Function, Op, Region, Stack, T, TupleT, Value, walk


# ---------------------------------------------------------------- printing

def _fmt_attrs(attrs):
    def show(v):
        return getattr(v, "__name__", None) or repr(v)
    return "{" + ", ".join(f"{k}={show(v)}" for k, v in attrs.items()) + "}" if attrs else ""


class _Printer:
    def __init__(self, fn, ids):
        self.shown = {}
        if not ids:
            count = {}
            values = list(fn.params) + [v for v, _ in fn.captured]
            for op in walk(fn.body):
                values += [p for r in op.regions for p in r.params] + list(op.results)
            for v in values:
                k = count[v.name] = count.get(v.name, 0) + 1
                self.shown[v.id] = f"%{v.name}" if k == 1 else f"%{v.name}_{k}"

    def val(self, v):
        return self.shown.get(v.id) or repr(v)

    def vals(self, vs):
        return ", ".join(self.val(v) for v in vs)

    def typed(self, vs):
        return ", ".join(f"{self.val(p)}: {p.type}" for p in vs)

    def region(self, region, indent, out):
        pad = "  " * indent
        if region.params:
            out.append(f"{pad}^({self.typed(region.params)})")
        for op in region.ops:
            res = f"{self.vals(op.results)} = " if op.results else ""
            types = f" : {', '.join(str(r.type) for r in op.results)}" if op.results else ""
            out.append(f"{pad}{res}{op.opname}{_fmt_attrs(op.attrs)}({self.vals(op.args)}){types}")
            for r in op.regions:
                out.append(f"{pad}  {{")
                self.region(r, indent + 2, out)
                out.append(f"{pad}  }}")
        out.append(f"{pad}yield {self.vals(region.yields)}")


def format_function(fn, ids=True):
    """The IR of `fn` as text, one op a line."""
    p = _Printer(fn, ids)
    roles = f" -> ({', '.join(fn.roles)})" if fn.roles is not None else ""
    stack = f" stack {fn.stack.value}" if fn.stack is not Stack.OWN else ""
    out = [f"func {fn.name}({p.typed(fn.params)}){roles}{stack}"]
    p.region(fn.body, 1, out)
    return "\n".join(out)


# ---------------------------------------------------------------- parsing

class IRParseError(AdcError):
    """Text that is not adc's IR as `format_function` writes it."""


_OP = re.compile(r"^(?:(?P<res>%[^=]+?) = )?(?P<name>\w+)(?P<attrs>\{.*\})?\((?P<args>[^()]*)\)(?: : (?P<types>.+))?$")


def parse_type(text):
    text = text.strip()
    if text == "None":
        return None
    if text.startswith("("):
        inner = text[1:-1].strip()
        return TupleT(tuple(parse_type(t) for t in _split(inner) if t.strip()))
    m = re.fullmatch(r"(\w+)(?:\[([:,]*)\])?", text)
    if m is None:
        raise IRParseError(f"not a type: {text!r}")
    return T(m.group(1), m.group(2).count(":") if m.group(2) is not None else 0)


def _split(text):
    """`text` split at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


class _Parser:
    def __init__(self, text):
        self.lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        self.k = 0
        self.values = {}

    def value(self, token, t=None):
        token = token.strip()
        if not token.startswith("%"):
            raise IRParseError(f"not a value: {token!r}")
        if token not in self.values:
            name = re.sub(r"\.\d+$", "", token[1:])
            self.values[token] = Value(name, t)
        v = self.values[token]
        if t is not None:
            v.type = t
        return v

    def typed(self, text):
        out = []
        for part in _split(text):
            token, _, t = part.partition(":")
            out.append(self.value(token, parse_type(t)))
        return out

    def function(self):
        m = re.fullmatch(r"func (\w+)\((.*?)\)(?: -> \((.*)\))?(?: stack (\w+))?", self.lines[0])
        if m is None:
            raise IRParseError(f"a function starts `func name(params) [-> (roles)] [stack in|out]`: {self.lines[0]!r}")
        self.k = 1
        roles = [r.strip() for r in m.group(3).split(",")] if m.group(3) is not None else None
        return Function(m.group(1), self.typed(m.group(2)), self.region(),
                        roles=roles, stack=Stack(m.group(4) or "own"))

    def region(self):
        region = Region()
        if self.lines[self.k].startswith("^("):
            region.params = self.typed(self.lines[self.k][2:-1])
            self.k += 1
        while not self.lines[self.k].startswith("yield"):
            region.ops.append(self.op(self.lines[self.k]))
        region.yields = [self.value(t) for t in _split(self.lines[self.k][len("yield"):])]
        self.k += 1
        return region

    def op(self, line):
        m = _OP.match(line)
        if m is None:
            raise IRParseError(f"not an op: {line!r}")
        self.k += 1
        types = [parse_type(t) for t in _split(m.group("types") or "")]
        results = [self.value(t, ty) for t, ty in zip(_split(m.group("res") or ""), types)]
        op = Op(m.group("name"), [self.value(t) for t in _split(m.group("args"))], results, _attrs(m.group("attrs")))
        while self.k < len(self.lines) and self.lines[self.k] == "{":
            self.k += 1
            op.regions.append(self.region())
            if self.lines[self.k] != "}":
                raise IRParseError(f"a region ends with `}}`: {self.lines[self.k]!r}")
            self.k += 1
        return op


def _attrs(text):
    if not text:
        return {}
    call = ast.parse(f"f({text[1:-1]})", mode="eval").body
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}


def parse_function(text):
    """The `Function` that `text` (as `format_function` writes it) describes."""
    return _Parser(text).function()
