"""Calls: what a called object can be, and how its call is lowered.

Contract: `expr_Call` tells the callee expression apart first: a method of
an array (`x.sum()`, spelled as the NumPy function), a C function passed in
as a global, the function a call returned (`make(y)(x)`), a nested def or
lambda (inlined), `np.einsum` (its subscripts are a string, so it is lowered
from the call's node), a random draw (draws.py), or else a compile-time object. `call_object` lowers
the call of an object: NumPy's keywords are bound to positions first
(npcalls.py; SciPy's call forms bind their own, scicalls.py), then the first
entry of `CALLS` that fits lowers it. A call with a derivative becomes a
`call` of a rule key, a `custom` op of a user primitive, an `extern` (a C
function, another library's ufunc) or the inlined body of a Python function
(an `Inlined` IR function that a pass hands to the code it lowers is cloned
in); anything else is refused, naming it.
"""
import inspect

import gast
import numpy as np

from ... import externs, ode, rules
from ...custom import NonDiff, Primitive
from ...errors import AdcError
from ...frontend import parse_function
from . import draws, intrinsics, npcalls, pycalls, scicalls
from .containers import ContainerLowering, is_container_call
from .values import Captures, Inlined, LocalFn, Pack, Static, hashable, is_value
from ..builder import Builder
from ...ir import Function, Region, Value, clone, free_reads, walk

_METHODS = {"copy": np.copy, "sum": np.sum, "dot": np.dot, "mean": np.mean, "prod": np.prod, "max": np.max,
            "min": np.min, "std": np.std, "var": np.var, "reshape": np.reshape, "ravel": np.ravel,
            "flatten": np.ravel, "transpose": np.transpose, "swapaxes": np.swapaxes, "squeeze": np.squeeze,
            "cumsum": np.cumsum, "cumprod": np.cumprod, "conj": np.conj, "conjugate": np.conj,
            "argmax": np.argmax, "argmin": np.argmin, "clip": np.clip, "trace": np.trace, "repeat": np.repeat,
            "diagonal": np.diagonal}
_ATTRIBUTES = {"T": np.transpose, "real": np.real, "imag": np.imag}


class CallLowering:
    """The part of `Lowerer` that lowers calls."""

    def expr_Call(self, node):
        if any(isinstance(a, gast.Starred) for a in node.args):
            node = self.unstarred(node)
        if isinstance(self.static(node.func), Static) and self.static(node.func).obj is ode.odeint:
            return self.odeint_call(node)
        if draws.is_draw(self, node):  # rs.randn(n, d), np.random.normal(...), np.random.RandomState(0)
            return draws.lower(self, node)
        if node.keywords:
            callee = self._callee(node)
            scipy_form = scicalls.takes_keywords(self, node, callee)  # SciPy's forms are Python functions too
            if self.user_callee(node) is not None and not scipy_form:
                return self.call_with_keywords(node, self.user_callee(node))
            if not (scipy_form or npcalls.takes_keywords(self, node, callee)):
                self.fail(node, "keyword arguments in a call", "pass the arguments by position")
        if isinstance(node.func, gast.Attribute) and self.static(node.func) is None:
            return self.method_call(node)
        fn = self.static(node.func)
        if (fn is None and isinstance(node.func, gast.Name) and node.func.id not in self.env
                and externs.is_c_function(self.parsed.resolve(node.func.id))):
            return self.call_c(node, self.name(node.func), [self.value(a) for a in node.args])
        if fn is None and not isinstance(node.func, (gast.Name, gast.Attribute)):
            fn = self.expr(node.func)  # make(y)(x): a call of the function a call returned
            fn = fn if isinstance(fn, (LocalFn, Static)) else None
        if fn is None:
            self.fail(node.func, "a call of a value that is not a function", "call a function by its name")
        if isinstance(fn, LocalFn):
            return self.inline_local(node, fn)
        if fn.obj is np.einsum:
            return npcalls.einsum(self, node)
        if fn.obj is sum and node.args and _over_rows(self, node.args[0]):
            return self.sum_over_rows(node)
        return self.call_object(node, fn.obj, [self.expr(a) for a in node.args])

    def odeint_call(self, node):
        """adc.odeint(f, y0, t, *params, method=..., ...): its solver inlined with f (adc/ode.py);
        the method and the adjoint are constants of the call, the numbers may be computed."""
        given, numbers = {}, {}
        for kw in node.keywords:
            if kw.arg in ("method", "adjoint"):
                if not isinstance(kw.value, gast.Constant):
                    self.fail(kw.value, f"adc.odeint(..., {kw.arg}=...) with a computed value",
                              f"write {kw.arg}= as a constant string in the call")
                given[kw.arg] = kw.value.value
            else:
                given[kw.arg] = None
                numbers[kw.arg] = kw.value
        if len(node.args) < 3:
            self.fail(node, "adc.odeint with fewer than three arguments", "call adc.odeint(f, y0, t, *params)")
        try:
            solve, names = ode.options(given)
        except AdcError as exc:
            self.fail(node, str(exc), "see adc.odeint's options")
        args, lowered = [self.expr(a) for a in node.args], {}

        def option(n):  # each lowered once
            if n not in lowered:
                lowered[n] = self.as_value(self.expr(numbers[n]), numbers[n]) if n in numbers else \
                    self.b.const(ode.DEFAULTS[n])
            return lowered[n]
        if given.get("adjoint") == "backsolve":
            return self.odeint_backsolve(node, given.get("method", ode.DEFAULTS["method"]), solve, names, args, option)
        return self.inline_user(node, solve, args[:3] + [option(n) for n in names] + args[3:])

    def odeint_backsolve(self, node, method, solve, names, args, option):
        """adjoint="backsolve": the plain solver, inlined as above, and a `custom` op that stands for
        its rows, with an `ode.Backsolve` whose adjoint the reverse pass builds (reverse/backsolve.py):
        its arguments are y0, t and theta (the params, then what f reads from this function), its
        residuals the rows, t, the backward driver's options and theta. f is lowered a second time,
        apart, as the dynamics adc types and differentiates for that adjoint."""
        f = args[0]
        if not (isinstance(f, LocalFn) or isinstance(f, Static) and callable(f.obj)):
            self.fail(node.args[0], "adc.odeint of something that is not a function", "pass f(y, t, *params)")
        values = [self.as_value(a, n) for a, n in zip(args[1:], node.args[1:])]
        for v, n in zip(values, node.args[1:]):
            if v.id in self.tuples:
                self.fail(n, "a tuple as y0, t or a parameter of adc.odeint(adjoint='backsolve')",
                          "pass each number or array as a parameter of its own: adc.odeint(f, y0, t, W, b)")
        y0, t, params = values[0], values[1], values[2:]
        dynamics, free = self.dynamics(node, f, params)
        rows = self.inline_user(node, solve, [f, y0, t] + [option(n) for n in names] + params)
        prim = ode.Backsolve(method, dynamics)
        theta = params + free
        self.at(node)
        return self.b.emit("custom", [y0, t] + theta + [rows] + [rows, t] + [option(n) for n in prim.names] + theta,
                           attrs={"prim": prim, "nargs": 2 + len(theta), "captures": {}, "tangent": "fwd"}, name="ys")

    def dynamics(self, node, f, params):
        """f(y, s, *params) lowered apart: (an untyped function of (y, s, *theta), the values of
        this function f reads, which are theta's last entries)."""
        y, s, ps = Value("y"), Value("s"), [Value(p.name) for p in params]
        outer, self.b = self.b, Builder()
        self.b.loc, self.b.consts = outer.loc, outer.consts  # the constants lowering reads stay known
        try:
            dy = self.inline_local(node, f, [y, s] + ps) if isinstance(f, LocalFn) else \
                self.call_object(node, f.obj, [y, s] + ps)
        finally:
            region, self.b = self.b.region, outer
        if not isinstance(dy, Value) or dy.id in self.tuples:
            self.fail(node.args[0], "an adc.odeint dynamics f that does not return one array",
                      "return dy/dt as one array, of the shape of y")
        own = {y.id, s.id} | {p.id for p in ps}
        free = [v for v in free_reads(region.ops, [dy]) if v.id not in own]
        mapping = {v.id: Value(v.name) for v in free}
        body = clone(Region([], region.ops, [dy]), mapping)
        name = getattr(getattr(f, "obj", None), "__name__", None) or getattr(f.node, "name", "f")
        return Function(name, [y, s] + ps + [mapping[v.id] for v in free], body, self.loc(node)), free

    def unstarred(self, node):
        """The call `node` with each `*xs` among its arguments written out as the elements of xs, a
        tuple or list whose length is known here (the names it binds are the call's own)."""
        args = []
        for a in node.args:
            if not isinstance(a, gast.Starred):
                args.append(a)
                continue
            items = self.items_of(self.expr(a.value))
            if items is None:
                self.fail(a, "star-unpacking of a value that is not a tuple or list",
                          "unpack a tuple or list of known length: f(*params)")
            for item in items:
                name = f".star{len(self.env)}"
                self.env[name] = item
                args.append(gast.copy_location(gast.Name(name, gast.Load(), None, None), a))
        call = gast.copy_location(gast.Call(node.func, args, node.keywords), node)
        return call

    def _callee(self, node):
        """The NumPy function a call names, as a function (np.sum) or as a method (x.sum), or None."""
        fn = self.static(node.func)
        method = _METHODS.get(node.func.attr) if isinstance(node.func, gast.Attribute) and fn is None else None
        return hashable(method or getattr(fn, "obj", None))

    def method_call(self, node):
        """x.f(...): the NumPy function np.f(x, ...); d.items() of a dict."""
        base = self.expr(node.func.value)
        if isinstance(base, Pack):
            return self.view_call(node, base)
        base = self.as_value(base, node.func.value)
        if node.func.attr == "astype":
            return self.b.emit("astype", [base], attrs={"dtype": self.dtype_arg(node)})
        target = _METHODS.get(node.func.attr)
        if target is None:
            self.fail(node, f"the method .{node.func.attr}()", "call the NumPy function instead: np.f(x)")
        args = [self.value(a) for a in node.args]
        if target in (np.reshape, np.transpose) and len(args) > 1:  # x.reshape(m, n), x.transpose(1, 0, 2)
            args = [self.expr_Tuple(gast.Tuple(elts=node.args, ctx=gast.Load()))]
        return self.call_object(node, target, [base] + args)

    def dtype_arg(self, node):
        """The dtype of `x.astype(dtype)`: np.float64, float, "float64", ... as adc's dtype name."""
        if len(node.args) != 1:
            self.fail(node, "this .astype() call", "pass one dtype: x.astype(np.float64)")
        arg = node.args[0]
        if isinstance(arg, gast.Constant) and isinstance(arg.value, str):
            obj = arg.value
        else:
            static = self.static(arg)
            obj = getattr(static, "obj", None)
        try:
            name = np.dtype(obj).name if obj is not None else None
        except TypeError:
            name = None
        name = {"int32": "int64"}.get(name, name)
        if name not in ("float64", "int64", "bool", "complex128"):
            self.fail(arg, "this dtype", "adc's arrays are float64, int64, bool or complex128: x.astype(np.float64)")
        return name

    def attribute_call(self, node, base):
        """x.T, x.real, x.imag: the NumPy function the attribute stands for, applied to array `base`."""
        if node.attr in _ATTRIBUTES:
            return self.call_rule(node, _ATTRIBUTES[node.attr], [base])
        self.fail(node, f"the attribute .{node.attr}", "use .shape, .size, .T, .real, .imag, or a NumPy function")

    def call_object(self, node, obj, args):
        """The call `node` of compile-time object `obj` on `args`, as lowered (values, or the
        static objects of functions passed in), by the first entry of `CALLS` that fits."""
        if hashable(obj) in npcalls.SIGNATURES:
            args = npcalls.bind(self, node, obj, args)
        for fits, lower in CALLS:
            if fits(self, node, obj, args):
                return lower(self, node, obj, args)

    # ------------------------------------------------------------ how a call is lowered

    def call_body(self, node, prim, args):
        """A primitive called from one of its own rules (its fwd): its Python body."""
        return self.call_object(node, prim.f, args)

    def call_primitive(self, node, prim, args):
        """Run the primitive's `fwd` (or its body); a `custom` op stands for its output."""
        if prim.fwd is None:
            y, residuals = self.call_object(node, prim.f, args), list(args)
        else:
            pair = self.inline_user(node, prim.fwd, args, within=prim)
            if pair.id not in self.tuples or len(self.tuples[pair.id]) != 2:
                self.fail(node, f"the fwd rule of {prim.__name__}, which does not return (output, residuals)",
                          "return a pair: y, (r1, r2, ...)")
            y, res = self.tuples[pair.id]
            residuals = list(self.tuples.get(res.id, [res]))
        self.at(node)
        known = self.rule_captures(prim.bwd, prim.jvp)
        return self.b.emit("custom", args + [y] + residuals, attrs={"prim": prim, "nargs": len(args), "captures": known},
                           name=y.name)

    def rule_captures(self, *fns):
        """The numbers, arrays and C functions rules `fns` read from globals and closures, made
        parameters now: the passes that inline the rules later (bwd, jvp) find them by key."""
        known = {}
        for fn in fns:
            if not inspect.isfunction(fn):
                continue
            parsed = parse_function(fn)
            for name in set(fn.__code__.co_names) | set(fn.__code__.co_freevars):
                if is_value(parsed.resolve(name)):
                    known[Captures.key(fn, name)] = self.captures.get(parsed, name)
        return known

    def call_inlined(self, node, inlined, args):
        """An `Inlined` IR function: its body cloned here, its parameters bound to `args`."""
        fn = inlined.fn
        if len(args) != len(fn.params):
            self.fail(node, f"a call of {fn.name} with {len(args)} arguments", f"it takes {len(fn.params)}")
        body = clone(fn.body, {p.id: a for p, a in zip(fn.params, args)})
        for op in walk(body):
            op.adjoint = self.b.adjoint
        self.b.region.ops.extend(body.ops)
        return body.yields[0]

    def call_nondiff(self, node, nondiff, args):
        """A function marked @adc.nondiff: its body, inlined, under a gradient stop."""
        out = self.inline_user(node, nondiff.f, args, within=nondiff)
        return self.b.emit("call", [out], attrs={"fn": "rt.stop_gradient"}, name=out.name)

    def refuse_range(self, node, obj, args):
        """range(...) is only a for loop's header."""
        self.fail(node, "range(...) outside a for loop", "use range only as `for i in range(...)`")

    def call_len(self, node, obj, args):
        return self.b.emit("len", [self.as_value(args[0], node.args[0])], name="n")

    def call_cast(self, node, obj, args):
        """float(x), int(x)."""
        return self.b.emit("cast", [self.as_value(args[0], node)], attrs={"dtype": "float64" if obj is float else "int64"})

    def call_rule(self, node, obj, args):
        """A function with a derivative rule: a `call` of its rule's key."""
        key = rules.key_of(obj)
        if key is None:
            self.fail(node, f"a call to {getattr(obj, '__name__', obj)}, which has no derivative rule",
                      "give it one with @adc.primitive and defvjp")
        return self.b.emit("call", args, attrs={"fn": key})

    def call_c(self, node, callee, args):
        """A C function (ctypes, Numba cfunc), passed in as a parameter: run, never read."""
        self.at(node)
        return self.b.emit("extern", [callee] + args, attrs={"callee": node.func.id}, name="y")

    def call_ufunc(self, node, obj, args):
        """Another library's ufunc (scipy.special.erf): the generated module imports it from its home."""
        home = externs.home(obj)
        if home is None:
            self.fail(node, f"a call to the ufunc {obj.__name__}, which no public module holds",
                      "import it from a module the generated code can import too")
        self.at(node)
        return self.b.emit("extern", args, attrs={"ufunc": obj, "home": home, "callee": obj.__name__}, name="y")

    def call_python(self, node, obj, args):
        """A Python function, or a Numba dispatcher (its Python function): inlined from its source."""
        return self.inline_user(node, getattr(obj, "py_func", obj), args)

    def refuse_call(self, node, obj, args):
        """An object adc can neither differentiate nor inline: refused, naming it."""
        module = getattr(obj, "__module__", None) or ""
        name = f"{module + '.' if module else ''}{getattr(obj, '__qualname__', repr(obj))}"
        inside = [w for w in self.within if isinstance(w, NonDiff)]
        if inside:  # no derivative is asked for here, but adc still compiles the body
            self.fail(node, f"a call to {name} inside the @adc.nondiff function "
                      f"{inside[-1].__name__}, which adc compiles but cannot call this from",
                      "compute it outside the differentiated function and pass the result in as an argument")
        self.fail(node, f"a call to {name}, which has no derivative rule",
                  "give it one with @adc.primitive and defvjp, or mark it @adc.nondiff if it has no derivative")


def _over_rows(lw, arg):
    """A generator of one `for` with no `if` over an array (not a container): sum(f(r) for r in x)."""
    if not (isinstance(arg, gast.GeneratorExp) and len(arg.generators) == 1 and not arg.generators[0].ifs):
        return False
    it = arg.generators[0].iter
    if isinstance(it, gast.Name) and it.id in lw.env:
        v = lw.env[it.id]
        return isinstance(v, Value) and lw.items_of(v) is None
    return False


# ---------------------------------------------------------------- the call table
# An entry is (fits, lower): fits(lw, node, obj, args) says whether the called object is of its
# kind; lower(lw, node, obj, args) emits the call and returns its value.

def _instance_of(cls):
    return lambda lw, node, obj, args: isinstance(obj, cls)


def _the(target):
    return lambda lw, node, obj, args: obj is target


def _in_its_own_rules(lw, node, obj, args):
    return isinstance(obj, Primitive) and obj in lw.within


def _cast(lw, node, obj, args):
    return obj in (float, int) and len(args) == 1


def _has_rule(lw, node, obj, args):
    return rules.key_of(obj) is not None


def _foreign_ufunc(lw, node, obj, args):
    return externs.is_foreign_ufunc(obj)


def _python_function(lw, node, obj, args):
    return inspect.isfunction(getattr(obj, "py_func", obj))


def _anything(lw, node, obj, args):
    return True


def _on_values(lower):
    """`lower`, given the arguments as numbers and arrays (an error for a function or None)."""
    return lambda lw, node, obj, args: lower(lw, node, obj, [lw.as_value(a, node) for a in args])


CALLS = [  # (what the called object is, how its call is lowered); the first entry that fits lowers it
    (_instance_of(intrinsics.Intrinsic), intrinsics.call),                # cuda.grid(1), cuda.atomic.add: kernels
    (_instance_of(Inlined), _on_values(CallLowering.call_inlined)),       # an IR function a pass hands in: cloned
    (_in_its_own_rules, CallLowering.call_body),                          # a primitive its own fwd calls: its body
    (_instance_of(Primitive), _on_values(CallLowering.call_primitive)),   # @adc.primitive: a custom op
    (_instance_of(NonDiff), _on_values(CallLowering.call_nondiff)),       # @adc.nondiff: its body, no gradient
    (_the(range), CallLowering.refuse_range),                             # range(...) outside a for header: refused
    (is_container_call, ContainerLowering.call_container_builtin),        # zip, enumerate, len, ... of containers
    (_the(len), CallLowering.call_len),                                   # len(x)
    (_cast, CallLowering.call_cast),                                      # float(x), int(x)
    (npcalls.is_form, npcalls.lower_form),                                # NumPy calls spelled as other calls
    (scicalls.is_form, scicalls.lower_form),                              # SciPy's: logsumexp, densities, cho_solve
    (pycalls.is_python_form, pycalls.lower_python_form),                  # sum(...), operator.add(a, b): arithmetic
    (npcalls.has_axis_keywords, npcalls.reduce_axis),                     # np.sum(x, axis=0, keepdims=True)
    (_has_rule, _on_values(CallLowering.call_rule)),                      # a function with a derivative rule
    (_foreign_ufunc, _on_values(CallLowering.call_ufunc)),                # another library's ufunc: an extern
    (_python_function, CallLowering.call_python),                         # Python code: inlined from its source
    (_anything, CallLowering.refuse_call),                                # anything else: refused, named
]
