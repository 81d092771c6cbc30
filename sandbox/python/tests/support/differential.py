"""Running a corpus under both toolkits (one subprocess each) and comparing the outcomes."""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from support.trace import rename_ids

CHILD = Path(__file__).with_name("child.py")


def child(flavor, *args, python=sys.executable):
    """Runs child.py with `flavor`'s toolkit; returns its parsed output."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    proc = subprocess.run([python, str(CHILD), flavor, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{flavor} child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)


def run_all(cases, flavor, python=sys.executable):
    keys = ("name", "source", "entry", "params", "compare", "report_params", "module")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([{k: c[k] for k in keys if k in c} for c in cases], f)
    try:
        results = child(flavor, f.name, python=python)
    finally:
        os.unlink(f.name)
    return {r["name"]: r for r in results}


def _as_project_set_state(state):
    """0.2.3's Set state (with its body, a set, dumped as a sorted list by the child) in this
    project's form: "key" is "element", and the keys in the project's order."""
    d = state["state_def"]
    out = {"id": d["id"], "variable_name": d["variable_name"], "body": d["body"]}
    if "key" in d:
        out["element"] = d["key"]
    if "found" in d:
        out["found"] = d["found"]
    return {"state_type": state["state_type"], "state_def": out, "comments": state["comments"]}


def normalize(result, compare, flavor):
    if "error" in result:
        kind, message, phase = result["error"]
        return {"error": [kind, message, phase]}
    states = rename_ids(result["states"])
    if compare == "set":
        fixed = []
        for s in states:
            if s["state_type"].startswith("set_"):
                if flavor == "real":
                    s = _as_project_set_state(s)
                s = dict(s, state_def=dict(s["state_def"], body=sorted(s["state_def"]["body"], key=json.dumps)))
            fixed.append(s)
        states = fixed
    return {"states": states}


def first_difference(a, b):
    if "error" in a or "error" in b:
        return f"real: {a.get('error')}\nmine: {b.get('error')}" if a != b else None
    sa, sb = a["states"], b["states"]
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y:
            return f"state {i}:\nreal: {json.dumps(x)}\nmine: {json.dumps(y)}"
    if len(sa) != len(sb):
        extra = sa[len(sb):] or sb[len(sa):]
        return f"{len(sa)} states (real) vs {len(sb)} (mine); first extra: {json.dumps(extra[0])}"
    return None
