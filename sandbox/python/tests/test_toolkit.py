"""Properties of this toolkit that need no comparison with 0.2.3: ids, determinism, the Set
form, imports, speed."""
import json
import re
import statistics
import subprocess
import sys
import time

import ARgorithmToolkit as T
from support.paths import TOOLKIT_DIR
from support.trace import rename_ids


def bubblesort(values):
    algo = T.StateSet()
    arr = T.Array("arr", algo, data=values, comments="unsorted")
    for i in range(len(arr)):
        algo.add_comment(f"pass {i}")
        for j in range(i + 1, len(arr)):
            if arr.compare(i, j, lambda a, b: a > b):
                arr.swap(i, j)
    return algo


def linked(values):
    algo = T.StateSet()
    fl = T.ForwardList("fl", algo)
    for v in values:
        fl.push_front(v)
    m = T.Map("m", algo)
    m[T.String("k", algo, "key")] = fl
    return algo


def dump(algo):
    return json.loads(json.dumps([s.content for s in algo.states], cls=T.encoders.StateEncoder, allow_nan=False))


def ids_in(states):
    found = []
    for s in states:
        d = s["state_def"] or {}
        if "id" in d:
            found.append(d["id"])
    text = json.dumps(states)
    found += re.findall(r"\$ARgorithmToolkit\.\w+:([^\"]+)", text)
    return found


def test_two_runs_differ_only_in_ids():
    for program, arg in ((bubblesort, [3, 1, 2, 5, 4]), (linked, [1, 2, 3])):
        first, second = dump(program(arg)), dump(program(arg))
        assert first != second
        assert rename_ids(first) == rename_ids(second)
        a, b = ids_in(first), ids_in(second)
        assert a and b
        assert all(re.fullmatch(r"[1-9][0-9]*", i) for i in a + b)
        # Later objects get larger ids: the counter is never reset or reused.
        assert max(map(int, a)) < min(map(int, b))


def test_ids_follow_creation_order():
    algo = T.StateSet()
    made = [T.Stack("a", algo), T.Queue("b", algo), T.Array("c", algo, data=[1]), T.Map("d", algo)]
    ids = [int(s.content["state_def"]["id"]) for s in algo.states]
    assert ids == sorted(ids) and len(set(ids)) == len(made)
    assert [int(x) for x in ids] == list(range(ids[0], ids[0] + 4))


def test_reference_is_the_objects_state_id():
    # What upstream's test_encoder checks, with the state id where it expects the address.
    algo = T.StateSet()
    objects = [T.Array("arr", algo, data=[1, 2, 3]), T.DoublyLinkedListNode(algo, 7),
               T.DoublyLinkedList("dll", algo), T.List("dl", algo), T.LinkedListNode(algo, 7),
               T.ForwardList("fl", algo), T.PriorityQueue("pq", algo), T.Queue("q", algo),
               T.Stack("st", algo), T.String("s", algo, "hello world"), T.Vector("vec", algo),
               T.Map("m", algo), T.Set("set", algo)]
    declared = [s.content["state_def"]["id"] for s in algo.states]
    refs = json.loads(json.dumps(objects, cls=T.encoders.StateEncoder))
    assert refs == [f"$ARgorithmToolkit.{type(o).__name__}:{i}" for o, i in zip(objects, declared)]
    for obj in (algo, T.Variable("v", algo, 1), T.State(state_type="x", state_def=None, comments="")):
        try:
            json.dumps(obj, cls=T.encoders.StateEncoder)
        except TypeError as e:
            assert str(e) == "Unserializable ARgorithm class"
        else:
            raise AssertionError(f"{obj!r} serialized")


def test_set_states_take_the_projects_form():
    # The form of sandbox/guest/toolkit/src/set.rs: body an array in insertion order.
    algo = T.StateSet()
    s = T.Set("s", algo, [3, 1], comments="made")
    word = T.String("w", algo, "x")
    s.add(2)
    s.add(3, comments="again")
    s.add(word)
    s.remove(1)
    assert s.find(2) is True and s.find(9) is False
    states = dump(algo)
    sets = [st for st in states if st["state_type"].startswith("set_")]
    ref = f"$ARgorithmToolkit.String:{word._id}"
    assert [(st["state_type"], list(st["state_def"])) for st in sets] == [
        ("set_declare", ["id", "variable_name", "body"]),
        ("set_add", ["id", "variable_name", "body", "element"]),
        ("set_add", ["id", "variable_name", "body", "element"]),
        ("set_add", ["id", "variable_name", "body", "element"]),
        ("set_remove", ["id", "variable_name", "body", "element"]),
        ("set_find", ["id", "variable_name", "body", "element", "found"]),
        ("set_find", ["id", "variable_name", "body", "element", "found"]),
    ]
    assert [st["state_def"]["body"] for st in sets] == [
        [3, 1], [3, 1, 2], [3, 1, 2], [3, 1, 2, ref], [3, 2, ref], [3, 2, ref], [3, 2, ref]]
    assert [st["state_def"].get("element") for st in sets] == [None, 2, 3, ref, 1, 2, 9]
    assert [st["state_def"].get("found") for st in sets[-2:]] == [True, False]
    assert sets[2]["comments"] == "again" and sets[0]["comments"] == "made"
    assert s.body == {3, 2, ref} and repr(s) == f"Set({{3, 2, String('x')}})"
    union = s.union(T.Set("t", algo, [5, 3]))
    assert list(union.body) == [3, 2, ref, 5]


def _fresh(code):
    proc = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(TOOLKIT_DIR)!r})\n" + code],
                          capture_output=True, text=True, env={"PYTHONDONTWRITEBYTECODE": "1"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_is_quick_stdlib_only_and_quiet():
    out = json.loads(_fresh("""
import json, sys, threading, time
before = set(sys.modules)
start = time.perf_counter()
import ARgorithmToolkit
took = time.perf_counter() - start
new = sorted(set(sys.modules) - before)
algo = ARgorithmToolkit.StateSet()
ARgorithmToolkit.Stack('s', algo).push(ARgorithmToolkit.Array('a', algo, data=[1]))
json.dumps([s.content for s in algo.states], cls=ARgorithmToolkit.encoders.StateEncoder)
print(json.dumps({"took": took, "new": new, "threads": threading.active_count(),
                  "after": sorted(set(sys.modules) - before)}))
"""))
    assert out["took"] < 0.05, out["took"]
    ours = [m for m in out["new"] if m == "ARgorithmToolkit" or m.startswith("ARgorithmToolkit.")]
    others = set(out["after"]) - set(ours)
    # inspect, numpy and anything outside the standard library stay out.
    assert others <= {"heapq", "_heapq", "json", "json.decoder", "json.encoder", "json.scanner",
                      "_json", "itertools", "re", "collections.abc", "math"}, others
    assert out["threads"] == 1


def test_legacy_bubblesort_is_fast():
    # 10 ints in reverse order: 1 declaration, 10 comments, 45 comparisons, 45 swaps.
    values = list(range(10, 0, -1))
    assert len(bubblesort(values).states) == 101
    runs = []
    for _ in range(200):
        start = time.perf_counter()
        algo = bubblesort(values)
        json.dumps([s.content for s in algo.states], cls=T.encoders.StateEncoder, allow_nan=False,
                   separators=(",", ":"))
        runs.append(time.perf_counter() - start)
    assert statistics.median(runs) < 0.001, statistics.median(runs)


def test_no_numpy_anywhere_in_the_package():
    for path in TOOLKIT_DIR.rglob("*.py"):
        imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", path.read_text(), re.M)
        assert "numpy" not in imports and "inspect" not in imports, path
