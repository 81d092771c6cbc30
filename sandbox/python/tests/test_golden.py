"""The golden scenarios file, unmodified, on this toolkit (and, as a check of the comparison
itself, on the real 0.2.3), against the golden traces."""
import copy
import json

import pytest

from support.differential import child, run_all
from support.paths import GOLDEN_DIR
from support.trace import rename_ids

SCENARIOS = GOLDEN_DIR / "scenarios.py"
PUBLIC = child("mine", str(SCENARIOS), "--public")
GOLDEN = {p.stem: json.loads(p.read_text()) for p in sorted(GOLDEN_DIR.glob("*.json"))}


def _cases():
    source = SCENARIOS.read_text()
    return [{"name": f"{name}/{i}", "source": source, "entry": name, "params": copy.deepcopy(params),
             "report_params": True, "module": "scenarios"}
            for name, sets in PUBLIC.items() for i, params in enumerate(sets)]


@pytest.fixture(scope="module", params=["mine", "real"])
def results(request):
    return request.param, run_all(_cases(), request.param)


def test_every_golden_file_is_a_public_scenario():
    assert sorted(GOLDEN) == sorted(PUBLIC)
    for name, golden in GOLDEN.items():
        assert golden["scenario"] == name
        assert len(golden["cases"]) == len(PUBLIC[name]), name


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_scenario_matches_golden(results, name):
    flavor, runs = results
    for i, golden_case in enumerate(GOLDEN[name]["cases"]):
        run = runs[f"{name}/{i}"]
        assert "error" not in run, run.get("error")
        expected = rename_ids(golden_case["states"])
        got = rename_ids(run["states"])
        assert len(got) == len(expected), f"{flavor}: {len(got)} states, golden has {len(expected)}"
        for n, (g, e) in enumerate(zip(got, expected)):
            assert g == e, f"{flavor} {name} case {i} state {n}"
        # The golden file records the parameters after the run: Vector keeps (and appends to)
        # the list it was given, so vector_ops' recorded list has the 99 it appended.
        assert run["params_after"] == golden_case["parameters"]


def test_golden_traces_already_use_renamed_ids():
    for golden in GOLDEN.values():
        for case in golden["cases"]:
            assert rename_ids(case["states"]) == case["states"]
