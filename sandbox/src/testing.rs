//! Test helpers shared by this crate's tests and the server's: the guest workspace (toolkit,
//! examples, golden scenarios) built to wasm once per test process.
use crate::{PythonSetup, Sandbox};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("guest")
}

/// Builds every guest crate (a no-op when up to date) and returns the folder of the `.wasm`
/// files. Panics with cargo's output when the build fails, e.g. without the wasm target:
/// a test must never pass without its module.
pub fn wasm_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let guest = guest_dir();
        let target = guest.join("target");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        // Run from the guest folder so its `.cargo/config.toml` (the guests' link flags) applies.
        let out = Command::new(cargo)
            .current_dir(&guest)
            .args(["build", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path"])
            .arg(guest.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            // The server's own build settings must not leak into the guest build.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the guest modules failed (is `rustup target add wasm32-unknown-unknown` done?):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        target.join("wasm32-unknown-unknown/release")
    })
}

/// The bytes of a guest module, by crate name (`bubblesort`, `golden_scenarios`, ...).
pub fn guest_wasm(name: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The config JSON of an example ARgorithm.
pub fn example_config(name: &str) -> Vec<u8> {
    let path = guest_dir().join("examples").join(name).join(format!("{name}.config.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Where `../shared/golden` is: `GOLDEN_DIR`, else beside the repository.
pub fn golden_dir() -> PathBuf {
    match std::env::var_os("GOLDEN_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/golden"),
    }
}

/// The text of a hand-written module that follows ABI version 1: it imports `argorithm.emit`
/// and `argorithm.fail`, keeps `data` (e.g. one state's JSON) at address 0 of its one page of
/// memory, hands out memory from 4096 in `argorithm_alloc`, and runs `body` as the entry
/// `run(ptr, len)`. `extra` goes before the memory (more imports, helper functions). Tests
/// turn it into bytes with the `wat` crate.
pub fn abi_module_wat(extra: &str, data: &str, body: &str) -> String {
    let data = data.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"(module
  (import "argorithm" "emit" (func $emit (param i32 i32)))
  (import "argorithm" "fail" (func $fail (param i32 i32)))
  {extra}
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (data (i32.const 0) "{data}")
  (func (export "argorithm_alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (local.get $len)))
    (local.get $p))
  (func (export "run") (param $ptr i32) (param $len i32) (result i32)
    {body}))"#
    )
}

/// The parameters of `PUBLIC` in scenarios.py. The golden files record parameters after the
/// run, and the Python Vector aliased (and so appended to) its input list; these are the
/// values the scenarios were called with.
pub fn scenario_cases() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        ("bubblesort", vec![json!({"array": [6, 3, 2, 4, 5, 1]}), json!({"array": [1]}), json!({"array": []})]),
        ("fibonacci", vec![json!({"n": 4}), json!({"n": 1}), json!({"n": 0}), json!({"n": 10})]),
        ("array_ops", vec![json!({"data": [5, 8, 1, 3]})]),
        ("matrix_ops", vec![json!({"rows": 2, "cols": 3})]),
        ("stack_ops", vec![json!({"items": [1, 2, 3]})]),
        ("queue_ops", vec![json!({"items": ["a", "b", "c"]})]),
        ("string_ops", vec![json!({"text": "hello"})]),
        ("vector_ops", vec![json!({"data": [3, 1, 2]})]),
        ("forwardlist_ops", vec![json!({"values": [1, 2, 3]})]),
        ("list_ops", vec![json!({"values": [10, 20, 30]})]),
        ("map_ops", vec![json!({"keys": ["x", "y", "z"]})]),
        ("priorityqueue_ops", vec![json!({"items": [5, 1, 4, 2]})]),
    ]
}

/// Renames every id (and `$ARgorithmToolkit.X:<id>` reference) to `id1`, `id2`, ... in order of
/// first appearance, as the golden README describes.
pub fn normalize(states: &mut [Value]) {
    let mut ids: HashMap<String, String> = HashMap::new();
    fn rename(v: &mut Value, ids: &mut HashMap<String, String>, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if let Value::String(s) = child {
                        if keys.contains(&k.as_str()) && s != "none" {
                            let n = ids.len() + 1;
                            *s = ids.entry(s.clone()).or_insert_with(|| format!("id{n}")).clone();
                            continue;
                        }
                        if let Some((prefix, id)) = s.split_once(':').filter(|(p, _)| p.starts_with("$ARgorithmToolkit.")) {
                            let n = ids.len() + 1;
                            let new = ids.entry(id.to_owned()).or_insert_with(|| format!("id{n}")).clone();
                            *s = format!("{prefix}:{new}");
                            continue;
                        }
                    }
                    rename(child, ids, keys);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| rename(i, ids, keys)),
            _ => {}
        }
    }
    // Node names are their ids, and pointers name nodes.
    let keys = ["id", "variable_name", "head", "tail", "next", "prev", "last_head", "last_tail", "last_next", "last_prev"];
    for state in states.iter_mut() {
        if let Some(def) = state.get_mut("state_def") {
            // variable_name is an id only for nodes; structures keep their given names.
            let is_node = def.get("id").and_then(Value::as_str) == def.get("variable_name").and_then(Value::as_str);
            let used: Vec<&str> = keys.iter().copied().filter(|k| *k != "variable_name" || is_node).collect();
            rename(def, &mut ids, &used);
        }
    }
}


/// Where every test's compiled Python runtime is kept: beside the build, shared by all tests.
pub fn python_runtime_cache() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-python-runtime-cache")
}

/// The Python runtime this build made, for tests; `PYTHON_RUNTIME` names another build.
pub fn python_setup() -> PythonSetup {
    match std::env::var_os("PYTHON_RUNTIME") {
        Some(path) => PythonSetup::from_file(path.into(), python_runtime_cache()),
        None => PythonSetup::built_in(python_runtime_cache()),
    }
}

/// Fails the test, saying how to get it, when the sandbox cannot run Python: a Python test
/// must never pass without the runtime.
pub fn require_python(sandbox: &Sandbox) {
    if let Err(why) = sandbox.python_status() {
        panic!("the Python runtime is unavailable ({why}); it is built by sandbox/build.rs, which needs python3 with venv and PyPI");
    }
}

pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// A legacy-form example ARgorithm: its source and its config.
pub fn python_example(name: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = python_dir().join("examples");
    let read = |file: String| std::fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
    (read(format!("{name}.py")), read(format!("{name}.config.json")))
}

/// Asserts that a trace equals a golden case's, state by state, after renaming ids (`normalize`).
pub fn assert_same_states(mut ours: Vec<Value>, golden_case: &Value, what: &str) {
    let mut theirs = golden_case["states"].as_array().expect("a golden case has states").clone();
    normalize(&mut ours);
    normalize(&mut theirs);
    for (k, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "{what}: state {k} differs");
    }
    assert_eq!(ours.len(), theirs.len(), "{what}: number of states");
}

/// p50 of `f` over `iterations` runs (after a tenth as many to warm up), printed with the p99;
/// `None` when `BENCH_CASE=<part of a label>` leaves this case out (for a profiler).
pub fn measure(label: &str, iterations: usize, mut f: impl FnMut()) -> Option<std::time::Duration> {
    if std::env::var("BENCH_CASE").is_ok_and(|c| !label.contains(c.as_str())) {
        return None;
    }
    for _ in 0..iterations / 10 {
        f();
    }
    let mut times: Vec<std::time::Duration> = (0..iterations)
        .map(|_| {
            let start = std::time::Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let (p50, p99) = (times[times.len() / 2], times[times.len() * 99 / 100]);
    println!("{label:<52} p50 {:>9.1} µs   p99 {:>9.1} µs", p50.as_secs_f64() * 1e6, p99.as_secs_f64() * 1e6);
    Some(p50)
}

/// A state whose state_def nests `depth - 1` objects, so that the state is `depth` levels deep.
pub fn state_of_depth(depth: usize) -> String {
    let inner = depth - 1;
    format!(r#"{{"state_type":"deep","state_def":{}null{},"comments":""}}"#, r#"{"a":"#.repeat(inner), "}".repeat(inner))
}
