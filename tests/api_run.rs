//! `/argorithms/run` as the legacy clients use it: given parameters, the example as fallback,
//! and hostile modules that end in a clear 422 while the server stays healthy.
mod helpers;

use helpers::*;
use serde_json::{json, Value};

fn state_types(body: &Value) -> Vec<String> {
    body["data"].as_array().unwrap().iter().map(|s| s["state_type"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_example_runs_with_given_parameters() {
    let app = spawn_app().await;
    let cases = [
        ("bubblesort", json!({"array": [3, 1, 2]}), "array_swap"),
        ("fibonacci", json!({"n": 6}), "variable_highlight"),
        ("infix_to_postfix", json!({"expression": "a*(b+c)"}), "stack_push"),
        ("binary_search", json!({"array": [1, 2, 5, 8], "key": 5}), "array_iter"),
        ("task_scheduler", json!({"durations": [3, 1, 2, 5, 4]}), "priorityqueue_poll"),
    ];
    for (name, params, expected) in cases {
        assert_eq!(app.insert_example(name).await.status, 200, "{name}");
        let res = app.run(name, params).await;
        assert_eq!(res.status, 200, "{name}: {:?}", res.body);
        assert_eq!(res.body["status"], "run_parameters", "{name}");
        assert!(res.body.get("detail").is_none(), "{name}");
        assert!(state_types(&res.body).contains(&expected.to_owned()), "{name}: {:?}", state_types(&res.body));
        for state in res.body["data"].as_array().unwrap() {
            let keys: Vec<&String> = state.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 3, "{name}: {state}");
            assert!(state["state_def"].is_object() || state["state_def"].is_null());
            assert!(state["comments"].is_string());
        }
    }
}

#[tokio::test]
async fn bubblesort_sorts_the_given_array() {
    let app = spawn_app().await;
    app.insert_example("bubblesort").await;
    let res = app.run("bubblesort", json!({"array": [9, 4, 7, 1]})).await;
    let last_swap = res.body["data"].as_array().unwrap().iter().rev().find(|s| s["state_type"] == "array_swap").unwrap();
    assert_eq!(last_swap["state_def"]["body"], json!([1, 4, 7, 9]));
}

#[tokio::test]
async fn the_infix_example_produces_the_postfix_expression() {
    let app = spawn_app().await;
    app.insert_example("infix_to_postfix").await;
    let res = app.run("infix_to_postfix", json!({"expression": "a+b*(c^d-e)"})).await;
    let last = res.body["data"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["comments"], "the postfix expression is abcd^e-*+");
}

#[tokio::test]
async fn parameters_that_do_not_fit_run_the_example_and_say_why() {
    let app = spawn_app().await;
    app.insert_example("fibonacci").await;
    let res = app.run("fibonacci", json!({"n": "ten"})).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body["status"], "run_example");
    assert!(res.body["detail"].as_str().unwrap().contains("`n` must be an integer"), "{:?}", res.body);
    // The example is n = 8: 21 is the 8th number.
    assert_eq!(res.body["data"].as_array().unwrap().last().unwrap()["comments"], "21 is the 8th fibonacci number");

    let missing = app.post_json("/argorithms/run", json!({"argorithmID": "fibonacci"})).await;
    assert_eq!(missing.body["status"], "run_example");
    assert!(missing.body["detail"].as_str().unwrap().contains("missing"));
}

#[tokio::test]
async fn parameters_the_program_rejects_run_the_example() {
    let app = spawn_app().await;
    app.insert_example("infix_to_postfix").await;
    let res = app.run("infix_to_postfix", json!({"expression": "a+(b"})).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body["status"], "run_example");
    assert!(res.body["detail"].as_str().unwrap().contains("unbalanced brackets"), "{:?}", res.body);
}

#[tokio::test]
async fn running_an_unknown_id_is_a_404() {
    let app = spawn_app().await;
    let res = app.run("ghost", json!({})).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.body["detail"], "argorithm not found");
}

#[tokio::test]
async fn a_hand_written_wat_module_runs() {
    let app = spawn_app().await;
    let res = app.insert("hello.wasm", wat_module("(call $emit (i32.const 0) (i32.const 60)) (i32.const 0)"), &wat_config("hello")).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    let run = app.run("hello", json!({})).await;
    assert_eq!(run.body, json!({"status": "run_parameters", "data": [{"state_type": "comment", "state_def": null, "comments": "hello"}]}));
}

#[tokio::test]
async fn hostile_modules_get_a_422_naming_the_limit_and_the_server_stays_healthy() {
    let app = spawn_app_with(&[("SANDBOX_TIMEOUT_MS", "300"), ("SANDBOX_MAX_STATES", "500")]).await;
    app.insert_example("bubblesort").await;
    let cases = [
        ("spin", "(loop $l (br $l)) (i32.const 0)", "time_limit_exceeded"),
        ("flood", "(loop $l (call $emit (i32.const 0) (i32.const 60)) (br $l)) (i32.const 0)", "output_limit_exceeded"),
        ("crash", "unreachable", "runtime_error"),
        ("garbage", "(call $emit (i32.const 1) (i32.const 30)) (i32.const 0)", "invalid_state"),
        ("bomb", "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 64)) (i32.const -1)))) unreachable", "memory_limit_exceeded"),
    ];
    for (id, body, kind) in cases {
        let res = app.insert(&format!("{id}.wasm"), wat_module(body), &wat_config(id)).await;
        assert_eq!(res.status, 200, "{id}: {:?}", res.body);
        let run = app.run(id, json!({})).await;
        assert_eq!(run.status, 422, "{id}: {:?}", run.body);
        assert_eq!(run.body["error"], kind, "{id}");
        assert!(run.body["detail"].as_str().unwrap().len() > 20, "{id}: a sentence");
        let ok = app.run("bubblesort", json!({"array": [2, 1]})).await;
        assert_eq!(ok.body["status"], "run_parameters", "after {id}");
    }
}

#[tokio::test]
async fn runs_beyond_capacity_get_503_with_retry_after() {
    let app = spawn_app_with(&[("SANDBOX_CONCURRENCY", "1"), ("SANDBOX_QUEUE_WAIT_MS", "50"), ("SANDBOX_TIMEOUT_MS", "1500")]).await;
    app.insert("spin.wasm", wat_module("(loop $l (br $l)) (i32.const 0)"), &wat_config("spin")).await;
    let slow = {
        let (client, url) = (app.client.clone(), app.url("/argorithms/run"));
        tokio::spawn(async move { client.post(url).json(&json!({"argorithmID": "spin", "parameters": {}})).send().await.unwrap().status() })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let res = app.run("spin", json!({})).await;
    assert_eq!(res.status, 503, "{:?}", res.body);
    assert_eq!(res.headers.get("retry-after").unwrap(), "1");
    assert_eq!(slow.await.unwrap().as_u16(), 422);
}
