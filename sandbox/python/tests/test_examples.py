"""The legacy-form examples (examples/NAME.py + NAME.config.json): they pass the checks the
real 0.2.3 CLI runs before `ARgorithm submit` uploads a file, and they give the same states on
the real 0.2.3 and on this toolkit."""
import json
import subprocess
import sys

import pytest

from support.differential import first_difference, normalize, run_all
from support.paths import EXAMPLES_DIR

EXAMPLES = sorted(p.stem for p in EXAMPLES_DIR.glob("*.py"))

MORE_PARAMETERS = {
    "bubblesort": [{"array": []}, {"array": [1]}, {"array": [5, 4, 3, 2, 1]}, {"array": [2.5, 1, 3]},
                   {"array": ["b", "a", "c"]}],
    "fibonacci": [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 20}],
    "infix_to_postfix": [{"expression": "a+b"}, {"expression": "(a+b)*c-d/e"}, {"expression": "a^b^c"},
                         {"expression": "((a)"}, {"expression": "a)"}, {"expression": "a$b"}, {"expression": ""}],
    "grid_bfs": [{"grid": [[0]]}, {"grid": [[1, 0], [0, 0]]}, {"grid": [[0, 1], [1, 0]]}],
    "task_scheduler": [{"durations": []}, {"durations": [3]}, {"durations": [2, 2, 1]}],
    "reverse_list": [{"values": []}, {"values": [1]}, {"values": [1, 2]}],
}

# What `ARgorithm submit FILE` does before uploading (cli.py: CodeManager.verify, then .test):
# the file name check, the import and forbidden-token check, the config schema, then a run of
# the config's example on the real toolkit, which must return a StateSet.
SUBMIT_CHECK = """
import sys
import typer
from ARgorithmToolkit.cli import CodeManager
code = CodeManager(sys.argv[1])
code.verify()
try:
    states = code.test(prompt=False)
except typer.Exit as e:
    raise SystemExit(f"the example run failed ({e.exit_code})")
print(len(states))
"""


def test_the_examples_are_there():
    assert {"bubblesort", "fibonacci", "infix_to_postfix"} <= set(EXAMPLES) and len(EXAMPLES) >= 5
    for name in EXAMPLES:
        config = json.loads((EXAMPLES_DIR / f"{name}.config.json").read_text())
        assert config["file"] == f"{name}.py"
        assert config["argorithmID"].endswith("_py") and config["argorithmID"].replace("_", "").isalnum()
        assert set(MORE_PARAMETERS[name][0]) == set(config["parameters"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_passes_the_cli_submit_checks(name, tmp_path):
    proc = subprocess.run([sys.executable, "-c", SUBMIT_CHECK, f"{name}.py"], cwd=EXAMPLES_DIR,
                          capture_output=True, text=True,
                          env={"PYTHONDONTWRITEBYTECODE": "1", "HOME": str(tmp_path), "PATH": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert int(proc.stdout.split()[-1]) > 0


def test_the_cli_check_refuses_what_it_should(tmp_path):
    # The same check on files it must refuse, so that a pass above means something.
    bad = {"imports_os": "import os\nimport ARgorithmToolkit\n", "uses_eval": "import ARgorithmToolkit\nx = eval('1')\n",
           "config_name": "import ARgorithmToolkit\nconfig = 1\n", "no_toolkit": "x = 1\n"}
    for name, source in bad.items():
        (tmp_path / f"{name}.py").write_text(source + "def run(**kwargs):\n    return ARgorithmToolkit.StateSet()\n")
        (tmp_path / f"{name}.config.json").write_text((EXAMPLES_DIR / "fibonacci.config.json").read_text())
        proc = subprocess.run([sys.executable, "-c", SUBMIT_CHECK, f"{name}.py"], cwd=tmp_path,
                              capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": ""})
        assert proc.returncode != 0 and "ARgorithmError" in proc.stderr, (name, proc.stderr[-500:])


def _cases():
    out = []
    for name in EXAMPLES:
        source = (EXAMPLES_DIR / f"{name}.py").read_text()
        config = json.loads((EXAMPLES_DIR / f"{name}.config.json").read_text())
        for i, params in enumerate([config["example"]] + MORE_PARAMETERS[name]):
            out.append({"name": f"{name}/{i}", "source": source, "entry": config["function"], "params": params,
                        "compare": "exact", "module": name})
    return out


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes():
    return run_all(CASES, "real"), run_all(CASES, "mine")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_states_as_0_2_3(outcomes, case):
    real, mine = outcomes
    a, b = normalize(real[case["name"]], "exact", "real"), normalize(mine[case["name"]], "exact", "mine")
    assert first_difference(a, b) is None, first_difference(a, b)
    if case["name"].endswith("/0"):
        assert "states" in a and len(a["states"]) > 1
