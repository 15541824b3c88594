"""The adjoints adc writes for the golden corpus cases, checked in and reviewed like code.

Regenerate after an intended change with ADC_UPDATE_GOLDEN=1 and review the diff.
"""
import os

import pytest

import adc
from corpus import CASES

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")
CHOSEN = [c for c in CASES if c.golden]


MODES = {"rev": adc.value_and_grad, "fwd": adc.jvp, "hvp": adc.hvp}
FORWARD_CHOSEN = [c for c in CHOSEN if c.name in ("_euler", "while_newton", "loop_break", "matvec", "_prefix")]
PARAMS = [(c, "rev") for c in CHOSEN] + [(c, m) for c in FORWARD_CHOSEN for m in ("fwd", "hvp")]


def _generated(case, mode):
    df = MODES[mode](case.f, wrt=case.wrt, backend="python")
    return adc.source(df, *case.args)


@pytest.mark.parametrize("case,mode", PARAMS, ids=[f"{c.name}-{m}" for c, m in PARAMS])
def test_golden_source(case, mode):
    suffix = "" if mode == "rev" else f"_{mode}"
    path = os.path.join(GOLDEN, f"{case.name.lstrip('_')}{suffix}.py")
    text = _generated(case, mode)
    if os.environ.get("ADC_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(text)
    with open(path) as f:
        assert text == f.read(), f"generated source of {case.name} changed; see {path}"


def test_enough_golden_files():
    assert len(CHOSEN) >= 10
