//! The Rust ports of `shared/golden/scenarios.py`, built to wasm and run through the sandbox,
//! must reproduce the Python toolkit's traces exactly (after renaming ids by first appearance).
use sandbox::testing::{assert_same_states, golden_dir, guest_wasm, scenario_cases};
use sandbox::{Limits, Sandbox};
use serde_json::Value;

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
            let ours: Vec<Value> = trace.states().iter().map(|s| serde_json::from_str(s).unwrap()).collect();
            assert_same_states(ours, case, &format!("{scenario} case {i}"));
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
