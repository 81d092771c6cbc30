"""The toolkit under test is importable in the pytest process itself (for the unit tests); the
real 0.2.3 only ever runs in child processes (support/child.py)."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from support.child import use  # noqa: E402
from support.paths import GOLDEN_DIR  # noqa: E402

use("mine")


def pytest_sessionstart(session):
    if not (GOLDEN_DIR / "scenarios.py").is_file():
        raise SystemExit(f"golden traces not found at {GOLDEN_DIR} (set GOLDEN_DIR)")


def pytest_sessionfinish(session, exitstatus):
    # Nothing may be skipped silently: a skip fails the run.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 1
