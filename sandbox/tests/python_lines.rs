//! Where each state of a Python run was made: the line of the author's file, never the
//! runner's or the toolkit's, with the author's frames that led there; and where an exception
//! was raised. Every expected line is found in the program's source by its text.
use sandbox::testing::{python_setup, require_python};
use sandbox::{Limits, RunError, RunOptions, Sandbox};
use serde_json::{json, Value};
use std::sync::OnceLock;

fn shared() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        let limits = Limits { max_states: 2000, concurrency: 2, ..Limits::default() };
        let sandbox = Sandbox::with_python(limits, &python_setup()).expect("sandbox starts");
        require_python(&sandbox);
        sandbox
    })
}

/// The states and their line entries of a run asked for lines.
fn run_with_lines(source: &str, params: &str) -> Result<Vec<(Value, Value)>, RunError> {
    let sandbox = shared();
    let compiled = sandbox.compile_file("prog.py", source.as_bytes(), "run").unwrap_or_else(|e| panic!("accepted: {e}"));
    let trace = sandbox.run_with(&compiled, "run", params.as_bytes(), &RunOptions { lines: true, ..RunOptions::default() })?;
    let lines: Vec<Value> = serde_json::from_str(&trace.lines_json().expect("a run asked for lines has them")).unwrap();
    assert_eq!(lines.len(), trace.len(), "one entry per state");
    Ok(trace.states().iter().map(|s| serde_json::from_str(s).unwrap()).zip(lines).collect())
}

/// The 1-based number of the one line of `source` that contains `text`.
fn line_of(source: &str, text: &str) -> u64 {
    let found: Vec<usize> = source.lines().enumerate().filter(|(_, l)| l.contains(text)).map(|(i, _)| i + 1).collect();
    assert_eq!(found.len(), 1, "{text:?} must be on exactly one line of the program");
    found[0] as u64
}

/// (state type, line) of every state.
fn types_and_lines(states: &[(Value, Value)]) -> Vec<(String, u64)> {
    states.iter().map(|(s, l)| (s["state_type"].as_str().unwrap().to_owned(), l["line"].as_u64().unwrap_or(0))).collect()
}

const BUBBLESORT: &str = r#"import ARgorithmToolkit

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'], comments="declared")
    for i in range(len(arr)):
        for j in range(i + 1, len(arr)):
            if arr.compare(i, j, lambda a, b: a > b):
                arr.swap(
                    i,
                    j,
                )
    return algo
"#;

#[test]
fn a_state_a_toolkit_method_makes_points_at_the_authors_call_of_it() {
    let states = run_with_lines(BUBBLESORT, r#"{"array": [2, 1]}"#).unwrap();
    let (declare, compare, swap) = (line_of(BUBBLESORT, "Array('arr'"), line_of(BUBBLESORT, "arr.compare("), line_of(BUBBLESORT, "arr.swap("));
    assert_eq!(
        types_and_lines(&states),
        [("array_declare".into(), declare), ("array_compare".into(), compare), ("array_swap".into(), swap)],
        "a call over several lines counts at its first"
    );
    assert_eq!(states[2].1["frames"], json!([["run", swap]]), "only the author's frames, never the toolkit's or the runner's");
}

#[test]
fn a_state_made_in_a_helper_points_at_the_helpers_line_and_its_chain_leads_there() {
    let source = r#"import ARgorithmToolkit

def bump(algo, v, times):
    for _ in range(times):
        v.value = v.value + 1

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    v = ARgorithmToolkit.Variable('v', algo, 0)
    bump(algo, v, 2)
    return algo
"#;
    let states = run_with_lines(source, "{}").unwrap();
    let (call, inside) = (line_of(source, "bump(algo, v, 2)"), line_of(source, "v.value = v.value + 1"));
    assert_eq!(states.len(), 3);
    for (_, entry) in &states[1..] {
        assert_eq!(entry["line"], json!(inside));
        assert_eq!(entry["frames"], json!([["run", call], ["bump", inside]]));
    }
}

#[test]
fn decorators_lambdas_comprehensions_and_nested_functions_count_at_the_authors_own_lines() {
    let source = r#"import ARgorithmToolkit
import functools

def traced(f):
    @functools.wraps(f)
    def wrapper(*args):
        return f(*args)
    return wrapper

@traced
def say(algo, text):
    algo.add_comment(text)

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    say(algo, "decorated")
    note = lambda t: algo.add_comment(t)
    note("lambda")
    [algo.add_comment(str(i)) for i in range(2)]
    list(algo.add_comment(f"g{i}") for i in range(1))
    def inner():
        algo.add_comment("nested")
    inner()
    return algo
"#;
    let states = run_with_lines(source, "{}").unwrap();
    let at = |text| line_of(source, text);
    let frames: Vec<Value> = states.iter().map(|(_, l)| l["frames"].clone()).collect();
    assert_eq!(frames[0], json!([["run", at("say(algo, \"decorated\")")], ["wrapper", at("return f(*args)")], ["say", at("algo.add_comment(text)")]]));
    assert_eq!(frames[1], json!([["run", at("note(\"lambda\")")], ["<lambda>", at("note = lambda")]]));
    let comprehension = at("for i in range(2)]");
    assert_eq!(frames[2].as_array().unwrap().last().unwrap()[1], json!(comprehension));
    assert_eq!(frames[3].as_array().unwrap().last().unwrap()[1], json!(comprehension));
    assert_eq!(frames[4], json!([["run", at("list(algo.add_comment")], ["<genexpr>", at("list(algo.add_comment")]]));
    assert_eq!(frames[5], json!([["run", at("    inner()")], ["inner", at("algo.add_comment(\"nested\")")]]));
}

#[test]
fn a_deep_recursion_keeps_the_innermost_32_frames_of_its_chain() {
    let source = r#"import ARgorithmToolkit

def down(algo, n):
    if n == 0:
        algo.add_comment("bottom")
        return
    down(algo, n - 1)

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    down(algo, kwargs['depth'])
    return algo
"#;
    let states = run_with_lines(source, r#"{"depth": 100}"#).unwrap();
    let frames = states[0].1["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 32);
    assert_eq!(frames.last().unwrap(), &json!(["down", line_of(source, "algo.add_comment(\"bottom\")")]));
    assert_eq!(frames[0], json!(["down", line_of(source, "down(algo, n - 1)")]));
}

#[test]
fn a_state_appended_by_hand_has_no_line_and_the_others_keep_theirs() {
    let source = r#"import ARgorithmToolkit
from ARgorithmToolkit.utils import State

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    algo.add_comment("made")
    algo.states.append(State(state_type="comment", state_def=None, comments="appended"))
    return algo
"#;
    let states = run_with_lines(source, "{}").unwrap();
    assert_eq!(states[0].1, json!({"line": line_of(source, "add_comment(\"made\")"), "frames": [["run", line_of(source, "add_comment(\"made\")")]]}));
    assert_eq!(states[1].1, json!({"line": null, "frames": []}));
}

#[test]
fn an_exception_says_where_it_was_raised_in_the_authors_frames() {
    let source = r#"import ARgorithmToolkit

def pick(items, i):
    return items[i]

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    pick([1], 5)
    return algo
"#;
    let err = run_with_lines(source, "{}").unwrap_err();
    let RunError::RuntimeError { at, message, .. } = &err else { panic!("{err}") };
    assert!(message.contains("IndexError"), "{message}");
    assert_eq!(at, &[("run".to_owned(), line_of(source, "pick([1], 5)") as u32), ("pick".to_owned(), line_of(source, "return items[i]") as u32)]);
}

#[test]
fn a_run_not_asked_for_lines_has_none_and_the_same_states() {
    let sandbox = shared();
    let compiled = sandbox.compile_file("prog.py", BUBBLESORT.as_bytes(), "run").unwrap();
    let plain = sandbox.run(&compiled, "run", br#"{"array": [3, 1, 2]}"#).unwrap();
    assert_eq!(plain.lines_json(), None);
    let lined = sandbox.run_with(&compiled, "run", br#"{"array": [3, 1, 2]}"#, &RunOptions { lines: true, ..RunOptions::default() }).unwrap();
    assert_eq!(plain.to_json_array(), lined.to_json_array(), "lines change no state");
}
