"""The adjoints adc writes for the golden corpus cases, checked in and reviewed like code.

Regenerate after an intended change with ADC_UPDATE_GOLDEN=1 and review the diff.
"""
import os

import pytest

import adc
from corpus import CASES

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")
CHOSEN = [c for c in CASES if c.golden]


def _generated(case):
    df = adc.value_and_grad(case.f, wrt=case.wrt, backend="python")
    return adc.source(df, *case.args)


@pytest.mark.parametrize("case", CHOSEN, ids=[c.name for c in CHOSEN])
def test_golden_source(case):
    path = os.path.join(GOLDEN, f"{case.name.lstrip('_')}.py")
    text = _generated(case)
    if os.environ.get("ADC_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(text)
    with open(path) as f:
        assert text == f.read(), f"generated source of {case.name} changed; see {path}"


def test_enough_golden_files():
    assert len(CHOSEN) >= 10
