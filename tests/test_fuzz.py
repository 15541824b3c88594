"""The random-program differential fuzzer, a bounded run (tests/fuzz; `python -m tests.fuzz` runs thousands).

Each seed is one generated program checked on one backend in value, grad,
jvp and hvp against the primal and finite differences. A program whose
branches flip within the difference step is skipped; every other outcome
but ok (wrong, crash, refusal of a construct the generator takes from the
documented subset) fails, with the program's source in the message; only the
refusals the README states (oracle.DOCUMENTED_REFUSALS) pass.
"""
import numpy as np
import pytest

from fuzz.generate import generate
from fuzz.oracle import check, documented
from fuzz.shrink import shrink

PYTHON_SEEDS = list(range(40)) + [20063, 20370]  # and two that once built a slice of an array out of its scope
NUMBA_SEEDS = range(1000, 1008)


def _verdict(seed, backend):
    program = generate(seed)
    outcome = check(program, backends=(backend,))
    assert outcome.status in ("ok", "skipped") or documented(outcome), (
        f"seed {seed} ({backend}): {outcome.status}\n" + "\n".join(map(str, outcome.failures))
        + f"\n--- program (python -m tests.fuzz --show {seed}); args {program.args!r}\n{program.source}")


@pytest.mark.parametrize("seed", PYTHON_SEEDS)
def test_python_backend(seed):
    _verdict(seed, "python")


@pytest.mark.parametrize("seed", NUMBA_SEEDS)
def test_numba_backend(seed):
    _verdict(seed, "numba")


# The shrunk programs of tests/fuzz/FINDINGS.md, checked as the fuzzer checks them (python backend).
FINDINGS = {
    "F1 same value bound in both arms of an if": ("""
def f(a, b):
    c = a
    if a > 0.0:
        c = b
    else:
        c = b
    return c * a
""", [("a", "f"), ("b", "f")], (0.3, 0.6)),
    "F2 adjoint read after its update": ("""
def f(a, x, b):
    for j in range(2):
        for t in range(2):
            a, b = b, a
        b = b * x[1]
    return b
""", [("a", "f"), ("x", "v"), ("b", "f")], (0.3, np.array([0.1, 0.6, 0.3]), 0.7)),
    "F3 write into an array a loop also names otherwise": ("""
def f(x, a, y):
    for t in range(2):
        y, x = x, y
        y[t] += a * x[t]
    return np.sum(y * y) + np.sum(x)
""", [("x", "v"), ("a", "f"), ("y", "v")], (np.array([0.2, -0.7]), 0.4, np.array([0.5, 0.1]))),
    "F4 two names of one array swapped in a loop": ("""
def f(x):
    u = x
    for k in range(x.shape[0]):
        u, x = x, u
        u[k] += u[1]
    return np.sum(u)
""", [("x", "v")], (np.array([0.9, 0.2, -0.5, -0.6]),)),
    "F6 zero-trip while with swaps": ("""
def f(a, b):
    for t in range(2):
        z = 0.5
        while z < 0.5:
            a, b = b, a
        a, b = b, a
        z = a if b else t
    return a
""", [("a", "f"), ("b", "f")], (0.99, -0.9)),
    "F7 a tuple returned inside a loop": ("""
def h(p):
    for r in range(2):
        if p > 0.25:
            return p, p
    return p, p * p


def f(a):
    s, t = h(a)
    return s + t
""", [("a", "f")], (0.5,)),
    "F10 a loop counter reused by a loop that returns": ("""
def f(x, c):
    s = 0.0
    for i in range(2):
        for k in range(3):
            s = s + x[k] * x[i]
    for j in range(3):
        for k in range(3):
            s = s + 0.5 * x[k] * s
            if s > c:
                return s * x[0]
    return s
""", [("x", "v"), ("c", "f")], (np.array([0.3, 0.5, 0.7]), 1.0)),
}


@pytest.mark.parametrize("name", list(FINDINGS))
def test_finding(name):
    source, params, args = FINDINGS[name]
    program = _planted("import numpy as np\n\n" + source, params, args)
    outcome = check(program)
    assert outcome.status == "ok" or documented(outcome), \
        f"{name}: {outcome.status}\n" + "\n".join(map(str, outcome.failures))


def test_generator_is_deterministic_and_valid():
    for seed in range(20):
        a, b = generate(seed), generate(seed)
        assert a.source == b.source and all(str(x) == str(y) for x, y in zip(a.args, b.args))
        assert check(a, modes=()).status != "invalid", a.source


WRONG_RULE = '''import adc
import numpy as np


@adc.primitive
def cube(t):
    return t * t * t


cube.defvjp(None, lambda res, g: (2.0 * g * res[0] * res[0],))
cube.defjvp(lambda t, dt: 2.0 * dt * t * t)


def f(a, x):
    s = 0.5 * a
    for i in range(x.shape[0]):
        s = s + np.sin(x[i]) * a
    u = x.copy()
    u[0] = 0.3
    return cube(a) + s + np.sum(u)
'''


def _planted(source, params, args):
    import dataclasses
    return dataclasses.replace(generate(0), source=source, params=params, args=args)


def test_oracle_finds_a_wrong_derivative_and_the_shrinker_reduces_it():
    program = _planted(WRONG_RULE, [("a", "f"), ("x", "v")], (0.7, np.linspace(-0.5, 0.5, 4)))
    outcome = check(program)
    sigs = outcome.signatures()
    assert ("wrong", "python", "grad", "<grad, d>") in sigs and ("wrong", "python", "jvp", "tangent") in sigs, outcome
    small, _ = shrink(program, ("wrong", "python", "grad", "<grad, d>"), budget=200)
    assert "cube(a)" in small.source and "for" not in small.source.split("def f")[1], small.source


BRANCH = '''def f(a):
    if a > 0.0:
        return a * a
    return -a
'''


def test_oracle_skips_a_branch_flip():
    assert check(_planted(BRANCH, [("a", "f")], (1e-4,))).reason == "branch flip"
    assert check(_planted(BRANCH, [("a", "f")], (0.5,))).status == "ok"


@pytest.mark.parametrize("seed,backend", [(s, "python") for s in range(12)] + [(1003, "numba")])
def test_containers_give_the_flat_derivatives(seed, backend):
    """The float parameters of a generated program packed into a random nesting of dicts, lists
    and tuples: value, gradient (regrouped) and tangent equal the flat program's."""
    from fuzz import containers
    program = generate(seed)
    problems = containers.check(program, backend)
    assert not problems, f"seed {seed} ({backend}): {problems}\n{containers.packed(program)[0]}"
