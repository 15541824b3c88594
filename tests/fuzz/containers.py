"""A metamorphic check of containers: a generated program's float parameters packed into a
random nesting of dicts, lists and tuples must give the same value and derivatives as the
program called with them one by one.

`packed(program)` gives (the source of `g(p, *ints)`, which unpacks `p` and calls `f`; the
container `p`; the positions in f's parameters of its leaves, in order). `check(program,
backend)` returns a list of what differs (empty when nothing does): g's value, its gradient
regrouped leaf by leaf against f's gradient, and its tangent for a container of directions
against f's tangent, each to 1e-12 (the same arithmetic, inlined through one more call).
"""
import random

import numpy as np

import adc
from adc import trees

from .oracle import load, unload


def _nest(rng, names):
    """A random container expression over `names` and the expression reading each name out of `p`."""
    if len(names) == 1 and rng.random() < 0.4:
        return names[0], {names[0]: ""}
    kind = rng.choice(["dict", "list", "tuple"])
    cut = sorted(rng.sample(range(1, len(names)), min(len(names) - 1, rng.randint(0, 2)))) if len(names) > 1 else []
    groups = [names[a:b] for a, b in zip([0] + cut, cut + [len(names)])]
    parts, paths = [], {}
    for k, group in enumerate(groups):
        text, inner = _nest(rng, group)
        key = f"'k{k}'" if kind == "dict" else str(k)
        parts.append(f"{key}: {text}" if kind == "dict" else text)
        paths.update({n: f"[{key}]" + p for n, p in inner.items()})
    if kind == "dict":
        return "{" + ", ".join(parts) + "}", paths
    return ("[" + ", ".join(parts) + "]") if kind == "list" else ("(" + ", ".join(parts) + ",)"), paths


def packed(program):
    rng = random.Random(program.seed)
    names = [p for p, kind in program.params if kind in "fvm"]
    ints = [p for p, kind in program.params if kind not in "fvm"]
    shape, paths = _nest(rng, names)
    call = ", ".join(f"p{paths[p]}" if p in paths else p for p, _ in program.params)
    source = program.source + f"\n\ndef g(p, {', '.join(ints)}):\n    return f({call})\n".replace("(p, )", "(p)")
    values = dict(zip((p for p, _ in program.params), program.args))
    container = eval(shape, {}, values)  # noqa: S307  (the shape this module wrote)
    return source, container, [k for k, (p, kind) in enumerate(program.params) if kind in "fvm"]


def _fresh(x):
    return trees.unflatten(trees.flatten(x)[1], [a.copy() if isinstance(a, np.ndarray) else a
                                                 for a in trees.flatten(x)[0]])


def check(program, backend="python"):
    source, container, positions = packed(program)
    module = load(source)
    try:
        ints = [a for (p, kind), a in zip(program.params, program.args) if kind not in "fvm"]
        problems = []
        value, grads = adc.value_and_grad(module.f, wrt=tuple(positions), backend=backend)(*_fresh(list(program.args)))
        pvalue, pgrad = adc.value_and_grad(module.g, wrt=0, backend=backend)(_fresh(container), *ints)
        if not np.allclose(value, pvalue, rtol=1e-12, atol=1e-14):
            problems.append(f"value {pvalue} != {value}")
        leaves, tree = trees.flatten(pgrad)
        if tree != trees.flatten(container)[1]:
            problems.append(f"gradient structured as {trees.describe(tree)}")
        elif not all(np.allclose(a, b, rtol=1e-12, atol=1e-14) for a, b in zip(leaves, grads)):
            problems.append("gradient differs from the flat one")
        rng = np.random.default_rng(program.seed)
        dirs = [rng.standard_normal(np.shape(program.args[k])) for k in positions]
        tangent_tree = trees.unflatten(trees.flatten(container)[1], dirs)
        _, tangent = adc.jvp(module.f, wrt=tuple(positions), backend=backend)(*_fresh(list(program.args)), tuple(dirs))
        _, ptangent = adc.jvp(module.g, wrt=0, backend=backend)(_fresh(container), *ints, tangent_tree)
        if not np.allclose(tangent, ptangent, rtol=1e-12, atol=1e-14):
            problems.append(f"tangent {ptangent} != {tangent}")
        return problems
    finally:
        unload(module)
