//! The code pane's two additions to the contract: `"lines": true` on a run (where each state
//! was made, only when asked: the legacy body is unchanged without it), and a Python
//! ARgorithm's source at `GET /argorithms/source/{argorithmID}` (403 with SOURCE=DISABLED).
mod helpers;

use helpers::*;
use serde_json::{json, Value};

const BUBBLESORT: &str = r#"import ARgorithmToolkit

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'], comments="unsorted")
    for i in range(len(arr)):
        for j in range(i + 1, len(arr)):
            if arr.compare(i, j, lambda a, b: a > b):
                arr.swap(i, j)
    return algo
"#;

/// Fails on a negative first element, in a helper.
const PICKY: &str = r#"import ARgorithmToolkit

def first(items):
    if items[0] < 0:
        raise ValueError("negative")
    return items[0]

def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    algo.add_comment(str(first(kwargs['array'])))
    return algo
"#;

fn config(id: &str, example: Value) -> Vec<u8> {
    json!({"argorithmID": id, "file": format!("{id}.py"), "function": "run", "description": id,
           "parameters": {"array": {"description": "numbers", "type": "ARRAY", "item-type": "INT"}}, "example": example})
    .to_string()
    .into_bytes()
}

fn line_of(source: &str, text: &str) -> u64 {
    source.lines().position(|l| l.contains(text)).expect("the text is in the source") as u64 + 1
}

/// The raw text of a run's answer.
async fn run_text(app: &TestApp, body: Value) -> (u16, String) {
    let res = app.client.post(app.url("/argorithms/run")).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn without_lines_the_answer_is_the_legacy_body_and_with_them_each_state_has_its_line() {
    let app = spawn_app().await;
    assert_eq!(app.insert("bubble.py", BUBBLESORT.into(), &config("bubble", json!({"array": [2, 1]}))).await.status, 200);
    let params = json!({"array": [3, 1, 2]});
    let (status, legacy) = run_text(&app, json!({"argorithmID": "bubble", "parameters": params})).await;
    assert_eq!(status, 200);
    assert!(legacy.starts_with(r#"{"status":"run_parameters","data":[{"#) && legacy.ends_with("}]}"), "{legacy:.200}");
    let (_, explicit_no) = run_text(&app, json!({"argorithmID": "bubble", "parameters": params, "lines": false})).await;
    assert_eq!(explicit_no, legacy, "\"lines\": false is the legacy body, byte for byte");

    let (_, with) = run_text(&app, json!({"argorithmID": "bubble", "parameters": params, "lines": true})).await;
    let mut with: Value = serde_json::from_str(&with).unwrap();
    let lines = with.as_object_mut().unwrap().remove("lines").expect("lines, as asked");
    assert_eq!(with, serde_json::from_str::<Value>(&legacy).unwrap(), "the same states, status and nothing else");
    let data = with["data"].as_array().unwrap();
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), data.len());
    for (state, entry) in data.iter().zip(lines) {
        let made_by = match state["state_type"].as_str().unwrap() {
            "array_declare" => "ARgorithmToolkit.Array(",
            "array_compare" => "arr.compare(",
            "array_swap" => "arr.swap(",
            other => panic!("{other}"),
        };
        assert_eq!(entry["line"], json!(line_of(BUBBLESORT, made_by)), "{state}");
        assert_eq!(entry["frames"], json!([["run", line_of(BUBBLESORT, made_by)]]));
    }
}

#[tokio::test]
async fn a_failing_run_says_where_it_failed_when_lines_are_asked_for() {
    let app = spawn_app().await;
    assert_eq!(app.insert("picky.py", PICKY.into(), &config("picky", json!({"array": [4]}))).await.status, 200);
    let failing = json!({"array": [-1]});
    let at = json!([["run", line_of(PICKY, "first(kwargs")], ["first", line_of(PICKY, "raise ValueError")]]);

    let plain = app.post_json("/argorithms/run", json!({"argorithmID": "picky", "parameters": failing})).await;
    assert_eq!(plain.body["status"], "run_example");
    assert!(plain.body.get("error_at").is_none() && plain.body.get("lines").is_none(), "{}", plain.body);
    let lined = app.post_json("/argorithms/run", json!({"argorithmID": "picky", "parameters": failing, "lines": true})).await;
    assert_eq!(lined.body["status"], "run_example");
    assert_eq!(lined.body["error_at"], at, "{}", lined.body);
    assert_eq!(lined.body["lines"][0]["line"], json!(line_of(PICKY, "algo.add_comment")), "the example's states keep their lines");

    // An example that fails as well: the 422 says where, when asked, and only then.
    assert_eq!(app.update("picky.py", PICKY.into(), &config("picky", json!({"array": [-2]}))).await.status, 200);
    let plain = app.post_json("/argorithms/run", json!({"argorithmID": "picky", "parameters": failing})).await;
    assert_eq!(plain.status, 422);
    assert_eq!(plain.body["error"], "runtime_error");
    assert!(plain.body.get("error_at").is_none(), "{}", plain.body);
    let lined = app.post_json("/argorithms/run", json!({"argorithmID": "picky", "parameters": failing, "lines": true})).await;
    assert_eq!(lined.status, 422);
    assert_eq!(lined.body["error_at"], at, "{}", lined.body);
}

#[tokio::test]
async fn the_source_of_a_python_argorithm_is_served_as_text_and_a_module_has_none() {
    let app = spawn_app().await;
    assert_eq!(app.insert("bubble.py", BUBBLESORT.into(), &config("bubble", json!({"array": [2, 1]}))).await.status, 200);
    let res = app.client.get(app.url("/argorithms/source/bubble")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(res.text().await.unwrap(), BUBBLESORT);

    app.insert_example("bubblesort").await;
    let wasm = app.get("/argorithms/source/bubblesort").await;
    assert_eq!(wasm.status, 404);
    assert!(wasm.body["detail"].as_str().unwrap().contains("WebAssembly"), "{}", wasm.body);
    assert_eq!(app.get("/argorithms/source/nothing").await.status, 404);
    // A WebAssembly run asked for lines has them, all empty: no source, no lines.
    let res = app.post_json("/argorithms/run", json!({"argorithmID": "bubblesort", "parameters": {"array": [2, 1]}, "lines": true})).await;
    let lines = res.body["lines"].as_array().unwrap();
    assert_eq!(lines.len(), res.body["data"].as_array().unwrap().len());
    assert!(lines.iter().all(|l| *l == json!({"line": null, "frames": []})), "{}", res.body);
}

#[tokio::test]
async fn with_source_disabled_the_route_answers_403_and_runs_still_have_lines() {
    let app = spawn_app_with(&[("SOURCE", "DISABLED")]).await;
    assert_eq!(app.insert("bubble.py", BUBBLESORT.into(), &config("bubble", json!({"array": [2, 1]}))).await.status, 200);
    let res = app.get("/argorithms/source/bubble").await;
    assert_eq!(res.status, 403);
    assert!(res.body["detail"].as_str().unwrap().contains("SOURCE=DISABLED"), "{}", res.body);
    let run = app.post_json("/argorithms/run", json!({"argorithmID": "bubble", "parameters": {"array": [2, 1]}, "lines": true})).await;
    assert_eq!(run.body["lines"].as_array().unwrap().len(), 3);
}
