"""codegen: structured SSA IR -> readable Python source.

Contract: takes a typed `Function`; returns the source of one Python
function (plus its imports) that NumPy, `math` and `adc_runtime` suffice
to run, and that Numba can compile. Each value becomes a variable named
after the user's variable; a value read once, right where it is made,
is folded into the expression that reads it; constants are written in
place; loop-carried values share one name where that is safe. Adjoint code
is grouped under `# grad of: <line>` comments.
"""
import keyword
import re

from .ir import Region, pattern_text, walk
from .passes.reverse.stack import COMPLEX_SLOTS

_IMPORTS = (("math.", "import math"), ("np.", "import numpy as np"), ("rt.", "import adc_runtime as rt"),
            ("la.", "import adc_runtime.linalg as la"), ("numba.", "import numba.extending"))
_STACK = ("_fstack", "_fsp", "_istack", "_isp")


def _stack(level):
    """The stack variables of one level: 0 is a derivative's own tape, 1 and 2 the tape and the
    adjoint stack of a derivative taken of a derivative."""
    suffix = str(level) if level else ""
    return tuple(name + suffix for name in _STACK)


def _level(op):
    return op.attrs.get("level", 0)

_BIN = {"add": ("+", 11), "sub": ("-", 11), "mul": ("*", 12), "div": ("/", 12), "floordiv": ("//", 12),
        "mod": ("%", 12), "pow": ("**", 14)}
_CMP = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}
_ATOM = 20
_BARRIERS = {"setitem", "setslice", "iadd_slice", "iadd", "iadd_item", "for", "while", "if", "push", "pop", "reserve", "comment", "stack_check",
             "stack_save", "stack_restore"}
_PURE = {"binop", "unop", "cmp", "logic", "call", "getitem", "getslice", "shape", "len", "size", "tuple", "cast",
         "custom", "extern"}


def generate(fn):
    """The Python source text of `fn` (a Function, or a tuple of them for one module)."""
    fns = fn if isinstance(fn, tuple) else (fn,)
    helpers = _ufunc_helpers(fns)
    body = "".join("\n\n" + _Gen(f, helpers).source() for f in fns)
    body = "".join("\n\n" + _ufunc_helper(key, name) for key, name in helpers.items()) + body
    used = [line for prefix, line in _IMPORTS if re.search(r"\b" + re.escape(prefix), body)]
    used += sorted({f"from {home} import {callee}" for home, callee, _, _ in helpers})
    return "\n".join(used) + "\n" + body


def allocated_levels(fn):
    """The stack levels `fn` allocates: every level it pushes to or pops from, less one it receives."""
    used = {_level(op) for op in walk(fn.body) if op.opname in ("push", "pop", "stack_check", "stack_save")}
    return used - ({0} if fn.stack == "in" else set()) | ({0} if fn.stack == "out" else set())


def takes_sizes(fn):
    """Whether generated `fn` takes the `_sizes` array (a stack of its own, outside debug mode)."""
    return bool(allocated_levels(fn)) and not _debug(fn)


def _debug(fn):
    """Debug mode (exact stacks, so that overruns show): the function checks its stack is empty."""
    return any(op.opname == "stack_check" for op in walk(fn.body))


def _ufunc_key(op):
    return op.attrs["home"], op.attrs["callee"], tuple(a.type for a in op.args), op.result.type


def _ufunc_helpers(fns):
    """A helper function per call signature of another library's ufunc (see adc/externs.py):
    key -> its name."""
    keys = list(dict.fromkeys(_ufunc_key(op) for f in fns for op in walk(f.body)
                              if op.opname == "extern" and "home" in op.attrs))
    names, count = {}, {}
    for key in keys:
        k = count[key[1]] = count.get(key[1], 0) + 1
        names[key] = f"{key[1]}_call{'' if k == 1 else k}"
    return names


def _ufunc_helper(key, name):
    """Numba calls another library's ufunc in object mode; CPython calls it as it is."""
    _, callee, arg_types, result = key
    params = ", ".join(f"a{k}" for k in range(len(arg_types)))
    return (f"@numba.extending.register_jitable\ndef {name}({params}):\n"
            f"    with numba.objmode(y={_numba_type(result)!r}):\n        y = {callee}({params})\n    return y\n")


class _Gen:
    def __init__(self, fn, helpers):
        self.fn, self.helpers = fn, helpers
        self.defs = {r.id: op for op in walk(fn.body) for r in op.results}
        self.consts = {op.result.id: op.attrs["value"] for op in walk(fn.body) if op.opname == "const"}
        self.folded = _foldable(fn, self.consts)
        self.names = _Names(fn, self.folded, self.consts).assign(_reserved(helpers))
        self.lines = []
        self.debug = _debug(fn)

    # ------------------------------------------------------------ text of values

    def name(self, v):
        return self.names[v.id]

    def ref(self, v, prec=0):
        """How an operand is written where it is read, parenthesised above `prec`."""
        if v.id in self.consts:
            text, p = _literal(self.consts[v.id])
        elif v.id in self.folded:
            text, p = self.expr(self.defs[v.id])
        else:
            return self.name(v)
        return f"({text})" if p < prec else text

    def expr(self, op):
        """(text, precedence) of a pure op."""
        a = op.args
        kind = op.opname
        if kind == "binop":
            sym, p = _BIN[op.attrs["op"]]
            if sym == "**":
                return f"{self.ref(a[0], p + 1)} ** {self.ref(a[1], p)}", p
            return f"{self.ref(a[0], p)} {sym} {self.ref(a[1], p + 1)}", p
        if kind == "unop":
            if op.attrs["op"] == "not":
                return f"not {self.ref(a[0], 5)}", 5
            return f"-{self.ref(a[0], 14)}", 13
        if kind == "cmp":
            return f"{self.ref(a[0], 8)} {_CMP[op.attrs['op']]} {self.ref(a[1], 8)}", 7
        if kind == "logic":
            p = 4 if op.attrs["op"] == "and" else 3
            return f"{self.ref(a[0], p)} {op.attrs['op']} {self.ref(a[1], p + 1)}", p
        if kind == "call":  # a primal math call that raises as CPython's does is spelled by its runtime helper
            return f"{op.attrs.get('checked') or op.attrs['fn']}({', '.join(self.ref(x) for x in a)})", _ATOM
        if kind == "extern" and "home" in op.attrs:  # another library's ufunc, through its helper
            return f"{self.helpers[_ufunc_key(op)]}({', '.join(self.ref(x) for x in a)})", _ATOM
        if kind == "extern":  # a C function, received as a parameter
            return f"{self.ref(a[0], _ATOM)}({', '.join(self.ref(x) for x in a[1:])})", _ATOM
        if kind == "getslice":
            inner = pattern_text(op.attrs["pattern"], [self.ref(x) for x in a[1:]])
            return f"{self.ref(a[0], _ATOM)}[{inner}]", _ATOM
        if kind == "getitem":
            return f"{self.ref(a[0], _ATOM)}[{', '.join(self.ref(x) for x in a[1:])}]", _ATOM
        if kind == "shape":
            return f"{self.ref(a[0], _ATOM)}.shape", _ATOM
        if kind == "size":
            return f"{self.ref(a[0], _ATOM)}.size", _ATOM
        if kind == "len":
            return f"len({self.ref(a[0])})", _ATOM
        if kind == "tuple":
            inner = ", ".join(self.ref(x) for x in a)
            return f"({inner},)" if len(a) == 1 else f"({inner})", _ATOM
        if kind == "cast":
            return f"{'float' if op.attrs['dtype'] == 'float64' else 'int'}({self.ref(a[0])})", _ATOM
        if kind == "zeros_like":
            return f"np.zeros_like({self.ref(a[0])})", _ATOM
        if kind == "undef":
            return _placeholder(op.result.type), _ATOM
        if kind == "custom":  # a user primitive's output: what its fwd rule computed
            inner = a[op.attrs["nargs"]]
            if inner.id in self.folded and inner.id not in self.consts:
                return self.expr(self.defs[inner.id])
            return self.ref(inner), _ATOM
        raise AssertionError(f"codegen: no expression for {kind}")

    # ------------------------------------------------------------ statements

    def source(self):
        fn = self.fn
        stack_in = list(_STACK) if fn.stack == "in" else []
        params = [self.name(p) for p in fn.params] + stack_in + [self.name(v) for v, _ in fn.captured]
        levels = sorted(allocated_levels(fn))
        sized = takes_sizes(fn)  # stacks sized from the last call's (see adc_runtime.sized_stack)
        self.emit(0, f"def {fn.name}({', '.join(params + (['_sizes'] if sized else []))}):")
        for level in levels:
            fstack, fsp, istack, isp = _stack(level)
            self.emit(1, f"{fstack}, {istack} = " + (f"rt.sized_stack(_sizes, {level})" if sized else "rt.new_stack(1)"))
            self.emit(1, f"{fsp} = 0")
            self.emit(1, f"{isp} = 0")
        self.region(fn.body, 1)
        for level in levels if sized else ():
            fstack, _, istack, _ = _stack(level)
            self.emit(1, f"rt.remember_size(_sizes, {level}, {fstack}, {istack})")
        outs = [self.ref(v) for v in fn.body.yields] + (list(_STACK) if fn.stack == "out" else [])
        self.emit(1, "return " + (outs[0] if len(outs) == 1 else ", ".join(outs)))
        return "\n".join(self.lines) + "\n"

    def emit(self, depth, text):
        self.lines.append("    " * depth + text)

    def region(self, region, depth):
        last_line = [None]
        ops = region.ops
        k = 0
        while k < len(ops):
            op = ops[k]
            if op.opname in ("push", "pop"):
                run = _run(ops, k)
                getattr(self, "stack_" + op.opname)(run, depth)
                k += len(run)
                continue
            self.comment(op, depth, last_line)
            self.statement(op, depth)
            k += 1

    def block(self, region, depth, targets=(), values=()):
        """A nested block: the region, then the carry of its yields; `pass` if it says nothing."""
        start = len(self.lines)
        self.region(region, depth)
        self.carry(depth, targets, values)
        if len(self.lines) == start:
            self.emit(depth, "pass")

    def comment(self, op, depth, last_line):
        if op.opname == "comment":
            self.emit(depth, f"# {op.attrs['text']}")
            last_line[0] = None
        elif op.adjoint and op.loc is not None and op.loc.line != last_line[0] and op.opname not in ("const",):
            if not (op.results and op.result.id in self.folded):
                self.emit(depth, f"# grad of: {op.loc.text.strip()}")
                last_line[0] = op.loc.line

    def statement(self, op, depth):
        kind = op.opname
        if kind in ("const", "comment") or (op.results and op.result.id in self.folded):
            return
        handler = getattr(self, "st_" + kind, None)
        if handler is not None:
            return handler(op, depth)
        self.emit(depth, f"{self.name(op.result)} = {self.expr(op)[0]}")

    def st_call(self, op, depth):
        if op.results:
            self.emit(depth, f"{self.name(op.result)} = {self.expr(op)[0]}")
        else:
            self.emit(depth, self.expr(op)[0])

    def st_setitem(self, op, depth):
        a = op.args
        self.emit(depth, f"{self.ref(a[0], _ATOM)}[{', '.join(self.ref(x) for x in a[1:-1])}] = {self.ref(a[-1])}")

    def st_setslice(self, op, depth):
        a = op.args
        inner = pattern_text(op.attrs["pattern"], [self.ref(x) for x in a[1:-1]])
        self.emit(depth, f"{self.ref(a[0], _ATOM)}[{inner}] = {self.ref(a[-1])}")

    def st_iadd_slice(self, op, depth):
        a = op.args
        inner = pattern_text(op.attrs["pattern"], [self.ref(x) for x in a[1:-1]])
        self.emit(depth, f"{self.ref(a[0], _ATOM)}[{inner}] += {self.ref(a[-1])}")

    def st_iadd(self, op, depth):
        self.emit(depth, f"{self.ref(op.args[0])} += {self.ref(op.args[1])}")

    def st_iadd_item(self, op, depth):
        a = op.args
        self.emit(depth, f"{self.ref(a[0], _ATOM)}[{', '.join(self.ref(x) for x in a[1:-1])}] += {self.ref(a[-1])}")

    def st_reserve(self, op, depth):
        fstack, fsp, istack, isp = _stack(_level(op))
        for stack, top, key in ((fstack, fsp, "nf"), (istack, isp, "ni")):
            if op.attrs[key]:
                n = str(op.attrs[key])
                count = f"{n} * {self.ref(op.args[0], 12)}" if op.args else n
                count = self.ref(op.args[0]) if op.args and n == "1" else count
                self.emit(depth, f"{stack} = rt.{'reserve_exact' if self.debug else 'reserve'}({stack}, {top}, {count})")

    def st_stack_check(self, op, depth):
        _, fsp, _, isp = _stack(_level(op))
        self.emit(depth, f"rt.check_empty({fsp}, {isp})")

    def st_stack_save(self, op, depth):
        self.emit(depth, "_fsp0, _isp0 = _fsp, _isp")

    def st_stack_restore(self, op, depth):
        self.emit(depth, "_fsp, _isp = _fsp0, _isp0")

    def stack_push(self, run, depth):
        fstack, fsp, istack, isp = names = _stack(_level(run[0]))
        all4 = ", ".join(names)
        for kind, group in _by_stack(run, lambda op: op.args[0]):
            if kind == "array":
                for op in group:
                    self.emit(depth, f"{all4} = rt.push{_complex(op.args[0])}_array({all4}, {self.ref(op.args[0])})")
                continue
            if kind == "c":  # a complex number takes two float slots: real part, imaginary part
                for j, op in enumerate(group):
                    value = self.ref(op.args[0], _ATOM)
                    self.emit(depth, f"{fstack}[{fsp}{_plus(COMPLEX_SLOTS * j)}] = {value}.real")
                    self.emit(depth, f"{fstack}[{fsp}{_plus(COMPLEX_SLOTS * j + 1)}] = {value}.imag")
                self.emit(depth, f"{fsp} += {COMPLEX_SLOTS * len(group)}")
                continue
            stack, top = (fstack, fsp) if kind == "f" else (istack, isp)
            for j, op in enumerate(group):
                self.emit(depth, f"{stack}[{top}{_plus(j)}] = {self.ref(op.args[0])}")
            self.emit(depth, f"{top} += {len(group)}")

    def stack_pop(self, run, depth):
        fstack, fsp, istack, isp = names = _stack(_level(run[0]))
        for kind, group in _by_stack(run, lambda op: op.result):
            if kind == "array":
                for op in group:
                    v = op.result
                    self.emit(depth, f"{self.name(v)}, {fsp}, {isp} = "
                                     f"rt.pop{_complex(v)}_array{v.type.ndim}({', '.join(names)})")
                continue
            if kind == "c":
                self.emit(depth, f"{fsp} -= {COMPLEX_SLOTS * len(group)}")
                for j, op in enumerate(group):
                    k = COMPLEX_SLOTS * (len(group) - 1 - j)
                    self.emit(depth, f"{self.name(op.result)} = complex({fstack}[{fsp}{_plus(k)}], "
                                     f"{fstack}[{fsp}{_plus(k + 1)}])")
                continue
            stack, top = (fstack, fsp) if kind == "f" else (istack, isp)
            self.emit(depth, f"{top} -= {len(group)}")
            for j, op in enumerate(group):
                self.emit(depth, f"{self.name(op.result)} = {stack}[{top}{_plus(len(group) - 1 - j)}]")

    def carry(self, depth, targets, values):
        """Assign `values` to the names of `targets`, skipping names that already hold them."""
        pairs = [(self.name(t), self.ref(v)) for t, v in zip(targets, values)]
        pairs = [(t, v) for t, v in pairs if t != v]
        if len(pairs) == 1:
            self.emit(depth, f"{pairs[0][0]} = {pairs[0][1]}")
        elif pairs:
            self.emit(depth, f"{', '.join(t for t, _ in pairs)} = {', '.join(v for _, v in pairs)}")

    def st_for(self, op, depth):
        body = op.regions[0]
        start, stop, step = op.args[:3]
        self.carry(depth, body.params[1:], op.args[3:])
        bounds = [self.ref(stop)]
        if self.consts.get(step.id) != 1:
            bounds = [self.ref(start), self.ref(stop), self.ref(step)]
        elif self.consts.get(start.id) != 0:
            bounds = [self.ref(start), self.ref(stop)]
        self.emit(depth, f"for {self.name(body.params[0])} in range({', '.join(bounds)}):")
        self.block(body, depth + 1, body.params[1:], body.yields)
        self.carry(depth, op.results, body.params[1:])

    def st_while(self, op, depth):
        cond, body = op.regions
        self.carry(depth, cond.params, op.args)
        test = cond.yields[0]
        simple = all(o.opname == "const" or (o.results and o.result.id in self.folded) for o in cond.ops)
        if simple:
            self.emit(depth, f"while {self.ref(test)}:")
        else:
            self.emit(depth, "while True:")
            self.region(cond, depth + 1)
            self.emit(depth + 1, f"if not {self.ref(test, 5)}:")
            self.emit(depth + 2, "break")
        self.carry(depth + 1, body.params, cond.params)
        self.block(body, depth + 1, cond.params, body.yields)
        self.carry(depth, op.results, cond.params)

    def st_if(self, op, depth):
        then, orelse = op.regions
        self.emit(depth, f"if {self.ref(op.args[0])}:")
        self.block(then, depth + 1, op.results, then.yields)
        if orelse.ops or any(self.name(r) != self.ref(y) for r, y in zip(op.results, orelse.yields)):
            self.emit(depth, "else:")
            self.block(orelse, depth + 1, op.results, orelse.yields)


def _plus(j):
    return f" + {j}" if j else ""


def _run(ops, k):
    """The pushes (or pops) of one level that follow each other from ops[k] on."""
    run = [ops[k]]
    while (k + len(run) < len(ops) and ops[k + len(run)].opname == ops[k].opname
           and _level(ops[k + len(run)]) == _level(ops[k])):
        run.append(ops[k + len(run)])
    return run


def _complex(v):
    return "_complex" if v.type.dtype == "complex128" else ""


def _stack_kind(v):
    if v.type.is_array:
        return "array"
    return {"float64": "f", "complex128": "c"}.get(v.type.dtype, "i")


def _by_stack(run, value_of):
    """Group consecutive pushes/pops by the stack they use, keeping order."""
    groups = []
    for op in run:
        kind = _stack_kind(value_of(op))
        if groups and groups[-1][0] == kind and kind != "array":
            groups[-1][1].append(op)
        else:
            groups.append((kind, [op]))
    return groups


def _literal(value):
    if isinstance(value, bool):
        return repr(value), _ATOM
    if isinstance(value, complex):
        return f"complex({value.real!r}, {value.imag!r})", _ATOM
    text = repr(value)
    return text, (13 if text.startswith("-") else _ATOM)


def _placeholder(t):
    if t.ndim:
        return f"np.empty(({', '.join(['0'] * t.ndim)},), np.{t.dtype})" if t.ndim == 1 else \
            f"np.empty(({', '.join(['0'] * t.ndim)}), np.{t.dtype})"
    return {"float64": "0.0", "int64": "0", "bool": "False", "complex128": "0j"}[t.dtype]


# ---------------------------------------------------------------- folding

def _reserved(helpers):
    """Module-level names the generated functions must not shadow: helpers and their ufuncs."""
    return set(helpers.values()) | {key[1] for key in helpers}


def _numba_type(t):
    """The spelling of an adc type in numba.objmode's declarations."""
    scalar = "boolean" if t.dtype == "bool" else t.dtype
    return scalar if t.ndim == 0 else f"{scalar}[{', '.join(':' * t.ndim)}]"


def _foldable(fn, consts):
    """Ids of values written into the one expression that reads them."""
    folded = set()
    use_count = {}
    for op in walk(fn.body):
        for a in op.args:
            use_count[a.id] = use_count.get(a.id, 0) + 1
        for r in op.regions:
            for y in r.yields:
                use_count[y.id] = use_count.get(y.id, 0) + 99  # yields are assignments: never fold
    for y in fn.body.yields:
        use_count[y.id] = use_count.get(y.id, 0) + 1
    _fold_region(fn.body, use_count, folded, consts, top_yields={y.id for y in fn.body.yields})
    for op in walk(fn.body):
        for r in op.regions:
            _fold_region(r, use_count, folded, consts, set())
    return folded


def _fold_region(region, use_count, folded, consts, top_yields):
    ops = region.ops
    where = {}
    for k, op in enumerate(ops):
        for a in op.args:
            where.setdefault(a.id, k)
    for v in top_yields:
        where.setdefault(v, len(ops))
    for k, op in enumerate(ops):
        if op.opname not in _PURE or len(op.results) != 1:
            continue
        v = op.result
        if use_count.get(v.id) != 1 or v.id not in where or where[v.id] <= k:
            continue
        if any(_barrier(ops[j]) for j in range(k + 1, where[v.id])):
            continue  # a write, a jump or a new name in between: evaluate it where it stands
        folded.add(v.id)


def _barrier(op):
    if op.opname == "call":
        from .rules import RULES
        if op.attrs.get("check"):  # a check of the primal's values (passes/bounds.py) moves nothing
            return False
        return not op.results or not RULES[op.attrs["fn"]].pure
    return op.opname in _BARRIERS


# ---------------------------------------------------------------- naming

class _Names:
    """Python names for values: the user's names, unique, shared along safe phi edges."""

    def __init__(self, fn, folded, consts):
        self.fn, self.folded, self.consts = fn, folded, consts
        self.parent = {}
        self.uses = {}
        for op in walk(fn.body):
            for a in op.args:
                self.uses.setdefault(a.id, []).append(op)
            for r in op.regions:
                for y in r.yields:
                    self.uses.setdefault(y.id, []).append((r, op))
        self.defined_by = {r.id: op for op in walk(fn.body) for r in op.results}
        self.enclosing = {id(o): op for op in walk(fn.body) for r in op.regions for o in r.ops}
        self.pos, self.end = {}, {}
        self._number(fn.body)

    def _number(self, region):
        for op in region.ops:
            self.pos[id(op)] = len(self.pos)
            for r in op.regions:
                self._number(r)
        self.end[id(region)] = len(self.pos) - 0.5  # where its yields are read: after its last op

    def find(self, v):
        while self.parent.get(v, v) != v:
            v = self.parent[v]
        return v

    def union(self, a, b):
        self.parent[self.find(a.id)] = self.find(b.id)

    def assign(self, reserved=()):
        for op in walk(self.fn.body):
            self._coalesce(op)
        values = list(self.fn.params) + [v for v, _ in self.fn.captured]
        for op in walk(self.fn.body):
            for r in op.regions:
                values.extend(r.params)
            values.extend(op.results)
        taken = set(_STACK + _stack(1) + _stack(2) + _stack(3)) | {"np", "math", "rt", "la", "numba", "_fsp0", "_isp0",
                                                                      "_sizes"}
        taken |= set(reserved)
        names = {}
        group_name = {}
        for v in values:
            if v.twin is not None:
                continue
            root = self.find(v.id)
            if root not in group_name:
                group_name[root] = _unique(_clean(v.name), taken)
            names[v.id] = group_name[root]
        live = self._read_after_forward()
        for v in values:
            if v.twin is None:
                continue
            group = self.find(v.twin.id)
            clash = any(self.find(u) == group for u in live)
            names[v.id] = names.get(v.twin.id) if v.twin.id in names and not clash else _unique(_clean(v.name), taken)
        return names

    def _read_after_forward(self):
        """Ids of values the backward sweep or the return reads (twins excluded)."""
        ops = self.fn.body.ops
        marks = [k for k, op in enumerate(ops) if op.opname == "comment" and op.attrs["text"] == "backward sweep"]
        live = {v.id for v in self.fn.body.yields}
        for op in ops[marks[0] if marks else len(ops):]:
            for sub in walk(Region([], [op])):
                live |= {a.id for a in sub.args if a.twin is None}
                live |= {y.id for r in sub.regions for y in r.yields if y.twin is None}
        return live

    def _single_use(self, v, user):
        uses = self.uses.get(v.id, [])
        return len(uses) == 1 and (uses[0] is user or isinstance(uses[0], tuple) and uses[0][0] is user)

    def _coalesce(self, op):
        if op.opname == "for":
            body = op.regions[0]
            self._loop(op, body, body.params[1:], op.args[3:])
        elif op.opname == "while":
            cond, body = op.regions
            for c, b in zip(cond.params, body.params):
                self.union(b, c)
            self._loop(op, body, cond.params, op.args)
        elif op.opname == "if":
            for arm in op.regions:
                for y, r in zip(arm.yields, op.results):
                    if (self._own(y, arm) and self._single_use(y, arm) and not self._merged(y)
                            and self._dead_after(r, y, arm, op.results, op)):
                        self.union(y, r)

    def _loop(self, op, body, params, inits):
        for p, r in zip(params, op.results):
            if self._idle_during(r, op):
                self.union(r, p)
        for x, p in zip(inits, params):
            if (x.id not in self.consts and self._single_use(x, op) and x.id in self.defined_by and not self._merged(x)
                    and self._free_after(x, p, op)):
                self.union(x, p)
        for y, p in zip(body.yields, params):
            if (self._own(y, body) and self._single_use(y, body) and not self._merged(y)
                    and self._dead_after(p, y, body, params, op)):
                self.union(y, p)

    def _merged(self, v):
        return self.find(v.id) != v.id or any(self.find(k) == v.id for k in list(self.parent))

    def _own(self, y, region):
        op = self.defined_by.get(y.id)
        return op is not None and op in region.ops and y.id not in self.folded

    def _dead_after(self, p, y, body, targets, owner):
        """No value named like `p` is read after `y` is made in `body` (a region of `owner`):
        `y` may then take that name.

        The copies at the end of `body` (its yields into `targets`) are reads too: they run
        after `y` is made, in parallel, so a yield that moves a value of `p`'s group into a
        target of another name (a swap, `a, s = 2.0 * s, a`) keeps `y` out of the group.
        The results of `owner` and of the ops around it are assigned after `body` ends:
        reading them is no conflict."""
        group = self.find(p.id)
        for v, t in zip(body.yields, targets):
            if self.find(v.id) == group and self.find(t.id) != group:
                return False
        return not self._read_after(group, y, skip=self._assigned_after(owner), copies=body)

    def _free_after(self, x, p, op):
        """`x`, the value loop `op` starts `p` with, may take `p`'s name: no other value of that
        name is read after `x` is made. The values of `op`'s regions start from `x`, and the
        results of `op` and of the ops around it are assigned after it."""
        inner = {v.id for sub in walk(Region([], [op])) for r in sub.regions for v in r.params}
        inner |= {v.id for sub in walk(Region([], [op])) if sub is not op for v in sub.results}
        return not self._read_after(self.find(p.id), x, skip=self._assigned_after(op) | inner)

    def _idle_during(self, r, op):
        """No value named like `r` (a result of loop `op`, maybe named like values outside the
        loop already) is read while `op` runs: its carried parameter may then take that name."""
        lo = self.pos[id(op)]
        hi = max(self.end[id(region)] for region in op.regions)
        group = self.find(r.id)
        for vid, users in self.uses.items():
            if self.find(vid) != group or vid == r.id:
                continue
            for u in users:
                at = self.end[id(u[0])] if isinstance(u, tuple) else self._effective_pos(u)
                if lo < at <= hi:
                    return False
        return True

    def _assigned_after(self, op):
        out = set()
        while op is not None:
            out |= {r.id for r in op.results}
            op = self.enclosing.get(id(op))
        return out

    def _read_after(self, group, y, skip, copies=None):
        """Whether a value of `group` (not in `skip`) is read after `y` is made: by an op, or by
        the yields of a region when it ends (those of `copies` are the parallel copies that
        `y` itself joins, checked by the caller)."""
        op = self.defined_by[y.id]  # an if or loop assigns its results after its regions run
        made = max([self.end[id(r)] for r in op.regions], default=self.pos[id(op)])
        for vid, users in self.uses.items():
            if self.find(vid) != group or vid in skip:
                continue
            for u in users:
                if isinstance(u, tuple):
                    region, _ = u
                    if region is copies:
                        continue
                    if self.end[id(region)] > made:
                        return True
                elif self._effective_pos(u) > made:
                    return True
        return False

    def _effective_pos(self, op):
        """Where `op` is evaluated: at its reader when it is folded into one."""
        while hasattr(op, "results") and op.results and op.result.id in self.folded:
            readers = self.uses.get(op.result.id, [])
            if not readers or not hasattr(readers[0], "opname"):
                break
            op = readers[0]
        return self.pos.get(id(op), 1 << 30)


def _clean(name):
    name = re.sub(r"\W", "_", name) or "t"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "v_" + name
    return name


def _unique(base, taken):
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name
