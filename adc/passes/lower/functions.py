"""Functions lowered from their source: the function itself, user functions, nested defs,
lambdas and adc's own rule templates, each inlined where it is called.

Contract: `lower_callable` binds argument values to the parameters of a def
or lambda node and lowers its body into the builder's open region,
returning the result (a function with returns inside branches gets a
`returned` flag and a result placeholder that the paths merge). A callee is
lowered by a new lowerer of its own scope on the same builder, sharing the
caller's `Captures`, and keeps the builder's location where the caller does;
recursion is refused. A rule template is lowered with a scope and captures
of its own and no source locations.
"""
import inspect

import gast
import numpy as np

from ...custom import NonDiff, Primitive
from ...frontend import parse_function
from ...ir import Value
from ..fence import fence
from .syntax import RET, RETVAL, always_returns, is_docstring, simple_return, walk_no_nested
from .values import Captures, LocalFn, Static

_TEMPLATES = {}  # rule template -> its parsed source: adc's templates are parsed once a process


class FunctionLowering:
    """The part of `Lowerer` that binds parameters and inlines callees."""

    def bind_params(self, node, args):
        """Bind `args` to the parameters of def/lambda `node` in this scope; those beyond them to
        its *args, as a tuple."""
        names = [a.id for a in node.args.args]
        for name, value in zip(names, args):
            self.env[name] = value
        if node.args.vararg is not None:
            self.env[node.args.vararg.id] = self.pack(list(args[len(names):]))

    def lower_callable(self, node, args):
        """Bind `args` to the parameters of def/lambda `node`; lower its body; return the result."""
        self.bind_params(node, args)
        if isinstance(node, gast.Lambda):
            return self.expr(node.body)
        body = [s for s in node.body if not is_docstring(s)]
        if simple_return(body):
            self.block(body[:-1])
            return self.expr(body[-1].value) if body[-1].value is not None else self.no_value(body[-1])
        if not always_returns(body):
            self.fail(node, "a function that can end without returning a value",
                      "end every path through the function with a return statement")
        self.env[RET] = self.b.const(False, "returned")
        self.env[RETVAL] = self._result_placeholder(body)
        self.block(body)
        return self.env[RETVAL]

    def _result_placeholder(self, body):
        """What the result is before a return runs: a tuple of placeholders when every return
        gives a tuple of one length (`return a, b`), so that paths merge it element-wise."""
        values = [n.value for n in walk_no_nested(body, False) if isinstance(n, gast.Return)]
        sizes = {len(v.elts) if isinstance(v, gast.Tuple) else None for v in values}
        if len(sizes) == 1 and None not in sizes:
            return self.expr_values([self.undef() for _ in range(sizes.pop())])
        return self.undef()

    def no_value(self, node):
        self.fail(node, "a return without a value", "return the number or array to differentiate")

    def local_fn(self, node):
        """The nested def or lambda `node`, its defaults evaluated now."""
        return LocalFn(node, self.parsed, self, [self.value(d) for d in node.args.defaults])

    def inline_user(self, node, fn, args, within=None):
        """The call `node` of user function `fn` on values `args`, lowered from `fn`'s source;
        `within` is the NonDiff or Primitive whose body or rule `fn` is."""
        if fn in self.callers:
            self.fail(node, f"recursion ({fn.__name__} calls itself)", "rewrite the recursion as a loop")
        parsed = parse_function(fn)
        fence(parsed, callee=True)
        callee = type(self)(parsed, self.b, self.captures, self.callers + [fn], track_loc=self.track_loc,
                            within=self.within + ((within,) if within is not None else ()))
        self._check_arity(node, parsed.node, args, list(fn.__defaults__ or ()), fn.__name__)
        return callee.lower_callable(parsed.node, args)

    def inline_local(self, node, fn, args=None):
        """The call `node` of nested def or lambda `fn`, its free names read from its owner's scope."""
        args = [self.expr(a) for a in node.args] if args is None else args
        self._check_arity(node, fn.node, args, fn.defaults, getattr(fn.node, "name", "lambda"))
        env = {k: v for k, v in fn.owner.env.items() if not k.startswith(".")}
        callee = type(self)(fn.parsed, self.b, self.captures, self.callers, env, track_loc=self.track_loc,
                            within=self.within)
        return callee.lower_callable(fn.node, args)

    def user_callee(self, node):
        """The nested def, lambda or Python function the call `node` names, or None."""
        fn = self.static(node.func)
        if isinstance(fn, LocalFn):
            return fn
        obj = getattr(getattr(fn, "obj", None), "py_func", getattr(fn, "obj", None))
        return obj if inspect.isfunction(obj) and not isinstance(obj, (Primitive, NonDiff)) else None

    def call_with_keywords(self, node, fn):
        """The call `node`, with keyword arguments, of user function or nested def `fn`: its
        arguments bound to the parameters by name, as Python binds them, defaults filling the rest."""
        local = isinstance(fn, LocalFn)
        fnode = fn.node if local else parse_function(fn).node
        name = getattr(fnode, "name", "lambda")
        names = [a.id for a in fnode.args.args]
        defaults = fn.defaults if local else list(fn.__defaults__ or ())
        if len(node.args) > len(names) and fnode.args.vararg is None:
            self.fail(node, f"a call with {len(node.args)} arguments to {name}, which takes {len(names)}",
                      "pass every parameter once")
        given = [self.expr(a) for a in node.args]
        bound, rest = dict(zip(names, given)), given[len(names):]
        for k in node.keywords:
            if k.arg not in names or k.arg in bound:
                what = "no parameter" if k.arg not in names else "a second value for the parameter"
                self.fail(k.value, f"the keyword {k.arg}=, {what} {k.arg} of {name}",
                          f"{name} takes ({', '.join(names)})")
            bound[k.arg] = self.expr(k.value)
        first_default, args = len(names) - len(defaults), []
        for j, n in enumerate(names):
            if n in bound:
                args.append(bound[n])
            elif j >= first_default:
                args.append(self._default(node, name, defaults[j - first_default]))
            else:
                self.fail(node, f"a call of {name} that leaves its parameter {n} unset", "pass every parameter")
        args += rest  # to *args
        return self.inline_local(node, fn, args) if local else self.inline_user(node, fn, args)

    def _check_arity(self, node, fnode, args, defaults, name="lambda"):
        """Refuse a call `node` that does not pass every parameter of `fnode` without a default;
        append the defaults of the ones it leaves out to `args`."""
        if fnode.args.vararg is not None and len(args) >= len(fnode.args.args):
            return  # the rest go to *args
        if len(fnode.args.args) != len(args) or defaults:
            if len(fnode.args.args) - len(defaults) <= len(args) <= len(fnode.args.args):
                missing_n = len(fnode.args.args) - len(args)
                args.extend(self._default(node, name, d) for d in defaults[len(defaults) - missing_n:])
                return
            self.fail(node, f"a call with {len(args)} arguments to a function of {len(fnode.args.args)}",
                      "pass every parameter")

    def _default(self, node, name, obj):
        """A default of user function `name`: the value Python computed when the def ran."""
        if isinstance(obj, Value):
            return obj
        if isinstance(obj, (bool, int, float, complex)):
            return self.b.const(obj)
        if isinstance(obj, np.ndarray):
            self.fail(node, f"a call that leaves a parameter of {name} with an array default unset",
                      "pass that argument explicitly")
        return Static(obj)  # None, a function: an error where it is used as a number

    # ------------------------------------------------------------ rule templates

    @classmethod
    def for_template(cls, builder, template):
        """A lowerer of rule template `template` into `builder`: its names and captures are its
        own, and its ops keep the builder's location (that of the op whose derivative it is)."""
        if template not in _TEMPLATES:
            _TEMPLATES[template] = parse_function(template)
        return cls(_TEMPLATES[template], builder, Captures(), [template], track_loc=False)

    def lower_template(self, args, which):
        """Lower this lowerer's template applied to `args`: its body but the last statement,
        then the elements numbered `which` of the tuple the last returns (or the one value)."""
        node = self.parsed.node
        self.bind_params(node, args)
        if isinstance(node, gast.Lambda):
            body = node.body
        else:
            self.block(node.body[:-1])
            body = node.body[-1].value
        if isinstance(body, gast.Tuple):
            return [self.value(body.elts[k]) for k in which]
        return [self.value(body)]

    def apply_template(self, template, args):
        """The value of rule template `template` applied to `args`, lowered here: how a NumPy
        call form is spelled with other calls (np.einsum("ij,jk->ik", a, b) as np.dot(a, b))."""
        return self.for_template(self.b, template).lower_template(args, [0])[0]
