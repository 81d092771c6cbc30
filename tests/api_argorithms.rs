//! Upload, list, view, update and delete over real HTTP, with their errors.
mod helpers;

use helpers::*;
use serde_json::json;

#[tokio::test]
async fn an_uploaded_example_is_listed_and_viewable_without_its_module() {
    let app = spawn_app().await;
    let res = app.insert_example("bubblesort").await;
    assert_eq!(res.status, 200, "{:?}", res.body);

    let list = app.list().await;
    assert_eq!(list.status, 200);
    let records = list.body.as_array().unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["argorithmID"], "bubblesort");
    assert_eq!(record["filename"], "bubblesort.wasm");
    assert_eq!(record["function"], "run");
    assert_eq!(record["maintainer"], "admin@argorithm.local");
    assert_eq!(record["parameters"]["array"]["type"], "ARRAY");
    assert_eq!(record["example"], json!({"array": [6, 3, 2, 4, 5, 1]}));
    let keys: Vec<&String> = record.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "exactly the legacy record fields, no module bytes: {keys:?}");

    let view = app.view("bubblesort").await;
    assert_eq!(view.status, 200);
    assert_eq!(&view.body, record);
}

#[tokio::test]
async fn viewing_an_unknown_id_is_a_404_with_detail() {
    let app = spawn_app().await;
    let res = app.view("nope").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.body["detail"], "no such argorithm");
}

#[tokio::test]
async fn a_duplicate_id_is_a_409_and_keeps_the_first_upload() {
    let app = spawn_app().await;
    assert_eq!(app.insert_example("fibonacci").await.status, 200);
    let config = config_with("fibonacci", json!({"description": "second"}));
    let res = app.insert("fibonacci.wasm", guest_wasm("fibonacci"), &config).await;
    assert_eq!(res.status, 409);
    assert_eq!(res.body["detail"], "argorithm already exists");
    assert_ne!(app.view("fibonacci").await.body["description"], "second");
}

#[tokio::test]
async fn a_config_naming_another_file_is_a_406() {
    let app = spawn_app().await;
    let res = app.insert("other.wasm", guest_wasm("bubblesort"), &example_config("bubblesort")).await;
    assert_eq!(res.status, 406);
    assert!(res.body["detail"].as_str().unwrap().contains("The file name was invalid"));
    assert_eq!(app.list().await.body, json!([]));
}

#[tokio::test]
async fn a_file_that_is_neither_wasm_nor_python_is_a_400_that_says_which_kinds_run() {
    let app = spawn_app().await;
    let config = config_with("bubblesort", json!({"file": "bubblesort.sh"}));
    let res = app.insert("bubblesort.sh", b"#!/bin/sh\necho hi".to_vec(), &config).await;
    assert_eq!(res.status, 400);
    let detail = res.body["detail"].as_str().unwrap();
    assert!(detail.contains(".wasm") && detail.contains(".py"), "{detail}");
}

#[tokio::test]
async fn a_wasm_named_file_that_is_not_wasm_is_a_400() {
    let app = spawn_app().await;
    let res = app.insert("bubblesort.wasm", b"#!/bin/sh\nrm -rf /".to_vec(), &example_config("bubblesort")).await;
    assert_eq!(res.status, 400);
    assert!(res.body["detail"].as_str().unwrap().contains("not a WebAssembly binary"), "{:?}", res.body);
}

#[tokio::test]
async fn a_module_without_the_configured_entry_is_a_400() {
    let app = spawn_app().await;
    let config = config_with("bubblesort", json!({"function": "sort"}));
    let res = app.insert("bubblesort.wasm", guest_wasm("bubblesort"), &config).await;
    assert_eq!(res.status, 400);
    assert!(res.body["detail"].as_str().unwrap().contains("`sort`"), "{:?}", res.body);
}

#[tokio::test]
async fn a_bad_config_field_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (json!({"parameters": {"array": {"description": "a", "type": "LIST"}}}), "parameters.array.type"),
        (json!({"argorithmID": "9bubbles"}), "argorithmID"),
        (json!({"example": {"array": "not an array"}}), "example"),
        (json!({"description": 5}), "description"),
    ];
    for (change, field) in cases {
        let res = app.insert("bubblesort.wasm", guest_wasm("bubblesort"), &config_with("bubblesort", change)).await;
        assert_eq!(res.status, 400, "{field}");
        assert!(res.body["detail"].as_str().unwrap().contains(field), "{field}: {:?}", res.body);
    }
    let res = app.insert("bubblesort.wasm", guest_wasm("bubblesort"), b"{not json").await;
    assert_eq!(res.status, 400);
    assert!(res.body["detail"].as_str().unwrap().contains("not valid JSON"));
    assert_eq!(app.list().await.body, json!([]));
}

#[tokio::test]
async fn an_upload_missing_its_data_part_is_a_400_in_json() {
    let app = spawn_app().await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(guest_wasm("bubblesort")).file_name("bubblesort.wasm"));
    let res = app.client.post(app.url("/argorithms/insert")).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["detail"].is_string(), "{body:?}");
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = spawn_app_with(&[("MAX_UPLOAD_BYTES", "100000")]).await;
    let mut big = guest_wasm("bubblesort");
    big.resize(150_000, 0);
    let res = app.insert("bubblesort.wasm", big, &example_config("bubblesort")).await;
    assert_eq!(res.status, 413);
    assert!(res.body["detail"].is_string());
}

#[tokio::test]
async fn an_update_replaces_config_and_module() {
    let app = spawn_app().await;
    app.insert_example("bubblesort").await;
    let config = config_with("bubblesort", json!({"description": "now sorting", "example": {"array": [2, 1]}}));
    let res = app.update("bubblesort.wasm", guest_wasm("bubblesort"), &config).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    let view = app.view("bubblesort").await.body;
    assert_eq!(view["description"], "now sorting");
    assert_eq!(view["example"], json!({"array": [2, 1]}));
}

#[tokio::test]
async fn updating_an_unknown_id_is_a_404() {
    let app = spawn_app().await;
    let res = app.update("bubblesort.wasm", guest_wasm("bubblesort"), &example_config("bubblesort")).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.body["detail"], "argorithm not found");
}

#[tokio::test]
async fn a_deleted_argorithm_is_gone() {
    let app = spawn_app().await;
    app.insert_example("bubblesort").await;
    app.insert_example("fibonacci").await;
    let res = app.delete("bubblesort").await;
    assert_eq!(res.status, 200);
    assert_eq!(app.view("bubblesort").await.status, 404);
    let ids: Vec<String> = app.list().await.body.as_array().unwrap().iter().map(|r| r["argorithmID"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, vec!["fibonacci"]);
    assert_eq!(app.delete("bubblesort").await.status, 404);
}

#[tokio::test]
async fn records_survive_a_restart_on_the_same_folder() {
    let folder = tempfile::TempDir::new().unwrap();
    {
        let app = spawn_app_in(folder.path(), &[]).await;
        assert_eq!(app.insert_example("infix_to_postfix").await.status, 200);
    }
    let app = spawn_app_in(folder.path(), &[]).await;
    let view = app.view("infix_to_postfix").await;
    assert_eq!(view.status, 200);
    assert_eq!(view.body["filename"], "infix_to_postfix.wasm");
    let run = app.run("infix_to_postfix", json!({"expression": "a+b"})).await;
    assert_eq!(run.body["status"], "run_parameters");
}
