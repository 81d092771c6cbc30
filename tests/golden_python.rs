//! `shared/golden/scenarios.py`, unmodified, uploaded over HTTP once per scenario (the config's
//! `function` naming it) and run with every golden case: each trace must equal the one the real
//! ARgorithmToolkit 0.2.3 produced, state by state, after renaming ids by first appearance.
mod helpers;

use helpers::*;
use sandbox::testing::{assert_same_states, golden_dir, scenario_cases};
use serde_json::{json, Value};

/// Parameter declarations that the scenario's first case fits.
fn declared(example: &Value) -> Value {
    let kind = |v: &Value| if v.is_string() { "STRING" } else { "INT" };
    let specs = example.as_object().unwrap().iter().map(|(name, v)| {
        let spec = match v {
            Value::Array(items) => json!({"description": name, "type": "ARRAY", "item-type": items.first().map_or("INT", kind)}),
            other => json!({"description": name, "type": kind(other)}),
        };
        (name.clone(), spec)
    });
    Value::Object(specs.collect())
}

#[tokio::test]
async fn every_golden_case_uploaded_as_python_matches_exactly() {
    let app = spawn_app().await;
    let golden = golden_dir();
    let source = std::fs::read(golden.join("scenarios.py"))
        .unwrap_or_else(|e| panic!("scenarios.py not found in {}: {e}", golden.display()));
    let mut compared = 0;
    for (scenario, params) in scenario_cases() {
        let config = json!({"argorithmID": scenario, "file": "scenarios.py", "function": scenario,
                            "description": "a golden scenario", "parameters": declared(&params[0]), "example": params[0]});
        let res = app.insert("scenarios.py", source.clone(), config.to_string().as_bytes()).await;
        assert_eq!(res.status, 200, "{scenario}: {:?}", res.body);
        let file: Value = serde_json::from_slice(&std::fs::read(golden.join(format!("{scenario}.json"))).unwrap()).unwrap();
        let cases = file["cases"].as_array().unwrap();
        assert_eq!(cases.len(), params.len(), "{scenario}: number of cases");
        for (i, (case, p)) in cases.iter().zip(params).enumerate() {
            let res = app.run(scenario, p).await;
            assert_eq!(res.status, 200, "{scenario} case {i}: {:?}", res.body);
            assert_eq!(res.body["status"], "run_parameters", "{scenario} case {i}: {:?}", res.body);
            let ours = res.body["data"].as_array().unwrap().clone();
            assert_same_states(ours, case, &format!("{scenario} case {i}"));
            compared += 1;
        }
    }
    assert_eq!(compared, 17);
}

/// The words a line that makes a state of this type must hold, when its type names them.
fn made_by(state_type: &str) -> Option<&'static [&'static str]> {
    let suffix = state_type.rsplit('_').next().unwrap_or_default();
    Some(match (state_type, suffix) {
        ("comment", _) => &["add_comment("],
        (t, "declare") if !t.contains("node") => &["T."],
        (_, "swap") => &[".swap("],
        (_, "compare") => &[".compare("],
        (_, "push") => &[".push"],
        (_, "pop") => &[".pop", ".remove("],
        (_, "top") => &[".top("],
        (_, "front") => &[".front("],
        (_, "back") => &[".back("],
        (_, "offer") => &[".offer("],
        (_, "poll") => &[".poll("],
        (_, "peek") => &[".peek("],
        (_, "insert") => &[".insert("],
        (_, "append") => &[".append(", "+="],
        (t, "remove") if !t.contains("node") => &[".remove("],
        _ => return None,
    })
}

#[tokio::test]
async fn every_golden_states_line_is_a_line_of_its_scenario_that_does_what_the_state_says() {
    let app = spawn_app().await;
    let golden = golden_dir();
    let source = std::fs::read_to_string(golden.join("scenarios.py")).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    let mut checked = 0;
    for (scenario, params) in scenario_cases() {
        let config = json!({"argorithmID": scenario, "file": "scenarios.py", "function": scenario,
                            "description": "a golden scenario", "parameters": declared(&params[0]), "example": params[0]});
        assert_eq!(app.insert("scenarios.py", source.clone().into_bytes(), config.to_string().as_bytes()).await.status, 200);
        // The scenario's function: from its `def` to the next top-level line.
        let start = lines.iter().position(|l| l.starts_with(&format!("def {scenario}("))).unwrap();
        let end = lines.iter().skip(start + 1).position(|l| !l.is_empty() && !l.starts_with(' ')).map_or(lines.len(), |n| start + 1 + n);
        for p in params {
            let res = app.post_json("/argorithms/run", json!({"argorithmID": scenario, "parameters": p, "lines": true})).await;
            assert_eq!(res.body["status"], "run_parameters", "{scenario}: {}", res.body);
            let plain = app.run(scenario, p.clone()).await;
            assert_eq!(plain.body["data"], res.body["data"], "{scenario}: lines change no state");
            for (state, entry) in res.body["data"].as_array().unwrap().iter().zip(res.body["lines"].as_array().unwrap()) {
                let kind = state["state_type"].as_str().unwrap();
                let n = entry["line"].as_u64().unwrap_or_else(|| panic!("{scenario}: {kind} has no line: {entry}")) as usize;
                assert!(start < n && n <= end, "{scenario}: {kind} at line {n}, outside the scenario's lines {}..{end}", start + 1);
                let text = lines[n - 1].trim();
                assert_eq!(entry["frames"], json!([[scenario, n]]), "{scenario}: {kind}: the scenario's own frame only");
                assert!(!text.is_empty() && !text.starts_with('#') && !text.starts_with("def "), "{scenario}: {kind} at line {n}: {text:?}");
                if let Some(words) = made_by(kind) {
                    assert!(words.iter().any(|w| text.contains(w)), "{scenario}: {kind} at line {n} does not do it: {text:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 180, "{checked} states checked");
}
