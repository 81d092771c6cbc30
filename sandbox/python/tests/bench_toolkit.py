"""How much a run of an ARgorithm costs the toolkit: a benchmark to run by hand (pytest does not
collect it), natively, to compare the toolkit before and after a change.

    target/py-toolkit-venv/bin/python sandbox/python/tests/bench_toolkit.py [options] [NAME ...]

    --toolkit DIR   the toolkit to measure (the directory holding ARgorithmToolkit/; default
                    this repository's sandbox/python/toolkit), e.g. a copy of an older version
    --reps N        timed repetitions per case (default 300); the median is printed
    NAME ...        only the cases whose names start with one of these

Cases: the examples (sandbox/python/examples, on their config's example and on larger inputs)
and the golden scenarios (GOLDEN_DIR/scenarios.py, default ../shared/golden, on their first
public parameters). Printed per case:

    states    how many states the run makes
    run       the program's run, `entry(**params)` (median, microseconds)
    ser       serializing its states as the server does after the run: one
              StateEncoder(allow_nan=False, separators=(",", ":")) and `encode(state.content)`
              for each state (median, microseconds)
    blocks    memory blocks the run leaves allocated (sys.getallocatedblocks() before and after,
              cycle collector off as on the server): the objects the trace keeps
    peak      the most memory the run and the serialization hold at once (tracemalloc, KiB)
    flt       page faults of one run (run+ser) in a fresh fork of a process that has imported
              the toolkit and run the case a few times before gc.freeze(), as the server's
              snapshot has: the pages the run writes for the first time (Linux only)
    digest    a hash of the serialized trace with the id counter started from 1: equal
              digests before and after a change mean the same output, byte for byte
"""
import copy
import gc
import hashlib
import itertools
import json
import os
import statistics
import sys
import time
import tracemalloc
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON_DIR = HERE.parent
REPO = PYTHON_DIR.parents[1]
EXAMPLES = PYTHON_DIR / "examples"
GOLDEN_DIR = Path(os.environ.get("GOLDEN_DIR") or (REPO.parent / "shared" / "golden"))

# Larger inputs for the examples, besides each config's own example.
LARGER = {
    "bubblesort": [("10", {"array": [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]}),
                   ("30", {"array": list(range(30, 0, -1))}),
                   ("floats", {"array": [2.5, 1.0, 3.25, 0.5, 9.0, 4.75]}),
                   ("strs", {"array": ["pear", "fig", "kiwi", "apple", "date"]})],
    "fibonacci": [("60", {"n": 60})],
    "grid_bfs": [("8x8", {"grid": [[0] * 8 for _ in range(8)]})],
    "infix_to_postfix": [("long", {"expression": "(a+b)*(c-d)/e^f^g+h*(i-j*(k+l))-m/n"})],
    "reverse_list": [("40", {"values": list(range(40))})],
    "task_scheduler": [("30", {"durations": [(i * 7) % 11 + 1 for i in range(30)]})],
}


def cases():
    out = []
    for config_path in sorted(EXAMPLES.glob("*.config.json")):
        config = json.loads(config_path.read_text())
        name = config["file"][:-3]
        source = (EXAMPLES / config["file"]).read_text()
        runs = [("example", config["example"])] + LARGER.get(name, [])
        for label, params in runs:
            out.append((f"{name}/{label}", name, source, config["function"], params))
    scenarios = GOLDEN_DIR / "scenarios.py"
    if scenarios.is_file():
        source = scenarios.read_text()
        module = load("scenarios", source)
        for name, (_, sets) in module.PUBLIC.items():
            out.append((f"golden/{name}", "scenarios", source, name, sets[0]))
    else:
        print(f"(no golden scenarios: {scenarios} not found)", file=sys.stderr)
    return out


def load(module_name, source):
    # As the server runs a program: its source as a fresh module named after the file.
    module = types.ModuleType(module_name)
    exec(compile(source, module_name + ".py", "exec"), module.__dict__)
    return module


def serialize(encoders, states):
    encoder = encoders.StateEncoder(allow_nan=False, separators=(",", ":"))
    return [encoder.encode(state.content) for state in states]


def timed(fn, reps):
    times = []
    for _ in range(reps):
        arg = fn.prepare()
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


class Run:
    def __init__(self, entry, params):
        self.entry, self.params = entry, params

    def prepare(self):
        # A Vector keeps (and appends to) the list it is given: every run gets its own copy.
        return copy.deepcopy(self.params)

    def __call__(self, params):
        return self.entry(**params)


class Serialize:
    def __init__(self, encoders, states):
        self.encoders, self.states = encoders, states

    def prepare(self):
        return None

    def __call__(self, _):
        return serialize(self.encoders, self.states)


def faults_in_fresh_fork(entry, params, encoders):
    """Minor page faults of one run and its serialization in a forked child (the parent's pages
    are shared until written, as a fresh instance of the server's snapshot is)."""
    import resource

    def minflt():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            arg = copy.deepcopy(params)
            minflt()
            before = minflt()
            states = entry(**arg).states
            middle = minflt()
            serialize(encoders, states)
            after = minflt()
            os.write(write_end, f"{middle - before} {after - middle}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        text = f.read()
    os.waitpid(pid, 0)
    run, ser = map(int, text.split())
    return run, ser


def main():
    args = sys.argv[1:]
    toolkit = PYTHON_DIR / "toolkit"
    reps = 300
    only = []
    while args:
        arg = args.pop(0)
        if arg == "--toolkit":
            toolkit = Path(args.pop(0)).resolve()
        elif arg == "--reps":
            reps = int(args.pop(0))
        else:
            only.append(arg)
    sys.path.insert(0, str(toolkit))
    import ARgorithmToolkit
    from ARgorithmToolkit import encoders
    print(f"toolkit {Path(ARgorithmToolkit.__file__).parent}, Python {sys.version.split()[0]}, "
          f"median of {reps}")
    can_fork = hasattr(os, "fork") and sys.platform.startswith("linux")
    header = f"{'case':34} {'states':>6} {'run us':>9} {'ser us':>8} {'blocks':>7} {'peak KiB':>8} " \
             f"{'flt':>9}  digest"
    print(header)
    totals = [0.0, 0.0]
    # The server runs with the cycle collector off (and a collection in the middle of a timed
    # run would only add noise).
    gc.disable()
    for name, module_name, source, entry_name, params in cases():
        if only and not any(name.startswith(o) for o in only):
            continue
        entry = getattr(load(module_name, source), entry_name)
        run = Run(entry, params)
        for _ in range(8):
            serialize(encoders, run(run.prepare()).states)
        run_us = timed(run, reps)
        states = run(run.prepare()).states
        ser_us = timed(Serialize(encoders, states), reps)
        del states
        gc.collect()

        arg = run.prepare()
        blocks_before = sys.getallocatedblocks()
        states = run(arg).states
        blocks = sys.getallocatedblocks() - blocks_before
        del states

        tracemalloc.start()
        states = run(run.prepare()).states
        serialize(encoders, states)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del states

        ARgorithmToolkit._ids._counter = itertools.count(1)
        text = "\n".join(serialize(encoders, run(run.prepare()).states))
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        count = text.count("\n") + 1 if text else 0

        faults = ""
        if can_fork:
            gc.collect()
            gc.freeze()
            samples = sorted(faults_in_fresh_fork(entry, params, encoders) for _ in range(5))
            gc.unfreeze()
            r, s = samples[len(samples) // 2]
            faults = f"{r}+{s}"
        totals[0] += run_us
        totals[1] += ser_us
        print(f"{name:34} {count:6} {run_us:9.1f} {ser_us:8.1f} {blocks:7} {peak / 1024:8.1f} {faults:>9}  {digest}")
    print(f"{'total':34} {'':6} {totals[0]:9.1f} {totals[1]:8.1f}")


if __name__ == "__main__":
    main()
