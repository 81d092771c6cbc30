"""Where things are: the repository, the toolkit under test, the golden traces, the venv."""
import os
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parents[2]          # sandbox/python
REPO = PYTHON_DIR.parents[1]
TOOLKIT_DIR = PYTHON_DIR / "toolkit"
EXAMPLES_DIR = PYTHON_DIR / "examples"
TARGET = REPO / "target"
CACHE = TARGET / "py-toolkit-cache"
GOLDEN_DIR = Path(os.environ.get("GOLDEN_DIR") or (REPO.parent / "shared" / "golden"))
