//! Python ARgorithms in the sandbox: hostile programs, one test each, every one getting its
//! documented error and leaving the sandbox able to run a normal program right after; and the
//! isolation and determinism every run is promised.
use sandbox::testing::{python_setup, require_python};
use sandbox::{Cancel, Limits, ModuleError, RunError, Sandbox};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const NORMAL: &str = r#"
import ARgorithmToolkit

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs.get('array', [3, 1, 2]), comments="input")
    for i in range(len(arr)):
        for j in range(i + 1, len(arr)):
            if arr.compare(i, j, lambda a, b: a > b):
                arr.swap(i, j)
    return algo
"#;

fn limits() -> Limits {
    Limits {
        timeout: Duration::from_millis(1000),
        python_memory_bytes: 128 << 20,
        max_states: 1000,
        max_output_bytes: 256 << 10,
        concurrency: 2,
        ..Limits::default()
    }
}

/// One sandbox for the tests that keep to the default limits; the runtime is loaded once.
fn shared() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        let sandbox = Sandbox::with_python(limits(), &python_setup()).expect("sandbox starts");
        require_python(&sandbox);
        sandbox
    })
}

fn check(sandbox: &Sandbox, source: &str) -> Result<std::sync::Arc<sandbox::Compiled>, ModuleError> {
    sandbox.compile_file("prog.py", source.as_bytes(), "run")
}

fn run(sandbox: &Sandbox, source: &str, params: &str) -> Result<Vec<serde_json::Value>, RunError> {
    let compiled = check(sandbox, source).unwrap_or_else(|e| panic!("the program is accepted: {e}"));
    let trace = sandbox.run(&compiled, "run", params.as_bytes())?;
    Ok(trace.states().iter().map(|s| serde_json::from_str(s).expect("states are JSON")).collect())
}

/// The sandbox runs a normal program after whatever the hostile one did.
fn assert_healthy(sandbox: &Sandbox) {
    let states = run(sandbox, NORMAL, r#"{"array": [2, 1]}"#).expect("a normal run succeeds");
    assert_eq!(states.len(), 3, "{states:?}");
    assert_eq!(states[2]["state_type"], "array_swap");
    assert_eq!(states[2]["state_def"]["body"], serde_json::json!([1, 2]));
}

fn program(body: &str) -> String {
    format!("import ARgorithmToolkit\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n{body}\n    return algo\n")
}

#[test]
fn an_endless_loop_is_stopped_at_the_time_limit() {
    let sandbox = shared();
    let started = Instant::now();
    let err = run(sandbox, &program("    while True:\n        pass"), "{}").unwrap_err();
    assert_eq!(err.kind(), "time_limit_exceeded", "{err}");
    assert!(started.elapsed() < Duration::from_secs(3), "stopped near the limit: {:?}", started.elapsed());
    assert_healthy(sandbox);
}

#[test]
fn a_run_nobody_waits_for_stops_at_the_next_tick() {
    let sandbox = Sandbox::with_python(Limits { timeout: Duration::from_secs(10), ..limits() }, &python_setup()).unwrap();
    let compiled = check(&sandbox, &program("    while True:\n        pass")).unwrap();
    let cancel = Cancel::default();
    let canceller = cancel.clone();
    let start = Instant::now();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        canceller.cancel();
    });
    let err = sandbox.run_until_cancelled(&compiled, "run", b"{}", &cancel).unwrap_err();
    assert_eq!(err, RunError::Cancelled);
    assert!(start.elapsed() < Duration::from_millis(400), "stopped at {:?}, not at the next tick", start.elapsed());
    assert_healthy(&sandbox);
}

#[test]
fn a_state_may_nest_128_levels_and_no_more_however_it_is_emitted() {
    let sandbox = shared();
    // Through the toolkit: the state_def nests depth - 1 dicts.
    let nested = |depth: usize| program(&format!(
        "    d = None\n    for _ in range({}):\n        d = {{'a': d}}\n    algo.states.append(ARgorithmToolkit.State(state_type='deep', state_def=d, comments=''))",
        depth - 1
    ));
    // (serde_json's Value stops at 128 levels, so the trace is looked at as text.)
    let compiled = check(sandbox, &nested(128)).unwrap();
    let trace = sandbox.run(&compiled, "run", b"{}").expect("128 levels are accepted");
    assert_eq!(trace.len(), 1);
    assert_eq!(trace.states()[0].matches("{\"a\":").count(), 127);
    let err = run(sandbox, &nested(129), "{}").unwrap_err();
    assert_eq!(err.kind(), "invalid_state", "{err}");
    assert!(err.to_string().contains("deeper than 128 levels"), "{err}");
    // Straight through the runtime's import, 100,000 levels deep (within the byte limit), past
    // any encoder.
    let raw = program("    import wit_world\n    wit_world.emit('[{\"state_type\":\"x\",\"state_def\":' + '[' * 100000 + ']' * 100000 + ',\"comments\":\"\"}]')");
    let err = run(sandbox, &raw, "{}").unwrap_err();
    assert_eq!(err.kind(), "invalid_state", "{err}");
    assert_healthy(sandbox);
}

#[test]
fn a_memory_bomb_is_stopped_at_the_memory_limit() {
    let sandbox = shared();
    for bomb in ["    x = [0] * 10**9", "    x = []\n    while True:\n        x.append('y' * 4096)", "    b = bytearray(1 << 30)"] {
        let err = run(sandbox, &program(bomb), "{}").unwrap_err();
        assert_eq!(err.kind(), "memory_limit_exceeded", "{bomb}: {err}");
        assert!(err.to_string().contains("128 MiB"), "{err}");
    }
    assert_healthy(sandbox);
}

#[test]
fn unbounded_recursion_ends_in_a_recursion_error_or_a_stack_overflow() {
    let sandbox = shared();
    let plain = "def down(n):\n    return down(n + 1)\n\ndef run(**kwargs):\n    return down(0)\n";
    let err = run(sandbox, plain, "{}").unwrap_err();
    assert!(matches!(err.kind(), "runtime_error" | "stack_overflow"), "{err}");
    if err.kind() == "runtime_error" {
        assert!(err.to_string().contains("RecursionError"), "{err}");
        assert!(err.to_string().contains("prog.py\", line 2, in down"), "the author's frame is named: {err}");
    }
    // Past Python's own limit, the C stack or the memory limit stops it; the host never crashes.
    let deeper = "import sys\nsys.setrecursionlimit(10**7)\n".to_owned() + plain;
    let err = run(sandbox, &deeper, "{}").unwrap_err();
    assert!(matches!(err.kind(), "runtime_error" | "stack_overflow" | "memory_limit_exceeded"), "{err}");
    let nested = program("    x = []\n    for _ in range(10**6):\n        x = [x]\n    repr(x)");
    let err = run(sandbox, &nested, "{}").unwrap_err();
    assert!(matches!(err.kind(), "runtime_error" | "stack_overflow" | "memory_limit_exceeded"), "{err}");
    assert_healthy(sandbox);
}

#[test]
fn the_host_file_system_is_out_of_reach() {
    let sandbox = shared();
    let err = run(sandbox, &program("    open('/etc/passwd').read()"), "{}").unwrap_err();
    assert_eq!(err.kind(), "runtime_error", "{err}");
    assert!(!err.to_string().contains("root:"), "{err}");
    assert!(err.to_string().contains("FileNotFoundError"), "the guest sees no such file: {err}");
    // The guest is granted no preopened folder, so there is no root to list at all.
    let listing = program(
        "    import os\n    try:\n        seen = repr(os.listdir('/'))\n    except OSError as e:\n        seen = type(e).__name__\n    algo.add_comment(seen)",
    );
    let states = run(sandbox, &listing, "{}").expect("the program catches its own error");
    assert_eq!(states[0]["comments"], "FileNotFoundError", "listing the root folder");
    let environment = program("    import os\n    algo.add_comment(repr(dict(os.environ)))");
    let states = run(sandbox, &environment, "{}").expect("reading the environment works");
    assert_eq!(states[0]["comments"], "{}", "no environment variables are visible");
    assert_healthy(sandbox);
}

#[test]
fn sockets_and_subprocesses_do_not_exist() {
    let sandbox = shared();
    let err = check(sandbox, "import socket\n\ndef run(**kwargs):\n    pass\n").err().unwrap();
    assert!(err.to_string().contains("`socket`"), "the module is named: {err}");
    for name in ["subprocess", "ctypes", "numpy", "requests"] {
        let err = check(sandbox, &format!("import {name}\ndef run(**kwargs):\n    pass\n")).err().unwrap();
        assert!(err.to_string().contains(&format!("`{name}`")), "{err}");
    }
    let err = run(sandbox, &program("    import os\n    os.system('cat /etc/passwd')"), "{}").unwrap_err();
    assert_eq!(err.kind(), "runtime_error", "{err}");
    assert!(err.to_string().contains("system"), "{err}");
    assert_healthy(sandbox);
}

#[test]
fn a_print_flood_is_kept_up_to_a_cap_and_shown_with_the_error() {
    let sandbox = shared();
    let flood = program("    for i in range(50000):\n        print('line', i)\n    raise ValueError('after printing')");
    let err = run(sandbox, &flood, "{}").unwrap_err();
    let RunError::RuntimeError { message, stderr, .. } = &err else { panic!("{err}") };
    assert!(message.contains("ValueError: after printing"), "{message}");
    assert!(stderr.starts_with("line 0\nline 1\n"), "{stderr:.200}");
    assert!(stderr.len() < 20 << 10, "the output is capped: {} bytes", stderr.len());
    assert!(stderr.contains("more characters of output not kept"), "{:.100}", &stderr[stderr.len() - 100..]);
    // An endless flood ends at the time limit, with the memory of the host untouched.
    let endless = program("    while True:\n        print('x' * 1000)");
    assert_eq!(run(sandbox, &endless, "{}").unwrap_err().kind(), "time_limit_exceeded");
    assert_healthy(sandbox);
}

#[test]
fn a_state_flood_is_stopped_as_the_states_are_created() {
    let sandbox = shared();
    let started = Instant::now();
    let flood = program("    while True:\n        algo.add_comment('again')");
    let err = run(sandbox, &flood, "{}").unwrap_err();
    assert_eq!(err.kind(), "output_limit_exceeded", "{err}");
    assert!(err.to_string().contains("1000 states"), "{err}");
    assert!(started.elapsed() < Duration::from_millis(900), "stopped at creation, not at the time limit");
    // Catching the limit's exception does not get around it.
    let sneaky = program("    try:\n        while True:\n            algo.add_comment('x')\n    except BaseException:\n        pass");
    assert_eq!(run(sandbox, &sneaky, "{}").unwrap_err().kind(), "output_limit_exceeded");
    // Nor does appending states behind the toolkit's back: the host counts what it receives.
    let behind = program("    s = ARgorithmToolkit.State(state_type='comment', state_def=None, comments='x')\n    algo.states.extend([s] * 5000)");
    assert_eq!(run(sandbox, &behind, "{}").unwrap_err().kind(), "output_limit_exceeded");
    assert_healthy(sandbox);
}

#[test]
fn one_giant_state_is_over_the_byte_limit() {
    let sandbox = shared();
    let giant = program("    algo.add_comment('x' * (1 << 20))");
    let err = run(sandbox, &giant, "{}").unwrap_err();
    assert_eq!(err.kind(), "output_limit_exceeded", "{err}");
    assert!(err.to_string().contains("bytes"), "{err}");
    assert_healthy(sandbox);
}

#[test]
fn what_one_run_changes_is_not_seen_by_the_next() {
    let sandbox = shared();
    let vandal = r#"
import ARgorithmToolkit, builtins, sys, random

counter = 0

def run(**kwargs):
    global counter
    counter += 1
    ARgorithmToolkit.Array = None
    ARgorithmToolkit.StateSet.add_comment = lambda self, c: None
    builtins.len = lambda x: 0
    builtins.vandalised = True
    sys.modules['json'] = None
    random.seed(12345)
    algo = ARgorithmToolkit.StateSet()
    algo.states.append(ARgorithmToolkit.State(state_type='comment', state_def=None, comments=str(counter)))
    return algo
"#;
    for _ in 0..2 {
        let states = run(sandbox, vandal, "{}").expect("the vandal's run succeeds");
        assert_eq!(states[0]["comments"], "1", "module globals start afresh in every run");
    }
    let inspector = program(
        "    import builtins, random\n    algo.add_comment(repr((hasattr(builtins, 'vandalised'), len([1, 2]), random.random())))",
    );
    let first = run(sandbox, &inspector, "{}").unwrap();
    let second = run(sandbox, &inspector, "{}").unwrap();
    assert!(first[0]["comments"].as_str().unwrap().starts_with("(False, 2, "), "{first:?}");
    assert_eq!(first, second, "random starts from the same seed in every run");
    assert_healthy(sandbox);
}

#[test]
fn every_instance_starts_as_the_snapshot_after_runs_that_wrote_over_and_grew_memory() {
    // Memory slots are reused: a reset that missed a page would show here as a different count
    // of objects or blocks, a module left behind, or a crash.
    let sandbox = Sandbox::with_python(Limits { concurrency: 1, ..limits() }, &python_setup()).unwrap();
    let fingerprint = program(
        "    import sys, gc\n    algo.add_comment(repr((sys.getallocatedblocks(), len(gc.get_objects()), len(sys.modules), sorted(sys.modules)[-3:], next(ARgorithmToolkit._ids._counter))))",
    );
    let scribbler = program(
        "    import sys, json\n    junk = bytearray(b'Z' * (48 << 20))\n    kept = [str(i) * (i % 90) for i in range(40000)]\n    del kept[::2]\n    sys.modules['scribbled'] = kept\n    ARgorithmToolkit.StateSet.__init__ = None\n    json.dumps = len\n    algo.states.append(ARgorithmToolkit.State(state_type='comment', state_def=None, comments=str(len(junk))))",
    );
    let baseline = run(&sandbox, &fingerprint, "{}").unwrap();
    assert!(baseline[0]["comments"].as_str().unwrap().starts_with('('), "{baseline:?}");
    // More runs than the sandbox has memory slots, so that every slot is written over.
    for _ in 0..8 {
        let states = run(&sandbox, &scribbler, "{}").expect("the scribbler's run succeeds");
        assert_eq!(states[0]["comments"], (48 << 20).to_string());
        assert_eq!(run(&sandbox, &fingerprint, "{}").unwrap(), baseline, "a fresh instance is the snapshot");
    }
}

#[test]
fn a_runs_allocations_land_together_above_everything_the_snapshot_holds() {
    // The snapshot's free heap blocks are filled at start-up (the runner's `_compact_heap`), so
    // what a run allocates comes from the free block at the top, on a few pages in a row, and
    // not from holes scattered over the heap: fewer pages for the reset to copy back.
    let body = r#"    import sys
    filler = sys.modules["argorithm_runner"]._FILLER
    highest = max(id(block) for block in filler)
    made = [[i] * 3 for i in range(2000)] + [str(i) * 5 for i in range(2000)]
    below = sum(1 for obj in made if id(obj) < highest)
    pages = len({id(obj) >> 12 for obj in made})
    state_def = {"below": below, "filler": len(filler), "pages": pages, "made": len(made)}
    algo.add_state(ARgorithmToolkit.utils.State(state_type="heap", state_def=state_def, comments=""))"#;
    let states = run(shared(), &program(body), "{}").unwrap();
    let heap = &states[0]["state_def"];
    assert!(heap["filler"].as_u64().unwrap() > 100, "the snapshot's holes were filled: {heap}");
    // A few go into blocks the run itself freed (a dict of the snapshot that grew, say).
    assert!(heap["below"].as_u64().unwrap() * 20 < 4000, "nearly every object of the run is above the filled holes: {heap}");
    assert!(heap["pages"].as_u64().unwrap() < 100, "the run's 4,000 objects lie on few pages: {heap}");
}

#[test]
fn the_same_parameters_give_the_same_trace() {
    let sandbox = shared();
    let source = program("    import random\n    a = ARgorithmToolkit.Array('a', algo, data=[random.randint(0, 99) for _ in range(5)])\n    v = ARgorithmToolkit.Variable('v', algo, hash('text') % 7)\n    s = ARgorithmToolkit.Stack('s', algo)\n    s.push(id(s) % 2)");
    let a = run(sandbox, &source, "{}").unwrap();
    let b = run(sandbox, &source, "{}").unwrap();
    assert_eq!(a, b);
    let ids: Vec<&str> = a.iter().filter_map(|s| s["state_def"]["id"].as_str()).collect();
    assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_digit()) && id.len() < 6), "ids are a counter: {ids:?}");
}

#[test]
fn a_syntax_error_is_refused_at_upload_with_its_line() {
    let sandbox = shared();
    let err = check(sandbox, "import ARgorithmToolkit\n\ndef run(**kwargs)\n    return 1\n").err().unwrap();
    let text = err.to_string();
    assert!(text.starts_with("syntax error: prog.py, line 3"), "{text}");
    assert!(text.contains("expected ':'"), "{text}");
    assert_healthy(sandbox);
}

#[test]
fn a_missing_or_uncallable_function_is_refused_at_upload() {
    let sandbox = shared();
    let err = check(sandbox, "import ARgorithmToolkit\n\ndef main(**kwargs):\n    pass\n").err().unwrap();
    assert!(err.to_string().contains("defines no function `run`"), "{err}");
    let err = check(sandbox, "run = 5\n").err().unwrap();
    assert!(err.to_string().contains("defines no function `run`"), "{err}");
    assert_healthy(sandbox);
}

#[test]
fn an_unavailable_module_is_refused_at_upload_by_name() {
    let sandbox = shared();
    let err = check(sandbox, "import ARgorithmToolkit\nimport numpy as np\n\ndef run(**kwargs):\n    pass\n").err().unwrap();
    let text = err.to_string();
    assert!(text.contains("line 2") && text.contains("`numpy`"), "{text}");
    assert!(text.contains("available: ") && text.contains("collections"), "the available modules are listed: {text}");
    // Inside a function, found at upload too.
    let err = check(sandbox, "def run(**kwargs):\n    from scipy import stats\n").err().unwrap();
    assert!(err.to_string().contains("`scipy`"), "{err}");
    assert_healthy(sandbox);
}

#[test]
fn top_level_code_that_breaks_a_limit_is_refused_at_upload_naming_the_limit() {
    let sandbox = shared();
    let err = check(sandbox, "while True:\n    pass\n").err().unwrap();
    assert!(err.to_string().contains("broke a limit") && err.to_string().contains("ran longer"), "{err}");
    let err = check(sandbox, "x = [0] * 10**9\n").err().unwrap();
    assert!(err.to_string().contains("memory limit"), "{err}");
    let err = check(sandbox, "raise RuntimeError('at import')\n").err().unwrap();
    assert!(err.to_string().contains("RuntimeError: at import"), "{err}");
    assert_healthy(sandbox);
}

#[test]
fn an_exception_names_the_authors_frames_only() {
    let sandbox = shared();
    let source = "import ARgorithmToolkit\n\ndef helper(a):\n    return a[10]\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    helper([1])\n    return algo\n";
    let err = run(sandbox, source, "{}").unwrap_err();
    let text = err.to_string();
    assert_eq!(err.kind(), "runtime_error");
    assert!(text.contains("File \"prog.py\", line 8, in run"), "{text}");
    assert!(text.contains("File \"prog.py\", line 4, in helper\n    return a[10]"), "{text}");
    assert!(text.contains("IndexError: list index out of range"), "{text}");
    assert!(!text.contains("argorithm_runner"), "no runner frames: {text}");
}

#[test]
fn a_client_error_is_a_rejected_input() {
    let sandbox = shared();
    let source = program("    raise ARgorithmToolkit.ARgorithmClientError('n must be positive')");
    let err = run(sandbox, &source, "{}").unwrap_err();
    assert_eq!(err.kind(), "rejected_input");
    assert!(err.to_string().contains("n must be positive"), "{err}");
}

#[test]
fn a_function_that_returns_no_stateset_is_a_runtime_error() {
    let sandbox = shared();
    let err = run(sandbox, "def run(**kwargs):\n    return 42\n", "{}").unwrap_err();
    assert_eq!(err.kind(), "runtime_error");
    assert!(err.to_string().contains("returned int, not a StateSet"), "{err}");
    let err = run(sandbox, &program("    algo.add_comment(float('nan'))"), "{}").unwrap_err();
    assert_eq!(err.kind(), "runtime_error", "{err}");
}

#[test]
fn a_second_start_loads_the_kept_runtime_instead_of_compiling_it() {
    let _ = shared();
    let sandbox = Sandbox::with_python(limits(), &python_setup()).unwrap();
    assert_eq!(sandbox.python_status(), Ok(false), "the kept artifact was loaded, not compiled again");
    assert_healthy(&sandbox);
}
