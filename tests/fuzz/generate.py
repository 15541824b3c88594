"""A seeded generator of random programs inside adc's documented subset.

`generate(seed)` returns a `Program`: the source of a module (helpers and a
main function `f`) and the arguments to call `f` with. Programs mix float
scalars, 1-D and 2-D float arrays and int loop bounds; nested, reversed and
strided `for` loops, data-dependent `while` loops, `if`/`elif`/`else`,
`break`/`continue`/`return` inside loops, element writes into copies, into
aliases and into the arguments themselves, swaps and tuple assignments,
integer counters, module-level helpers (some of which write into an array
they are given), `math.*` and `np.*` functions on bounded arguments and
NumPy reductions.

Every index is in bounds by construction (loop variables over an axis, or
an int expression `% n`), every `while` loop has a counter guard, and values
stay bounded (tanh, sin, cos, exp of bounded things, denominators >= 1).
Whether a branch flips under a small perturbation is left to the oracle.
"""
import random
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Program:
    seed: int
    source: str
    params: list            # [(name, kind)] with kind in "f" (float), "v" (1-D), "m" (2-D), "i" (int)
    args: tuple
    n: int = 0              # length of every 1-D array and rows of every 2-D one
    m: int = 0              # columns of every 2-D array
    features: set = field(default_factory=set)

    @property
    def wrt(self):
        """Positions of the differentiable (float) parameters."""
        return tuple(k for k, (_, kind) in enumerate(self.params) if kind in "fvm")


CONSTS = ("0.3", "0.5", "0.7", "1.3", "-0.4", "0.25", "1.1", "-0.8", "2.0", "0.1")


class Scope:
    """What is defined at a point of the program being generated."""

    def __init__(self, parent=None):
        if parent is None:
            self.floats, self.ints, self.vecs, self.mats = [], [], [], []
            self.idx_n, self.idx_m = [], []   # int expressions valid as an index along n / along m
            self.loop_vars = set()
            self.loop_depth, self.in_loop, self.in_while = 0, False, False
            self.vec_len = self.mat_rows = None
        else:
            self.floats, self.ints = list(parent.floats), list(parent.ints)
            self.vecs, self.mats = list(parent.vecs), list(parent.mats)
            self.idx_n, self.idx_m = list(parent.idx_n), list(parent.idx_m)
            self.loop_vars = set(parent.loop_vars)
            self.loop_depth, self.in_loop, self.in_while = parent.loop_depth, parent.in_loop, parent.in_while
            self.vec_len, self.mat_rows = parent.vec_len, parent.mat_rows

    def child(self):
        return Scope(self)


class Gen:
    def __init__(self, seed, max_stmts=None):
        self.r = random.Random(seed)
        self.seed = seed
        self.counter = 0
        self.features = set()
        self.budget = max_stmts or self.r.randint(6, 22)
        self.helpers = []     # (name, params kinds, returns "f" | "ff", source lines)
        self.returns = "f"    # what a return statement gives in the function being written

    # ------------------------------------------------------------------ names and small things
    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def const(self):
        return self.pick(CONSTS)

    # ------------------------------------------------------------------ expressions
    def index(self, sc, axis="n"):
        """An int expression valid as an index along `axis`."""
        valid = sc.idx_n if axis == "n" else sc.idx_m
        size = sc.vec_len if axis == "n" else f"{sc.mat_rows}.shape[1]"
        if axis == "n" and sc.vec_len is None:
            size = f"{sc.mat_rows}.shape[0]"
        if valid and self.chance(0.75):
            return self.pick(valid)
        if self.chance(0.5) and sc.ints:
            return f"({self.pick(sc.ints)} + {self.r.randint(0, 3)}) % {size}"
        return str(self.r.randint(0, 1))  # every axis has at least two entries

    def leaf(self, sc):
        opts = []
        if sc.floats:
            opts += ["var"] * 4
        if sc.vecs:
            opts += ["elem"] * 3
        if sc.mats:
            opts += ["melem"] * 2
        if sc.ints and self.chance(0.3):
            opts.append("int")
        opts.append("const")
        kind = self.pick(opts)
        if kind == "var":
            return self.pick(sc.floats)
        if kind == "elem":
            self.features.add("element read")
            return f"{self.pick(sc.vecs)}[{self.index(sc, 'n')}]"
        if kind == "melem":
            self.features.add("2-D element read")
            return f"{self.pick(sc.mats)}[{self.index(sc, 'n')}, {self.index(sc, 'm')}]"
        if kind == "int":
            self.features.add("int in float arithmetic")
            return f"{self.const()} * {self.pick(sc.ints)}"
        return self.const()

    def reduction(self, sc):
        opts = []
        if sc.vecs:
            opts += ["sum", "mean", "dot", "matmul", "prod", "max", "sumsq", "norm", "slice", "where", "clip",
                     "cumsum", "stride"]
        if sc.mats:
            opts += ["msum", "row", "axis", "mmax"]
        if sc.mats and sc.vecs:
            opts += ["vecmat"]
        if not opts:
            return self.leaf(sc)
        kind = self.pick(opts)
        self.features.add(f"np reduction {kind}")
        v = lambda: self.pick(sc.vecs)  # noqa: E731
        m = lambda: self.pick(sc.mats)  # noqa: E731
        if kind == "sum":
            return f"np.sum({self.vec_expr(sc, 1)})"
        if kind == "mean":
            return f"np.mean({self.vec_expr(sc, 1)})"
        if kind == "dot":
            return f"np.dot({v()}, {v()})"
        if kind == "matmul":
            return f"{v()} @ {self.vec_expr(sc, 1)}"
        if kind == "prod":
            return f"np.prod(np.cos({v()}))"
        if kind == "max":
            return f"np.max({self.vec_expr(sc, 1)})"
        if kind == "sumsq":
            return f"np.sum({v()} ** 2)"
        if kind == "norm":
            u = v()
            return f"np.sqrt(1.0 + np.sum({u} * {u}))"
        if kind == "slice":
            u = v()
            return f"np.sum({u}[1:] * {u}[:-1])"
        if kind == "stride":
            return f"np.sum(np.sin({v()}[::2]))"
        if kind == "where":
            u = v()
            return f"np.sum(np.where({u} > {self.const()}, {u} * {u}, np.sin({u})))"
        if kind == "clip":
            return f"np.sum(np.{self.pick(['clip({}, -0.5, 0.5)', 'maximum({}, 0.1)', 'minimum({}, 0.2)']).format(v())})"
        if kind == "cumsum":
            return f"np.sum(np.cumsum({v()}) ** 2)"
        if kind == "vecmat":
            return f"np.sum(({v()} @ {m()}) ** 2)"
        if kind == "msum":
            return f"np.sum({m()} * {m()})"
        if kind == "row":
            a = m()
            return f"np.dot({a}[{self.index(sc, 'n')}], {a}[{self.index(sc, 'n')}])"
        if kind == "axis":
            return f"np.sum(np.mean({m()}, axis={self.r.randint(0, 1)}) ** 2)"
        return f"np.max({m()})"

    def expr(self, sc, depth=2):
        """A float expression."""
        if depth <= 0 or self.chance(0.25):
            return self.reduction(sc) if self.chance(0.12) else self.leaf(sc)
        e = lambda: self.expr(sc, depth - 1)  # noqa: E731
        kind = self.pick(["bin", "bin", "bin", "unary", "unary", "call2", "ifexp", "div", "pow", "red"])
        if kind == "bin":
            return f"({e()} {self.pick(['+', '-', '*', '+', '*'])} {e()})"
        if kind == "unary":
            fn = self.pick(["math.sin", "math.cos", "math.tanh", "np.sin", "np.tanh", "-", "abs",
                            "math.exp(-0.5 * {0} * {0})", "math.sqrt(1.0 + {0} * {0})",
                            "math.log(1.0 + {0} * {0})", "math.exp(math.sin({0}))", "np.cos",
                            "np.exp(np.cos({0}))", "np.log1p({0} * {0})", "np.arctan", "math.atan", "np.sqrt(2.0 + np.sin({0}))"])
            a = e()
            if "{0}" in fn:
                self.features.add(fn.split("(")[0])
                return fn.format(a)
            self.features.add(fn)
            return f"(-{a})" if fn == "-" else f"{fn}({a})"
        if kind == "call2":
            fn = self.pick(["max", "min", "math.atan2", "math.hypot"])
            self.features.add(fn)
            if fn == "math.atan2":
                return f"math.atan2({e()}, 2.0 + math.cos({e()}))"
            if fn == "math.hypot":
                return f"math.hypot({e()}, 1.0)"
            return f"{fn}({e()}, {e()})"
        if kind == "ifexp":
            self.features.add("conditional expression")
            return f"({e()} if {self.cond(sc, depth - 1)} else {e()})"
        if kind == "div":
            self.features.add("division")
            return f"({e()} / (1.5 + math.cos({e()})))" if self.chance(0.5) else f"({e()} / (1.0 + {e()} ** 2))"
        if kind == "pow":
            self.features.add("power")
            return f"({e()} ** {self.pick(['2', '3', '2.0'])})"
        return self.reduction(sc)

    def bounded(self, sc, depth=2):
        """A float expression whose value is bounded whatever its inputs (for loop updates)."""
        fn = self.pick(["math.tanh", "math.sin", "math.cos", "np.tanh"])
        return f"{self.const()} * {fn}({self.expr(sc, depth)})"

    def cond(self, sc, depth=1):
        a = self.expr(sc, depth)
        c = f"{a} {self.pick(['<', '>', '<=', '>='])} {self.const()}"
        if self.chance(0.2):
            op = self.pick(["and", "or"])
            self.features.add(f"condition {op}")
            c = f"({c} {op} {self.expr(sc, depth)} > {self.const()})"
        elif self.chance(0.08):
            self.features.add("condition not")
            c = f"not ({c})"
        return c

    def vec_expr(self, sc, depth=1):
        """A 1-D array expression of length n."""
        v = self.pick(sc.vecs)
        if depth <= 0 or self.chance(0.4):
            return v
        kind = self.pick(["scale", "add", "fn", "mul", "gauss", "slice"])
        self.features.add(f"array expression {kind}")
        if kind == "scale":
            return f"({self.leaf(sc)} * {self.vec_expr(sc, depth - 1)})"
        if kind == "add":
            return f"({self.vec_expr(sc, depth - 1)} + {self.vec_expr(sc, depth - 1)})"
        if kind == "fn":
            return f"{self.pick(['np.sin', 'np.cos', 'np.tanh'])}({self.vec_expr(sc, depth - 1)})"
        if kind == "mul":
            return f"({self.vec_expr(sc, depth - 1)} * {self.vec_expr(sc, depth - 1)})"
        if kind == "gauss":
            return f"np.exp(-{v} * {v})"
        return v

    # ------------------------------------------------------------------ statements
    def block(self, sc, n, ind):
        lines = []
        for _ in range(n):
            if self.budget <= 0:
                break
            lines += self.stmt(sc, ind)
        return lines or [ind + "pass"]

    def assign_target(self, sc):
        """An existing float variable (not a loop variable) or a new one."""
        if sc.floats and self.chance(0.7):
            return self.pick(sc.floats), False
        return self.fresh("s"), True

    def stmt(self, sc, ind):
        self.budget -= 1
        opts = ["assign"] * 5 + ["aug"] * 2
        if len(sc.floats) >= 2:
            opts += ["swap", "tuple"]
        if sc.vecs:
            opts += ["write"] * 4 + ["copy", "alias"] + ["rebind"]
            if len(sc.vecs) >= 2:
                opts.append("vswap")
        if sc.mats:
            opts += ["mwrite"] * 2 + ["rowwrite"]
        if sc.loop_depth < 3:
            opts += ["for"] * 4 + ["while"]
        opts += ["if"] * 3 + ["counter"]
        if self.helpers:
            opts += ["call"] * 2
        if sc.in_loop:
            opts += ["break", "return"] + ([] if sc.in_while else ["continue"])  # continue would skip the guard
        kind = self.pick(opts)
        return getattr(self, "s_" + kind)(sc, ind)

    def s_assign(self, sc, ind):
        t, new = self.assign_target(sc)
        rhs = self.bounded(sc) if (sc.in_loop and t in sc.floats) else self.expr(sc)
        if sc.in_loop and t in sc.floats and self.chance(0.5):
            rhs = f"{self.pick(['0.5', '0.8', '0.9'])} * {t} + {rhs}"
        if new:
            sc.floats.append(t)
        return [f"{ind}{t} = {rhs}"]

    def s_aug(self, sc, ind):
        if not sc.floats:
            return self.s_assign(sc, ind)
        t = self.pick(sc.floats)
        op = self.pick(["+=", "-=", "*="])
        self.features.add(f"augmented {op}")
        rhs = f"(1.0 + 0.5 * math.tanh({self.expr(sc, 1)}))" if op == "*=" else self.bounded(sc)
        return [f"{ind}{t} {op} {rhs}"]

    def s_swap(self, sc, ind):
        a, b = self.r.sample(sc.floats, 2)
        self.features.add("swap")
        return [f"{ind}{a}, {b} = {b}, {a}"]

    def s_tuple(self, sc, ind):
        a, b = self.r.sample(sc.floats, 2)
        self.features.add("tuple assignment")
        return [f"{ind}{a}, {b} = {self.bounded(sc, 1)}, {self.expr(sc, 1)}"]

    def s_write(self, sc, ind):
        u = self.pick(sc.vecs)
        i = self.index(sc, "n")
        rhs = self.bounded(sc, 1) if sc.in_loop else self.expr(sc, 1)
        how = self.pick(["=", "+=", "=", "relax"])
        self.features.add(f"element write {how}")
        if how == "relax":
            return [f"{ind}{u}[{i}] = 0.5 * {u}[{i}] + {rhs}"]
        return [f"{ind}{u}[{i}] {how} {rhs}"]

    def s_mwrite(self, sc, ind):
        a = self.pick(sc.mats)
        i, j = self.index(sc, "n"), self.index(sc, "m")
        self.features.add("2-D element write")
        if self.chance(0.5):
            return [f"{ind}{a}[{i}, {j}] = 0.5 * {a}[{i}, {j}] + {self.bounded(sc, 1)}"]
        return [f"{ind}{a}[{i}, {j}] += {self.bounded(sc, 1)}"]

    def s_rowwrite(self, sc, ind):
        a = self.pick(sc.mats)
        i, j = self.index(sc, "n"), self.index(sc, "n")
        self.features.add("row write")
        if self.chance(0.5):
            return [f"{ind}{a}[{i}, :] += {self.const()} * np.tanh({a}[{j}])"]
        return [f"{ind}{a}[{i}, :] = 0.5 * {a}[{i}] + {self.const()} * np.sin({self.leaf(sc)})"]

    def s_copy(self, sc, ind):
        src = self.pick(sc.vecs + sc.mats)
        name = self.fresh("u" if src in sc.vecs else "B")
        self.features.add("copy")
        if self.chance(0.3) and src in sc.vecs:
            self.features.add("np.zeros_like")
            line = f"{ind}{name} = np.zeros_like({src})"
        else:  # a new array, written as people write one (x * 1.0 is a copy a write must not reach x through)
            self.copies = getattr(self, "copies", 0) + 1
            form = ("{}.copy()", "{} * 1.0", "1.0 * {}", "{} ** 1")[self.copies % 4]
            line = f"{ind}{name} = {form.format(src)}"
        (sc.vecs if src in sc.vecs else sc.mats).append(name)
        return [line]

    def s_alias(self, sc, ind):
        src = self.pick(sc.vecs)
        name = self.fresh("a")
        self.features.add("alias")
        sc.vecs.append(name)
        return [f"{ind}{name} = {src}"]

    def s_rebind(self, sc, ind):
        u = self.pick(sc.vecs)
        self.features.add("array rebinding")
        return [f"{ind}{u} = 0.5 * {u} + {self.pick(['0.3', '0.5'])} * np.tanh({self.vec_expr(sc, 1)})"]

    def s_vswap(self, sc, ind):
        a, b = self.r.sample(sc.vecs, 2)
        self.features.add("array swap")
        return [f"{ind}{a}, {b} = {b}, {a}"]

    def s_counter(self, sc, ind):
        c = self.fresh("c")
        self.features.add("int counter")
        sc.ints.append(c)
        return [f"{ind}{c} = {self.r.randint(0, 2)}"]

    def bump_counter(self, sc, ind):
        counters = [c for c in sc.ints if c.startswith("c")]
        if not counters:
            return []
        c = self.pick(counters)
        return [f"{ind}{c} {self.pick(['+=', '+='])} 1"]

    def s_if(self, sc, ind):
        self.features.add("if")
        lines = [f"{ind}if {self.cond(sc)}:"]
        lines += self.block(sc.child(), self.r.randint(1, 3), ind + "    ")
        if sc.in_loop and self.chance(0.3):
            lines += self.bump_counter(sc, ind + "    ")
        while self.chance(0.25):
            self.features.add("elif")
            lines += [f"{ind}elif {self.cond(sc)}:"] + self.block(sc.child(), self.r.randint(1, 2), ind + "    ")
        if self.chance(0.5):
            self.features.add("else")
            lines += [f"{ind}else:"] + self.block(sc.child(), self.r.randint(1, 2), ind + "    ")
        return lines

    def s_break(self, sc, ind):
        self.features.add("break")
        return [f"{ind}if {self.cond(sc)}:", f"{ind}    break"]

    def s_continue(self, sc, ind):
        self.features.add("continue")
        return [f"{ind}if {self.cond(sc)}:", f"{ind}    continue"]

    def s_return(self, sc, ind):
        self.features.add("return in loop")
        value = f"{self.expr(sc, 1)}, {self.expr(sc, 1)}" if self.returns == "ff" else self.final_expr(sc)
        return [f"{ind}if {self.cond(sc)}:", f"{ind}    return {value}"]

    def loop_range(self, sc, var):
        """The range of a for loop and what its variable indexes."""
        ints = [i for i in sc.ints if i not in sc.loop_vars]
        if sc.vec_len is None and sc.mat_rows is None:  # no arrays: a trip count of its own
            if ints and self.chance(0.6):
                b = self.pick(ints)
                self.features.add("for int bound")
                return self.pick([f"range({b})", f"range({b} - 1, -1, -1)", f"range(1, {b} + 1)"]), [], []
            self.features.add("for constant")
            return self.pick(["range(3)", "range(4, 0, -1)", "range(0, 5, 2)", "range(2)"]), [], []
        n = sc.vec_len or f"{sc.mat_rows}.shape[0]"
        kinds = ["n", "n", "rev", "from1", "step", "int"]
        if sc.mats:
            kinds.append("cols")
        kind = self.pick(kinds)
        self.features.add(f"for {kind}")
        if kind == "n":
            return f"range({n})", [var, f"{n} - 1 - {var}"], []
        if kind == "rev":
            self.features.add("reversed loop")
            return f"range({n} - 1, -1, -1)", [var], []
        if kind == "from1":
            return f"range(1, {n})", [var, f"{var} - 1"], []
        if kind == "step":
            return f"range({self.r.randint(0, 1)}, {n}, 2)", [var], []
        if kind == "cols":
            return f"range({self.pick(sc.mats)}.shape[1])", [], [var]
        if ints:
            b = self.pick(ints)
            if self.chance(0.3):
                return f"range({b} - 1, -1, -1)", [f"{var} % {n}"], []
            return f"range({b})", [f"{var} % {n}"], []
        return f"range({self.r.randint(1, 4)})", [f"{var} % {n}"], []

    def s_for(self, sc, ind):
        var = self.pick(["i", "j", "k", "t"])
        while var in sc.loop_vars:
            var = var + "2"
        rng, idx_n, idx_m = self.loop_range(sc, var)
        body = sc.child()
        body.loop_vars.add(var)
        body.ints.append(var)
        body.idx_n += idx_n
        body.idx_m += idx_m
        body.loop_depth += 1
        body.in_loop, body.in_while = True, False
        lines = [f"{ind}for {var} in {rng}:"]
        lines += self.block(body, self.r.randint(1, 4), ind + "    ")
        if self.chance(0.3):
            lines += self.bump_counter(sc, ind + "    ")
        return lines

    def s_while(self, sc, ind):
        self.features.add("while")
        k = self.fresh("w")
        body = sc.child()
        body.loop_depth += 1
        body.in_loop = True
        body.in_while = True
        limit = self.r.randint(2, 7)
        if sc.vecs and self.chance(0.3):
            # a search: the trip count depends on the data
            self.features.add("while search")
            u = self.pick(sc.vecs)
            n = f"{u}.shape[0]"
            lines = [f"{ind}{k} = 0",
                     f"{ind}while {k} < {n} and {u}[{k}] {self.pick(['<', '>'])} {self.const()}:"]
            body.idx_n.append(k)
            lines += self.block(body, self.r.randint(0, 2), ind + "    ")
            lines += [f"{ind}    {k} += 1"]
            sc.ints.append(k)
            sc.idx_n.append(f"{k} % {n}")
            return lines
        v = self.fresh("z")
        start = self.expr(sc, 1)
        if self.chance(0.3):
            self.features.add("while True + break")
            lines = [f"{ind}{v} = {start}", f"{ind}{k} = 0", f"{ind}while True:"]
            body.floats.append(v)
            lines += self.block(body, self.r.randint(1, 3), ind + "    ")
            lines += [f"{ind}    {v} = {v} + 0.35 + 0.25 * math.tanh({self.expr(body, 1)})",
                      f"{ind}    {k} += 1",
                      f"{ind}    if {v} > {self.pick(['1.5', '2.5', '3.0'])} or {k} >= {limit}:",
                      f"{ind}        break"]
        else:
            lines = [f"{ind}{v} = {start}", f"{ind}{k} = 0",
                     f"{ind}while {v} < {self.pick(['1.5', '2.5', '3.0'])} and {k} < {limit}:"]
            body.floats.append(v)
            lines += self.block(body, self.r.randint(1, 3), ind + "    ")
            lines += [f"{ind}    {v} = {v} + 0.35 + 0.25 * math.tanh({self.expr(body, 1)})",
                      f"{ind}    {k} += 1"]
        sc.floats.append(v)
        sc.ints.append(k)
        return lines

    def s_call(self, sc, ind):
        name, kinds, ret, _ = self.pick(self.helpers)
        args = []
        for kind in kinds:
            if kind == "f":
                args.append(self.expr(sc, 1))
            elif kind == "v":
                if not sc.vecs:
                    return self.s_assign(sc, ind)
                args.append(self.pick(sc.vecs))
            else:
                args.append(self.index(sc, "n") if sc.vecs else "0")
        self.features.add("helper call")
        call = f"{name}({', '.join(args)})"
        if ret == "ff":
            a, b = self.fresh("s"), self.fresh("s")
            sc.floats += [a, b]
            return [f"{ind}{a}, {b} = {call}"]
        t, new = self.assign_target(sc)
        if new:
            sc.floats.append(t)
        if sc.in_loop and not new:
            return [f"{ind}{t} = 0.5 * {t} + {self.const()} * math.tanh({call})"]
        return [f"{ind}{t} = {call}"]

    def final_expr(self, sc):
        """A return value that reads most of what is live (so that derivatives reach everything)."""
        parts = []
        for v in sc.floats:
            if self.chance(0.7):
                parts.append(v if self.chance(0.6) else f"{self.const()} * {v}")
        for u in sc.vecs:
            if self.chance(0.6):
                parts.append(self.pick([f"np.sum({u} * {u})", f"np.sum(np.sin({u}))", f"{u}[{self.index(sc, 'n')}]"]))
        for a in sc.mats:
            if self.chance(0.5):
                parts.append(self.pick([f"np.sum({a} ** 2)", f"np.sum(np.cos({a}))"]))
        for c in sc.ints:
            if self.chance(0.2):
                parts.append(f"0.1 * {c}")
        if not parts:
            parts.append(self.expr(sc))
        return " + ".join(parts)

    # ------------------------------------------------------------------ helpers and program
    def helper(self):
        name = self.fresh("h")
        ret = "ff" if self.chance(0.25) else "f"
        kinds = ["f"] * self.r.randint(1, 2)
        mutates = self.chance(0.35)
        if mutates:
            kinds += ["v", "i"]
        names = [f"p{k}" for k in range(len(kinds))]
        sc = Scope()
        for p, kind in zip(names, kinds):
            {"f": sc.floats, "v": sc.vecs, "i": sc.ints}[kind].append(p)
        if mutates:
            sc.vec_len = f"{names[kinds.index('v')]}.shape[0]"
            sc.idx_n.append(names[kinds.index("i")])
        saved, self.budget = self.budget, self.r.randint(1, 4)
        self.returns = ret  # what a return inside the helper gives
        lines = [f"def {name}({', '.join(names)}):"]
        if mutates:
            u, i = names[kinds.index("v")], names[kinds.index("i")]
            self.features.add("helper writes its argument")
            lines.append(f"    {u}[{i}] = 0.5 * {u}[{i}] + {self.bounded(sc, 1)}")
        if self.chance(0.5) and sc.vecs:
            lines += self.s_for(sc, "    ")
        elif self.chance(0.3):
            self.features.add("helper returns in a loop")
            body = sc.child()
            body.in_loop, body.loop_depth = True, 1
            body.ints.append("r")
            lines += [f"    for r in range({self.r.randint(1, 3)}):"] + self.s_assign(body, "        ")
            value = self.final_expr(body) if ret == "f" else f"{self.expr(body, 1)}, {self.expr(body, 1)}"
            lines += [f"        if {self.cond(body)}:", f"            return {value}"]
        lines += self.block(sc, self.r.randint(0, 2), "    ") if self.chance(0.7) else []
        if ret == "ff":
            lines.append(f"    return {self.bounded(sc, 1)}, {self.expr(sc, 1)}")
        else:
            lines.append(f"    return {self.final_expr(sc)}")
        self.budget, self.returns = saved, "f"
        self.helpers.append((name, kinds, ret, lines))

    def program(self):
        r = self.r
        n, m = r.randint(2, 5), r.randint(2, 3)
        kinds = ["f"] * r.randint(0, 2) + ["v"] * r.randint(0, 2) + ["m"] * (1 if self.chance(0.35) else 0)
        if not kinds or not any(k in "vm" for k in kinds) and self.chance(0.7):
            kinds.append("v")
        kinds += ["i"] * (1 if self.chance(0.4) else 0)
        r.shuffle(kinds)
        used = {"f": 0, "v": 0, "m": 0, "i": 0}
        params = []
        for kind in kinds:
            base = {"f": ["a", "b", "c"], "v": ["x", "y", "w"], "m": ["A", "B"], "i": ["n", "q"]}[kind]
            params.append((base[used[kind]], kind))
            used[kind] += 1
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            self.helper()
        sc = Scope()
        for p, kind in params:
            {"f": sc.floats, "v": sc.vecs, "m": sc.mats, "i": sc.ints}[kind].append(p)
        if sc.vecs:
            sc.vec_len = f"{sc.vecs[0]}.shape[0]"
        if sc.mats:
            sc.mat_rows = sc.mats[0]
        if not sc.floats:
            pre = [f"    s0 = {self.expr(sc, 1)}"]
            sc.floats.append("s0")
        else:
            pre = []
        body = pre + self.block(sc, 40, "    ")
        body.append(f"    return {self.final_expr(sc)}")
        lines = ["import math", "import numpy as np", ""]
        for _, _, _, hl in self.helpers:
            lines += ["", *hl, ""]
        lines += ["", f"def f({', '.join(p for p, _ in params)}):", *body, ""]
        source = "\n".join(lines)
        args = make_args(params, n, m, self.seed)
        return Program(self.seed, source, params, args, n, m, self.features)


def make_args(params, n, m, seed):
    rng = np.random.default_rng(seed)
    args = []
    for _, kind in params:
        if kind == "f":
            args.append(float(rng.uniform(-1, 1)))
        elif kind == "v":
            args.append(rng.uniform(-1, 1, n))
        elif kind == "m":
            args.append(rng.uniform(-1, 1, (n, m)))
        else:
            args.append(int(rng.integers(1, 5)))
    return tuple(args)


def generate(seed, max_stmts=None):
    """The program of `seed` (the same seed gives the same program)."""
    return Gen(seed, max_stmts).program()
