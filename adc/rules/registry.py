"""The registry of what adc differentiates: every NumPy, SciPy and math callable, array method
and builtin that a differentiated function may call, and where its rule or form is defined.

Contract: `entries()` lists (name as the user writes it, kind, "file:line") once per callable,
sorted by name: kind "rule" (a derivative rule, adc/rules), "form" (a call spelled with other
rules or with several outputs, adc/passes/lower), "method" or "attribute" of an array, or
"builtin". It reads the rule tables and the lowering's tables and touches nothing. `markdown()`
is the README's list, generated from it (tests check the README against it); `python -m adc
rules [NAME]` prints it.
"""
import builtins
import importlib
import inspect
import os
import sys

import numpy as np

from .core import RULES, key_of

_MODULES = ["numpy", "numpy.linalg", "math", "scipy.special", "scipy.linalg", "scipy.stats"]
_SHORT = {"numpy": "np", "numpy.linalg": "np.linalg"}
_BUILTINS = ["abs", "min", "max", "sum", "len", "float", "int", "range", "zip", "enumerate", "reversed",
             "list", "tuple"]
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _where(path, line):
    return f"{os.path.relpath(path, os.path.dirname(_ROOT))}:{line}"


def _form_site(obj):
    """Where the lowering spells the call of `obj` (a form of npcalls or calls), or None."""
    from ..passes.lower import npcalls, scicalls
    form = npcalls.FORMS.get(obj) if _hashable(obj) else None
    if form is None and scicalls.form_key(obj) in scicalls._forms():
        form = scicalls.FORMS[scicalls.form_key(obj)].lower
    if form is None and _hashable(obj) and obj in npcalls.AXIS_REDUCTIONS:
        form = npcalls.reduce_axis
    if form is None and obj is np.einsum:
        form = npcalls.einsum
    if form is None and _hashable(obj) and obj in npcalls.SIGNATURES:
        form = npcalls.bind
    if form is None:
        return None
    return _site(form)


def _hashable(obj):
    try:
        hash(obj)
        return True
    except TypeError:
        return False


def _rule_site(obj):
    key = key_of(obj)
    if key is None or RULES[key].defined_at is None:
        return None
    return _where(*RULES[key].defined_at)


def entries():
    """(name, kind, where) of every callable adc differentiates, sorted by name."""
    out = {}
    for module_name in _MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        short = _SHORT.get(module_name, module_name)
        for name in dir(module):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            if not callable(obj) or isinstance(obj, type):
                continue
            where = _rule_site(obj)
            kind = "rule"
            if where is None:
                where, kind = _form_site(obj), "form"
            if where is not None:
                out.setdefault(f"{short}.{name}", (kind, where))
    from ..passes.lower import calls, containers, loops, scicalls
    stats = importlib.import_module("scipy.stats") if "scipy.stats" in sys.modules else None
    named = {id(getattr(stats, n)): n for n in dir(stats)} if stats is not None else {}
    for key, form in scicalls._forms().items():  # SciPy's call forms, scipy.stats' methods among them
        if isinstance(key, tuple):  # the module scan above found the plain functions
            func, owner = key
            name = f"scipy.stats.{named.get(id(owner), type(owner).__name__)}.{func.__name__}"
            out.setdefault(name, ("form", _site(form.lower)))
    for name in calls._METHODS:
        out[f"ndarray.{name}"] = ("method", _site(calls.CallLowering.method_call))
    out["ndarray.astype"] = ("method", _site(calls.CallLowering.method_call))
    for name in calls._ATTRIBUTES:
        out[f"ndarray.{name}"] = ("attribute", _site(calls.CallLowering.attribute_call))
    lowered = {"range": loops.LoopLowering.range_args, "float": calls.CallLowering.call_cast,
               "int": calls.CallLowering.call_cast}
    for name in _BUILTINS:
        where = _rule_site(getattr(builtins, name)) or _site(lowered.get(name, containers.ContainerLowering.call_container_builtin))
        out.setdefault(name, ("builtin", where))
    return sorted((name, kind, where) for name, (kind, where) in out.items())


def _site(fn):
    _, line = inspect.getsourcelines(fn)
    return _where(inspect.getsourcefile(fn), line)


def count():
    """How many NumPy, SciPy and math callables have rules or forms (methods and builtins apart)."""
    return sum(1 for _, kind, _ in entries() if kind in ("rule", "form"))


def markdown():
    """The README's list of supported callables, one line per module, generated from `entries()`."""
    groups = {}
    for name, kind, _ in entries():
        head = "builtins" if kind == "builtin" else "array methods and attributes" if kind in ("method", "attribute") \
            else name.rsplit(".", 1)[0]
        groups.setdefault(head, []).append(name.rsplit(".", 1)[-1] if "." in name else name)
    lines = [f"{count()} NumPy, SciPy and math callables, plus array methods and builtins "
             "(`python -m adc rules` lists each with the file and line of its rule):", ""]
    for head in sorted(groups, key=lambda h: (h in ("builtins", "array methods and attributes"), h)):
        lines.append(f"* **{head}**: " + ", ".join(f"`{n}`" for n in groups[head]))
    return "\n".join(lines) + "\n"



