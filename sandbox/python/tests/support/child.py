"""Runs ARgorithm programs in this process and prints their traces as JSON (one process per
toolkit, so the real 0.2.3 and this project's never share one).

    python child.py mine|real CASES.json
    python child.py mine|real SCENARIOS.py --public     (prints the scenarios' PUBLIC table)

CASES.json is a list of {"name", "source", "entry", "params"}. For each case the source runs as
a fresh module, `entry(**params)` is called and the returned StateSet's states are serialized the
way the server does it, after the run, with the toolkit's StateEncoder. Printed: a list of
{"name", "states"} or {"name", "error": [type, message, phase]}, phase "run" or "serialize".
"""
import gc
import json
import sys
import types
from pathlib import Path

TOOLKIT_DIR = str(Path(__file__).resolve().parents[2] / "toolkit")


class _OnlyThisToolkit:
    """Meta-path hook: the real 0.2.3 cannot be imported in a process testing ours."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "ARgorithmToolkit" or name.startswith("ARgorithmToolkit."):
            from importlib.machinery import PathFinder
            spec = PathFinder.find_spec(name, [TOOLKIT_DIR] if "." not in name else path)
            if spec is None or not str(spec.origin).startswith(TOOLKIT_DIR):
                raise ImportError(f"{name} must come from {TOOLKIT_DIR}")
            return spec
        return None


def use(flavor):
    if flavor == "mine":
        sys.path.insert(0, TOOLKIT_DIR)
        sys.meta_path.insert(0, _OnlyThisToolkit)
    else:
        sys.path[:] = [p for p in sys.path if not p.startswith(str(Path(TOOLKIT_DIR).parent))]
    import ARgorithmToolkit
    origin = str(Path(ARgorithmToolkit.__file__).resolve())
    if (flavor == "mine") != origin.startswith(TOOLKIT_DIR):
        raise SystemExit(f"wrong toolkit imported for {flavor}: {origin}")
    if flavor == "mine" and "numpy" in sys.modules:
        raise SystemExit("this project's toolkit imported numpy")
    return ARgorithmToolkit


def _set_tolerant(base):
    """0.2.3's encoder, also writing Python sets (its Set bodies) as lists, so that its Set
    states can be compared with this project's form."""
    class Encoder(base):
        def default(self, o):
            if isinstance(o, (set, frozenset)):
                return list(o)
            return super().default(o)
    return Encoder


def run_case(toolkit, case):
    module = types.ModuleType(case.get("module", "argorithm"))
    # The module lives until its states are serialized, as on the server.
    try:
        try:
            exec(compile(case["source"], module.__name__ + ".py", "exec"), module.__dict__)
            result = module.__dict__[case["entry"]](**case["params"])
            states = result.states
        except BaseException as e:  # noqa: BLE001 - the exception is the observation
            return {"error": [type(e).__name__, str(e), "run"]}
        try:
            encoder = toolkit.encoders.StateEncoder
            if case.get("compare") == "set" and not hasattr(toolkit, "_ids"):
                encoder = _set_tolerant(encoder)
            text = json.dumps([s.content for s in states], cls=encoder,
                              allow_nan=False, separators=(",", ":"))
        except BaseException as e:  # noqa: BLE001
            return {"error": [type(e).__name__, str(e), "serialize"]}
        out = {"states": json.loads(text)}
        if case.get("report_params"):
            out["params_after"] = case["params"]
        return out
    finally:
        module.__dict__.clear()


def public_table(path):
    """The PUBLIC table of the golden scenarios file: {scenario: [parameters, ...]}."""
    module = types.ModuleType("scenarios")
    exec(compile(Path(path).read_text(), path, "exec"), module.__dict__)
    return {name: params for name, (_, params) in module.PUBLIC.items()}


def main():
    flavor, cases_file = sys.argv[1], sys.argv[2]
    toolkit = use(flavor)
    if len(sys.argv) > 3 and sys.argv[3] == "--public":
        json.dump(public_table(cases_file), sys.stdout)
        return
    # Cycles of doubly linked nodes die only when the cycle collector runs, which depends on
    # every allocation in the process; with it off, only reference counts decide, in both runs.
    gc.disable()
    cases = json.loads(Path(cases_file).read_text())
    out = []
    for case in cases:
        result = run_case(toolkit, case)
        result["name"] = case["name"]
        out.append(result)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
