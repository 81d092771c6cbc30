"""Prints every case where the real 0.2.3 and this toolkit differ (a debugging aid; the test
is test_differential.py). Usage: python diff_report.py [name-prefix]"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cases import all_cases  # noqa: E402
from support.differential import first_difference, normalize, run_all  # noqa: E402

prefix = sys.argv[1] if len(sys.argv) > 1 else ""
corpus = [c for c in all_cases() if c["name"].startswith(prefix)]
real, mine = run_all(corpus, "real"), run_all(corpus, "mine")
bad = 0
for c in corpus:
    d = first_difference(normalize(real[c["name"]], c["compare"], "real"), normalize(mine[c["name"]], c["compare"], "mine"))
    if d:
        bad += 1
        print(f"== {c['name']}\n{d}\n")
print(f"{bad} of {len(corpus)} differ")
