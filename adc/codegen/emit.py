"""codegen.emit: the statements of one generated function.

Contract: `Emitter(fn, helpers).source()` is the text of the Python function `fn`: its stacks
made and sized, its body statement by statement (pure ops spelled by the op catalogue, folded
into their reader where `fold` allows, element and slice writes, structured ops with the copies
of their carried values, runs of pushes and pops grouped per stack), and its return.
"""
from .. import ops
from ..ir import Region, Stack, walk
from ..passes.reverse.stack import COMPLEX_SLOTS
from .fold import foldable
from .helpers import reserved, ufunc_key
from .names import STACK, Names, stack_names


def _level(op):
    return op.attrs.get("level", 0)


def allocated_levels(fn):
    """The stack levels `fn` allocates: every level it pushes to or pops from, less one it receives."""
    used = {_level(op) for op in walk(fn.body) if op.opname in ("push", "pop", "stack_check", "stack_save")}
    return used - ({0} if fn.stack is Stack.IN else set()) | ({0} if fn.stack is Stack.OUT else set())


def takes_sizes(fn):
    """Whether generated `fn` takes the `_sizes` array (a stack of its own, outside debug mode)."""
    return bool(allocated_levels(fn)) and not _debug(fn)


def _debug(fn):
    """Debug mode (exact stacks, so that overruns show): the function checks its stack is empty."""
    return any(op.opname == "stack_check" for op in walk(fn.body))


class Emitter:
    def __init__(self, fn, helpers, reserve=()):
        self.fn, self.helpers = fn, helpers
        self.defs = {r.id: op for op in walk(fn.body) for r in op.results}
        self.consts = {op.result.id: op.attrs["value"] for op in walk(fn.body) if op.opname == "const"}
        self.folded = foldable(fn, self.consts)
        self.names = Names(fn, self.folded, self.consts).assign(reserved(helpers) | set(reserve) | {"_full"})
        self.lines = []
        self.debug = _debug(fn)
        self.pushed_backward = _pushed_backward(fn)

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
        if kind == "extern" and "home" in op.attrs:  # another library's ufunc, through its helper
            return f"{self.helpers[ufunc_key(op)]}({', '.join(self.ref(x) for x in a)})", ops.ATOM
        if kind == "extern":  # a C function, received as a parameter
            return f"{self.ref(a[0], ops.ATOM)}({', '.join(self.ref(x) for x in a[1:])})", ops.ATOM
        if kind == "custom":  # a user primitive's output: what its fwd rule computed
            inner = a[op.attrs["nargs"]]
            if inner.id in self.folded and inner.id not in self.consts:
                return self.expr(self.defs[inner.id])
            return self.ref(inner), ops.ATOM
        return ops.spell(op, self.ref)

    # ------------------------------------------------------------ statements

    def source(self):
        fn = self.fn
        stack_in = list(STACK) if fn.stack is Stack.IN else []
        params = [self.name(p) for p in fn.params] + stack_in + [self.name(v) for v, _ in fn.captured]
        levels = sorted(allocated_levels(fn))
        sized = takes_sizes(fn)  # stacks sized from the last call's (see adc_runtime.sized_stack)
        self.emit(0, f"def {fn.name}({', '.join(params + (['_sizes'] if sized else []))}):")
        for level in levels:
            fstack, fsp, istack, isp = stack_names(level)
            self.emit(1, f"{fstack}, {istack} = " + (f"rt.sized_stack(_sizes, {level})" if sized else "rt.new_stack(1)"))
            self.emit(1, f"{fsp} = 0")
            self.emit(1, f"{isp} = 0")
        self.region(fn.body, 1)
        for level in levels if sized else ():
            fstack, _, istack, _ = stack_names(level)
            self.emit(1, f"rt.remember_size(_sizes, {level}, {fstack}, {istack})")
        outs = [self.ref(v) for v in fn.body.yields] + (list(STACK) if fn.stack is Stack.OUT else [])
        self.emit(1, "return " + (outs[0] if len(outs) == 1 else ", ".join(outs)))
        return "\n".join(self.lines) + "\n"

    def emit(self, depth, text):
        self.lines.append("    " * depth + text)

    def region(self, region, depth):
        last_line = [None]
        seq = region.ops
        k = 0
        while k < len(seq):
            op = seq[k]
            if op.opname in ("push", "pop"):
                run = _run(seq, k)
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
        if op.opname == "sweep":
            self.emit(depth, f"# {op.attrs['part']} sweep")
            last_line[0] = None
        elif op.adjoint and op.loc is not None and op.loc.line != last_line[0] and op.opname not in ("const",):
            if not (op.results and op.result.id in self.folded):
                self.emit(depth, f"# grad of: {op.loc.text.strip()}")
                last_line[0] = op.loc.line

    def statement(self, op, depth):
        kind = op.opname
        if ops.effect(op) == ops.NOTE or kind == "const" or (op.results and op.result.id in self.folded):
            return
        handler = getattr(self, "st_" + kind, None)
        if handler is not None:
            return handler(op, depth)
        if ops.effect(op) == ops.WRITES:
            return self.emit(depth, ops.statement(op, self.ref))
        self.emit(depth, f"{self.name(op.result)} = {self.expr(op)[0]}")

    def st_call(self, op, depth):
        if op.results:
            self.emit(depth, f"{self.name(op.result)} = {self.expr(op)[0]}")
        else:
            self.emit(depth, self.expr(op)[0])

    def st_draw(self, op, depth):  # a draw, or a seed (no result)
        text = self.expr(op)[0]
        self.emit(depth, f"{self.name(op.result)} = {text}" if op.results else text)

    def st_reserve(self, op, depth):
        for stack, top, count in self.reserved(op):
            self.emit(depth, f"{stack} = rt.{'reserve_exact' if self.debug else 'reserve'}({stack}, {top}, {count})")

    def reserved(self, op):
        """(stack, its pointer, the text of how many entries) of each stack a reserve makes room on."""
        fstack, fsp, istack, isp = stack_names(_level(op))
        for stack, top, key in ((fstack, fsp, "nf"), (istack, isp, "ni")):
            if op.attrs[key]:
                n = str(op.attrs[key])
                count = f"{n} * {self.ref(op.args[0], 12)}" if op.args else n
                yield stack, top, (self.ref(op.args[0]) if op.args and n == "1" else count)

    def st_stack_check(self, op, depth):
        _, fsp, _, isp = stack_names(_level(op))
        self.emit(depth, f"rt.check_empty({fsp}, {isp})")

    def st_stack_peak(self, op, depth):
        _, fsp, _, isp = stack_names(_level(op))
        self.emit(depth, f"rt.ckpt_peak({self.ref(op.args[0])}, {fsp}, {isp})")

    def st_stack_save(self, op, depth):
        self.emit(depth, "_fsp0, _isp0 = _fsp, _isp")

    def st_stack_restore(self, op, depth):
        self.emit(depth, "_fsp, _isp = _fsp0, _isp0")

    def stack_push(self, run, depth):
        fstack, fsp, istack, isp = names = stack_names(_level(run[0]))
        all4 = ", ".join(names)
        for kind, group in _by_stack(run, lambda op: op.args[0]):
            if kind == "array":  # room for all of them at once, then each put into it
                arrays = [op.args[0] for op in group]
                sizes = " + ".join(f"{'2 * ' if _complex(a) else ''}{self.ref(a, ops.ATOM)}.size" for a in arrays)
                reserve = "reserve_exact" if self.debug else "reserve"
                self.emit(depth, f"{fstack} = rt.{reserve}({fstack}, {fsp}, {sizes})")
                self.emit(depth, f"{istack} = rt.{reserve}({istack}, {isp}, {sum(a.type.ndim for a in arrays)})")
                for a in arrays:
                    self.emit(depth, f"{fsp}, {isp} = rt.put{_complex(a)}_array({all4}, {self.ref(a)})")
                continue
            if kind == "c":  # a complex number takes two float slots: real part, imaginary part
                for j, op in enumerate(group):
                    value = self.ref(op.args[0], ops.ATOM)
                    self.emit(depth, f"{fstack}[{fsp}{_plus(COMPLEX_SLOTS * j)}] = {value}.real")
                    self.emit(depth, f"{fstack}[{fsp}{_plus(COMPLEX_SLOTS * j + 1)}] = {value}.imag")
                self.emit(depth, f"{fsp} += {COMPLEX_SLOTS * len(group)}")
                continue
            stack, top = (fstack, fsp) if kind == "f" else (istack, isp)
            for j, op in enumerate(group):
                self.emit(depth, f"{stack}[{top}{_plus(j)}] = {self.ref(op.args[0])}")
            self.emit(depth, f"{top} += {len(group)}")

    def stack_pop(self, run, depth):
        fstack, fsp, istack, isp = names = stack_names(_level(run[0]))
        for kind, group in _by_stack(run, lambda op: op.result):
            if kind == "array":
                for op in group:
                    v = op.result
                    how = "view" if not _complex(v) and _level(op) not in self.pushed_backward else f"pop{_complex(v)}"
                    self.emit(depth, f"{self.name(v)}, {fsp}, {isp} = rt.{how}_array{v.type.ndim}({', '.join(names)})")
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

    grows_stacks = True  # a while loop's stacks grow outside it (the CUDA emitters' cannot grow)

    def st_while(self, op, depth):
        cond, body = op.regions
        room = body.ops[0] if body.ops and body.ops[0].opname == "reserve" and body.ops[0].attrs.get("trip") else None
        if room is not None and self.grows_stacks:
            return self.growing_while(op, room, depth)
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

    def growing_while(self, op, room, depth):
        """A while loop whose trips reserve `room` at the top of the body: when a trip would not fit,
        the loop is left before it, the stacks grow, and the loop goes on (its test, which only
        computes, runs again), so that no stack array is rebound inside the loop."""
        cond, body = op.regions
        self.carry(depth, cond.params, op.args)
        fits = list(self.reserved(room))
        self.emit(depth, "while True:  # the stacks grow here, outside the loop, when a trip would not fit")
        self.emit(depth + 1, "_full = False")
        self.emit(depth + 1, "while True:")
        self.region(cond, depth + 2)
        self.emit(depth + 2, f"if not {self.ref(cond.yields[0], 5)}:")
        self.emit(depth + 3, "break")
        self.carry(depth + 2, body.params, cond.params)
        self.emit(depth + 2, "if " + " or ".join(f"{top} + {n} > {stack}.shape[0]" for stack, top, n in fits) + ":")
        self.emit(depth + 3, "_full = True")
        self.emit(depth + 3, "break")
        self.block(Region(body.params, body.ops[1:], body.yields), depth + 2, cond.params, body.yields)
        self.emit(depth + 1, "if not _full:")
        self.emit(depth + 2, "break")
        for stack, top, n in fits:
            self.emit(depth + 1, f"{stack} = rt.{'reserve_exact' if self.debug else 'grow'}({stack}, {top}{', ' if self.debug else ' + '}{n})")
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


def _pushed_backward(fn):
    """The stack levels something pushes to in the backward sweep (a checkpointed loop's replay,
    a tape of the adjoints): an array popped there is copied off the stack, which a later push
    may overwrite; on other levels it is popped as a view. Every level, without sweep marks."""
    marks = [k for k, op in enumerate(fn.body.ops) if op.opname == "sweep" and op.attrs["part"] == "backward"]
    if not marks:
        return {_level(op) for op in walk(fn.body) if op.opname == "push"}
    return {_level(op) for op in walk(Region([], fn.body.ops[marks[0]:])) if op.opname == "push"}


def _run(seq, k):
    """The pushes (or pops) of one level that follow each other from seq[k] on."""
    run = [seq[k]]
    while (k + len(run) < len(seq) and seq[k + len(run)].opname == seq[k].opname
           and _level(seq[k + len(run)]) == _level(seq[k])):
        run.append(seq[k + len(run)])
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
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(op)
        else:
            groups.append((kind, [op]))
    return groups


def _literal(value):
    if isinstance(value, bool):
        return repr(value), ops.ATOM
    if isinstance(value, complex):
        return f"complex({_float(value.real)}, {_float(value.imag)})", ops.ATOM
    text = _float(value) if isinstance(value, float) else repr(value)
    return text, (13 if text.startswith("-") else ops.ATOM)


def _float(value):
    """A float as Python source: inf and nan (np.inf in the user's code) by their NumPy names."""
    if value != value:
        return "np.nan"
    if value in (float("inf"), float("-inf")):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)
