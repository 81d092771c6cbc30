//! What an upload may cost the server: records and programs are bounded in size, and a request
//! that will be refused (the ID is taken, unknown, or someone else's) is refused before its
//! program is compiled, so nobody can spend the server's CPU on other people's IDs.
mod helpers;

use helpers::*;
use serde_json::json;
use std::time::{Duration, Instant};

/// A valid module that takes cranelift seconds to compile: many large functions. `seed` changes
/// its bytes (and so its hash), so the compiled-module cache cannot answer for it.
fn expensive_module(seed: u32) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..400 {
        body.push_str(&format!("(local.set $x (i32.add (local.get $x) (i32.mul (local.get $x) (i32.const {}))))", i * 7 + seed));
    }
    let functions: String = (0..600).map(|n| format!("(func $f{n} (param $x i32) (result i32) {body} (local.get $x))\n")).collect();
    let wat = sandbox::testing::abi_module_wat(&functions, r#"{"state_type":"comment","state_def":null,"comments":"hi"}"#, "(i32.const 0)");
    wat::parse_str(wat).unwrap()
}

fn module_config(id: &str, description: &str) -> Vec<u8> {
    json!({"argorithmID": id, "file": format!("{id}.wasm"), "function": "run", "description": description,
           "parameters": {}, "example": {}})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn refused_inserts_and_updates_answer_before_any_compilation() {
    let app = spawn_auth_app().await;
    let alice = app.programmer_token("alice@example.com").await;
    let bob = app.programmer_token("bob@example.com").await;
    let module = expensive_module(1);
    assert!(module.len() > 2 << 20, "a multi-megabyte module: {} bytes", module.len());

    let started = Instant::now();
    let form = upload_form("big.wasm", module, &module_config("big", "expensive"));
    let res = app.client.post(app.url("/argorithms/insert")).bearer_auth(&alice).multipart(form).send().await.unwrap();
    let compiling = started.elapsed();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());

    // Each attempt below carries a module never compiled before: only refusing first is fast.
    let attempts: [(&str, &str, &str, u16); 3] = [
        ("/argorithms/insert", "big", "alice", 409),
        ("/argorithms/update", "nothing_here", "alice", 404),
        ("/argorithms/update", "big", "bob", 401),
    ];
    for (i, (path, id, who, status)) in attempts.into_iter().enumerate() {
        let token = if who == "alice" { &alice } else { &bob };
        let form = upload_form(&format!("{id}.wasm"), expensive_module(10 + i as u32), &module_config(id, "again"));
        let started = Instant::now();
        let res = app.client.post(app.url(path)).bearer_auth(token).multipart(form).send().await.unwrap();
        let took = started.elapsed();
        assert_eq!(res.status().as_u16(), status, "{path} {id} as {who}");
        assert!(
            took < Duration::from_millis(500) && took * 4 < compiling,
            "{path} {id} as {who} answered in {took:?}; compiling took {compiling:?}"
        );
    }
}

#[tokio::test]
async fn a_program_over_the_size_limit_is_refused_with_413() {
    let app = spawn_app_with(&[("MAX_PROGRAM_BYTES", "100000")]).await;
    let res = app.insert("big.wasm", vec![0u8; 100_001], &module_config("big", "too big")).await;
    assert_eq!(res.status, 413, "{:?}", res.body);
    assert!(res.body["detail"].as_str().unwrap().contains("over the limit of 100000 bytes"), "{:?}", res.body);
    let source = format!("def run(**kwargs):\n    pass\n{}", "#".repeat(100_000));
    let cfg = json!({"argorithmID": "big", "file": "big.py", "function": "run", "description": "", "parameters": {}, "example": {}});
    let res = app.insert("big.py", source.into(), cfg.to_string().as_bytes()).await;
    assert_eq!(res.status, 413, "{:?}", res.body);
    assert_eq!(app.list().await.body, json!([]));
}

#[tokio::test]
async fn config_fields_over_their_bounds_are_refused_with_422() {
    let app = spawn_app().await;
    let module = wat_module("(i32.const 0)");
    let long = "x".repeat(5000);
    let res = app.insert("long.wasm", module.clone(), &module_config("long", &long)).await;
    assert_eq!(res.status, 422, "{:?}", res.body);
    assert!(res.body["detail"].as_str().unwrap().contains("`description`"), "{:?}", res.body);

    let many: serde_json::Map<String, serde_json::Value> =
        (0..40).map(|i| (format!("p{i}"), json!({"description": "", "type": "INT"}))).collect();
    let example: serde_json::Map<String, serde_json::Value> = (0..40).map(|i| (format!("p{i}"), json!(1))).collect();
    let cfg = json!({"argorithmID": "many", "file": "many.wasm", "function": "run", "description": "", "parameters": many, "example": example});
    let res = app.insert("many.wasm", module.clone(), cfg.to_string().as_bytes()).await;
    assert_eq!(res.status, 422, "{:?}", res.body);
    assert!(res.body["detail"].as_str().unwrap().contains("32 are allowed"), "{:?}", res.body);

    let cfg = json!({"argorithmID": "wide", "file": "wide.wasm", "function": "run", "description": "",
                     "parameters": {"a": {"description": "", "type": "ARRAY", "item-type": "INT"}},
                     "example": {"a": vec![1; 40_000]}});
    let res = app.insert("wide.wasm", module, cfg.to_string().as_bytes()).await;
    assert_eq!(res.status, 422, "{:?}", res.body);
    assert!(res.body["detail"].as_str().unwrap().contains("`example`"), "{:?}", res.body);
    assert_eq!(app.list().await.body, json!([]), "nothing over a bound was stored");
}

#[tokio::test]
async fn the_list_follows_every_change_though_it_is_built_once_per_change() {
    let app = spawn_app().await;
    assert_eq!(app.list().await.body, json!([]));
    assert_eq!(app.insert("one.wasm", wat_module("(i32.const 0)"), &module_config("one", "first")).await.status, 200);
    assert_eq!(app.list().await.body[0]["description"], "first");
    assert_eq!(app.list().await.body[0]["description"], "first", "the kept body answers again");
    assert_eq!(app.update("one.wasm", wat_module("(i32.const 0)"), &module_config("one", "second")).await.status, 200);
    assert_eq!(app.list().await.body[0]["description"], "second");
    assert_eq!(app.delete("one").await.status, 200);
    assert_eq!(app.list().await.body, json!([]));
}
