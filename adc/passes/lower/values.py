"""What a source name stands for while lowering, and the values a function reads from outside.

Contract: plain data, no lowering. A name in a `Lowerer`'s scope is bound to
an SSA `Value` (a number, an array, a tuple), a `Static` compile-time object
(a module, a function, an `Inlined` IR function, None, a string), a `Pack` (a
dict, or a list of them: containers.py), a `LocalFn` (a nested def or lambda,
inlined where it is called) or an `Undefined` (bound on some paths only: an
error where it is read). `Captures` makes the numbers and arrays read from
globals, closure cells and module attributes parameters of the function.
"""
import numpy as np

from ... import externs, randoms
from ...frontend import ModuleScope
from ...ir import Value


class Static:
    """A compile-time object: a module, a function, a tuple of values."""

    def __init__(self, obj):
        self.obj = obj


class Pack:
    """A container of fixed structure that is not a tuple of values: a dict (`keys` -> `items`,
    in order), or a list or tuple (`kind`) holding dicts, None, functions or other containers."""

    def __init__(self, kind, items, keys=None):
        self.kind, self.items = kind, list(items)
        self.keys = list(keys) if keys is not None else None


class LocalFn:
    """A nested def or lambda, inlined where it is called. Its free names are read from the
    scope that defined it, `owner`, as it is when the call runs (Python's late binding; for a
    function returned out of its scope, that scope's final names); its defaults were
    evaluated when the def ran."""

    def __init__(self, node, parsed, owner, defaults):
        self.node, self.parsed, self.owner, self.defaults = node, parsed, owner, defaults


class Inlined:
    """A typed IR function that source adc lowers calls by name (passed in as a Static): each call
    is its body, cloned at the builder's cursor with its parameters bound to the call's arguments;
    its value is the function's one output. The reverse pass hands adc.odeint's backward drivers
    the adjoint system, f's vjp inside, this way (adc/passes/reverse/backsolve.py)."""

    def __init__(self, fn):
        self.fn = fn
        self.__name__ = fn.name


class Undefined:
    """A name bound on some paths only (`where` says which): an error where it is read."""

    def __init__(self, name, where):
        self.name, self.where = name, where


class Captures:
    """Numbers and arrays the function reads from globals or closure cells."""

    def __init__(self):
        self.values, self.by_key = [], {}
        self.tuples = {}  # shared by every Lowerer of one function: tuples callees return
        self.fields = {}  # tuple id -> the names of its elements (a decomposition's result object)
        self.undefs = set()  # ids of the placeholders of values not yet bound (a result before its return)

    @staticmethod
    def key(fn, name):
        """A global read by two functions of one module is one parameter; a closure cell is its own."""
        return (id(fn), name) if name in fn.__code__.co_freevars else (id(fn.__globals__), name)

    def get(self, parsed, name):
        key = self.key(parsed.fn, name)
        if key not in self.by_key:
            v = Value(name)
            self.by_key[key] = v
            self.values.append((v, (parsed, name)))
        return self.by_key[key]

    def get_attr(self, module, name):
        """A number or array read as `module.name`: one parameter with the module's global `name`."""
        key = (id(module.__dict__), name)
        if key not in self.by_key:
            v = Value(name)
            self.by_key[key] = v
            self.values.append((v, (ModuleScope(module), name)))
        return self.by_key[key]


def is_value(obj):
    """Numbers, arrays, C functions and NumPy's generators: what the generated function receives
    as parameters."""
    return (isinstance(obj, (bool, int, float, complex, np.ndarray, np.number, np.bool_)) or externs.is_c_function(obj)
            or randoms.kind_of(obj) is not None)


def same_static(a, b):
    """Whether `a` and `b`, bound to one name on two paths, are the same compile-time object."""
    if isinstance(a, Static) and isinstance(b, Static):
        return a.obj is b.obj
    return a is b


def hashable(obj):
    """`obj`, or None when it cannot be a key of a table of functions."""
    try:
        hash(obj)
        return obj
    except TypeError:
        return None
