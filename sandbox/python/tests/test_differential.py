"""Every case of the corpus (cases/) under the real 0.2.3 and under this toolkit, each toolkit in
its own process: the same states (ids renamed by first appearance), or the same exception."""
import pytest

from cases import all_cases
from support.differential import first_difference, normalize, run_all

CASES = all_cases()


@pytest.fixture(scope="module")
def outcomes():
    return run_all(CASES, "real"), run_all(CASES, "mine")


def test_corpus_is_large():
    assert len(CASES) >= 1000


def test_corpus_exercises_failures_and_states(outcomes):
    real, _ = outcomes
    errors = sum(1 for r in real.values() if "error" in r)
    states = sum(len(r.get("states", ())) for r in real.values())
    assert errors >= 20 and states >= 5000


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_as_0_2_3(outcomes, case):
    real, mine = outcomes
    a = normalize(real[case["name"]], case["compare"], "real")
    b = normalize(mine[case["name"]], case["compare"], "mine")
    difference = first_difference(a, b)
    assert difference is None, difference
