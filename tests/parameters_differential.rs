//! The same parameter values judged by the real ARgorithmToolkit 0.2.3's input form (its own
//! `parser.input_data`, prompts answered by `tests/support/toolkit_form.py`) and by the server
//! (`POST /argorithms/run`: the given values run, or the example does), case by case. `.ci/run`
//! installs the toolkit in `target/cli-venv`; without it this test fails.
mod helpers;

use helpers::*;
use serde_json::{json, Value};
use std::path::Path;

/// A Python ARgorithm that takes any parameters and emits nothing.
const PROGRAM: &str = "import ARgorithmToolkit\n\ndef run(**kwargs):\n    return ARgorithmToolkit.StateSet()\n";

fn toolkit_verdicts() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/cli-venv/bin/python");
    assert!(python.exists(), "the toolkit's venv is not at {} (run .ci/run)", python.display());
    let out = std::process::Command::new(&python).arg(root.join("tests/support/toolkit_form.py")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn the_server_takes_exactly_the_parameter_values_the_toolkits_own_form_takes() {
    let judged = toolkit_verdicts();
    let app = spawn_app().await;
    for (i, config) in judged["configs"].as_array().unwrap().iter().enumerate() {
        let id = format!("form{i}");
        let body = json!({"argorithmID": id, "file": format!("{id}.py"), "function": "run", "description": "takes anything",
                          "parameters": config["parameters"], "example": config["example"]});
        let answer = app.insert(&format!("{id}.py"), PROGRAM.as_bytes().to_vec(), body.to_string().as_bytes()).await;
        assert_eq!(answer.status, 200, "config {i}: {}", answer.body);
    }
    let cases = judged["cases"].as_array().unwrap();
    let (mut fitting, mut differ) = (0, Vec::new());
    for case in cases {
        let id = format!("form{}", case["config"]);
        let answer = app.run(&id, case["values"].clone()).await;
        assert_eq!(answer.status, 200, "{case}: {}", answer.body);
        let ran_given = answer.body["status"] == "run_parameters";
        let toolkit = case["fits"].as_bool().unwrap();
        fitting += usize::from(toolkit);
        if ran_given != toolkit {
            differ.push(format!("{id} {}: toolkit {toolkit}, server {} ({})", case["values"], ran_given, answer.body["detail"]));
        }
    }
    assert!(cases.len() >= 400 && fitting >= 100 && cases.len() - fitting >= 100, "{} cases, {fitting} fitting: too few of one kind", cases.len());
    assert!(differ.is_empty(), "{} of {} cases differ:\n{}", differ.len(), cases.len(), differ.join("\n"));
}
