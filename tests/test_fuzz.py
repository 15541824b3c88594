"""The random-program differential fuzzer, a bounded run (tests/fuzz; `python -m tests.fuzz` runs thousands).

Each seed is one generated program checked on one backend in value, grad,
jvp and hvp against the primal and finite differences. A program whose
branches flip within the difference step is skipped; every other outcome
but ok (wrong, crash, refusal of a construct the generator takes from the
documented subset) fails, with the program's source in the message.
"""
import numpy as np
import pytest

from fuzz.generate import generate
from fuzz.oracle import check
from fuzz.shrink import shrink

PYTHON_SEEDS = range(40)
NUMBA_SEEDS = range(1000, 1008)


def _verdict(seed, backend):
    program = generate(seed)
    outcome = check(program, backends=(backend,))
    assert outcome.status in ("ok", "skipped"), (
        f"seed {seed} ({backend}): {outcome.status}\n" + "\n".join(map(str, outcome.failures))
        + f"\n--- program (python -m tests.fuzz --show {seed}); args {program.args!r}\n{program.source}")


@pytest.mark.parametrize("seed", PYTHON_SEEDS)
def test_python_backend(seed):
    _verdict(seed, "python")


@pytest.mark.parametrize("seed", NUMBA_SEEDS)
def test_numba_backend(seed):
    _verdict(seed, "numba")


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
