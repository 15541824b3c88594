"""Every corpus function, on every backend, through the one harness."""
import pytest

from corpus import CASES
from harness import check_grads


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_gradient(case):
    check_grads(case.f, case.args, wrt=case.wrt, ag=case.ag)


def test_corpus_is_large_enough():
    assert len(CASES) >= 60, len(CASES)
