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
