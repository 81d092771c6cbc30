//! The Rust ports of `shared/golden/scenarios.py`, built to wasm and run through the sandbox,
//! must reproduce the Python toolkit's traces exactly (after renaming ids by first appearance).
use sandbox::testing::{golden_dir, guest_wasm};
use sandbox::{Limits, Sandbox};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The parameters of `PUBLIC` in scenarios.py. The golden files record parameters after the
/// run, and the Python Vector aliased (and so appended to) its input list; these are the
/// values the scenarios were called with.
fn scenario_cases() -> Vec<(&'static str, Vec<Value>)> {
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
fn normalize(states: &mut [Value]) {
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

#[test]
fn every_golden_scenario_is_reproduced_exactly() {
    let golden = golden_dir();
    let mut files: Vec<String> = std::fs::read_dir(&golden)
        .unwrap_or_else(|e| panic!("golden traces not found at {}: {e}", golden.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    let cases = scenario_cases();
    let mut names: Vec<String> = cases.iter().map(|(n, _)| format!("{n}.json")).collect();
    names.sort();
    assert_eq!(files, names, "every golden file has a ported scenario");

    let sandbox = Sandbox::new(Limits::default()).unwrap();
    let wasm = guest_wasm("golden_scenarios");
    let mut compared = 0;
    for (scenario, params) in cases {
        let file: Value = serde_json::from_slice(&std::fs::read(golden.join(format!("{scenario}.json"))).unwrap()).unwrap();
        let expected_cases = file["cases"].as_array().unwrap();
        assert_eq!(expected_cases.len(), params.len(), "{scenario}: number of cases");
        let compiled = sandbox.compile(&wasm, scenario).unwrap();
        for (i, (case, p)) in expected_cases.iter().zip(params).enumerate() {
            let trace = sandbox.run(&compiled, scenario, p.to_string().as_bytes()).unwrap();
            let mut ours: Vec<Value> = trace.states().iter().map(|s| serde_json::from_str(s).unwrap()).collect();
            let mut theirs = case["states"].as_array().unwrap().clone();
            normalize(&mut ours);
            normalize(&mut theirs);
            for (k, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                assert_eq!(a, b, "{scenario} case {i}: state {k} differs");
            }
            assert_eq!(ours.len(), theirs.len(), "{scenario} case {i}: number of states");
            compared += 1;
        }
    }
    assert_eq!(compared, 17);
}

#[test]
fn the_same_run_gives_the_same_trace() {
    let sandbox = Sandbox::new(Limits::default()).unwrap();
    let compiled = sandbox.compile(&guest_wasm("golden_scenarios"), "list_ops").unwrap();
    let p = br#"{"values": [1, 2, 3]}"#;
    let a = sandbox.run(&compiled, "list_ops", p).unwrap();
    let b = sandbox.run(&compiled, "list_ops", p).unwrap();
    assert_eq!(a, b);
    assert!(a.len() > 10);
}
