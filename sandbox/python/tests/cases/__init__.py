"""The differential corpus: small ARgorithm programs run under the real 0.2.3 and under this
project's toolkit. `all_cases()` gathers every module's cases."""
import importlib

MODULES = ("arrays", "scalars", "sequences", "linked", "maps_sets", "toolkit", "programs")


def all_cases():
    found = []
    for name in MODULES:
        found.extend(importlib.import_module(f"cases.{name}").cases())
    names = [c["name"] for c in found]
    assert len(names) == len(set(names)), "case names must be unique"
    return found
