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
    pages     memory pages the run and the serialization (run+ser) write for the first time
              in a fresh fork of a process that imported the toolkit and ran the case 8 times
              before gc.freeze(), as the server's snapshot is made: on the server each is a
              copy-on-write fault (Linux only; medians of 7 forks)
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
import subprocess
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


# Byte 7 of a /proc/self/pagemap entry holds bit 63 (present) as 0x80 and bit 56 (mapped by this
# process only) as 0x01.
_EXCLUSIVE = bytes(1 if b & 0x81 == 0x81 else 0 for b in range(256))


def exclusive_pages():
    """Pages of the process's writable mappings that are present and mapped by it alone: in a
    forked child, the ones it has written (copied on write) or newly allocated."""
    ranges = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if fields[1][1] == "w":
                lo, hi = fields[0].split("-")
                ranges.append((int(lo, 16) // 4096, int(hi, 16) // 4096))
    total = 0
    fd = os.open("/proc/self/pagemap", os.O_RDONLY)
    try:
        for lo, hi in ranges:
            total += os.pread(fd, (hi - lo) * 8, lo * 8)[7::8].translate(_EXCLUSIVE).count(1)
    finally:
        os.close(fd)
    return total


def pages_written(toolkit, name):
    """Memory pages the run and the serialization write for the first time, measured in a new
    process that imports the toolkit, runs the case 8 times and freezes its heap (as the
    server's runner does before its snapshot is taken), then forks a child per measurement: a
    child shares its parent's pages until it writes them, as a fresh instance of the snapshot
    does, where each is a copy-on-write fault. Medians of 7 children."""
    proc = subprocess.run([sys.executable, __file__, "--toolkit", str(toolkit), "--pages", name],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return proc.stdout.strip()


def _pages_child(name):
    import ARgorithmToolkit  # noqa: F401
    from ARgorithmToolkit import encoders

    _, module_name, source, entry_name, params = next(c for c in cases() if c[0] == name)
    for _ in range(8):
        serialize(encoders, getattr(load(module_name, source), entry_name)(**copy.deepcopy(params)).states)
    gc.collect()
    gc.freeze()
    gc.disable()
    samples = []
    for _ in range(7):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                entry = getattr(load(module_name, source), entry_name)
                arg = copy.deepcopy(params)
                exclusive_pages()
                before = exclusive_pages()
                states = entry(**arg).states
                middle = exclusive_pages()
                serialize(encoders, states)
                after = exclusive_pages()
                os.write(write_end, f"{middle - before} {after - middle}".encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as f:
            samples.append(tuple(map(int, f.read().split())))
        os.waitpid(pid, 0)
    run = statistics.median(s[0] for s in samples)
    ser = statistics.median(s[1] for s in samples)
    print(f"{run:.0f}+{ser:.0f}")


def main():
    args = sys.argv[1:]
    toolkit = PYTHON_DIR / "toolkit"
    reps = 300
    only = []
    pages_of = None
    while args:
        arg = args.pop(0)
        if arg == "--toolkit":
            toolkit = Path(args.pop(0)).resolve()
        elif arg == "--reps":
            reps = int(args.pop(0))
        elif arg == "--pages":
            pages_of = args.pop(0)
        else:
            only.append(arg)
    sys.path.insert(0, str(toolkit))
    if pages_of is not None:
        return _pages_child(pages_of)
    import ARgorithmToolkit
    from ARgorithmToolkit import encoders
    print(f"toolkit {Path(ARgorithmToolkit.__file__).parent}, Python {sys.version.split()[0]}, "
          f"median of {reps}")
    can_measure_pages = hasattr(os, "fork") and os.path.exists("/proc/self/pagemap")
    header = f"{'case':34} {'states':>6} {'run us':>9} {'ser us':>8} {'blocks':>7} {'peak KiB':>8} " \
             f"{'pages':>9}  digest"
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

        pages = pages_written(toolkit, name) if can_measure_pages else ""
        totals[0] += run_us
        totals[1] += ser_us
        print(f"{name:34} {count:6} {run_us:9.1f} {ser_us:8.1f} {blocks:7} {peak / 1024:8.1f} {pages:>9}  {digest}")
    print(f"{'total':34} {'':6} {totals[0]:9.1f} {totals[1]:8.1f}")


if __name__ == "__main__":
    main()
