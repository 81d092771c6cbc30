"""The test suite shipped in the argorithmtoolkit 0.2.3 wheel, unmodified, against this toolkit.

The wheel is fetched with pip into target/ (cached) and its tests/ extracted for each run. They
run in a child process where this toolkit comes first on sys.path and the real one cannot be
imported. numpy is importable there, for test_array.py's own use (it compares with np.all);
the toolkit itself must not import it.

One upstream test cannot pass by design: test_encoder.py::test_encoder asserts that a reference's
id is the object's memory address (`int(obj_id) == id(actual)`), and ids here are counters. It
must fail exactly there; test_toolkit.py checks what that test checks apart from the address.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

from support.paths import CACHE, TOOLKIT_DIR

WHEEL_DIR = CACHE / "wheel"
WHEEL = WHEEL_DIR / "ARgorithmToolkit-0.2.3-py3-none-any.whl"
EXPECTED_FAILURE = "tests/test_encoder.py::test_encoder"

BOOTSTRAP = f"""
import sys
sys.path.insert(0, {str(TOOLKIT_DIR.parent / "tests")!r})
from support.child import use
use("mine")
assert "numpy" not in sys.modules, "the toolkit imported numpy"
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def _wheel():
    if not WHEEL.is_file():
        WHEEL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                        "--no-deps", "argorithmtoolkit==0.2.3", "-d", str(WHEEL_DIR)], check=True)
    assert WHEEL.is_file(), f"pip did not leave {WHEEL}"
    return WHEEL


def test_upstream_suite(tmp_path):
    with zipfile.ZipFile(_wheel()) as wheel:
        members = [n for n in wheel.namelist() if n.startswith("tests/")]
        assert len(members) >= 13
        wheel.extractall(tmp_path, members)
    report = tmp_path / "report.xml"
    proc = subprocess.run(
        [sys.executable, "-c", BOOTSTRAP, "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         "--rootdir", str(tmp_path), "tests"],
        cwd=tmp_path, capture_output=True, text=True, env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""})
    assert report.is_file(), proc.stdout + proc.stderr
    passed, failed = [], {}
    for tc in ET.parse(report).getroot().iter("testcase"):
        name = tc.get("classname").replace(".", "/") + ".py::" + tc.get("name")
        problem = tc.find("failure") if tc.find("failure") is not None else tc.find("error")
        skipped = tc.find("skipped")
        assert skipped is None, f"{name} was skipped"
        if problem is None:
            passed.append(name)
        else:
            failed[name] = problem.text or ""
    assert len(passed) + len(failed) == 42, proc.stdout
    assert set(failed) == {EXPECTED_FAILURE}, {k: v[-2000:] for k, v in failed.items()}
    assert "assert int(obj_id) == id(actual)" in failed[EXPECTED_FAILURE]
