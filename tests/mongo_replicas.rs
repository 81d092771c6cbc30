//! `DATABASE=MONGO`: several server processes sharing one database, and what happens when the
//! database goes away and comes back. Runs against nx-27017 (or MONGO_TEST_URL's server).
mod helpers;

use helpers::servers::{fresh_database_name, shared_mongo_url, ServerProcess};
use helpers::*;
use serde_json::json;
use std::time::Duration;

async fn replica(url: &str, database: &str, extra: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![("DATABASE", "MONGO"), ("DB_ENDPOINT", url), ("DB_NAME", database), ("DB_TIMEOUT_MS", "500")];
    vars.extend_from_slice(extra);
    spawn_app_with(&vars).await
}

#[tokio::test]
async fn an_argorithm_uploaded_through_one_replica_is_listed_and_run_by_another() {
    let (url, db) = (shared_mongo_url(), fresh_database_name());
    let a = replica(&url, &db, &[]).await;
    let b = replica(&url, &db, &[]).await;
    assert_eq!(a.insert_example("bubblesort").await.status, 200);
    let list = b.get("/argorithms/list").await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["argorithmID"], "bubblesort");
    let run = b.run("bubblesort", json!({"array": [2, 1]})).await;
    assert_eq!(run.body["status"], "run_parameters", "{:?}", run.body);

    // An update through A is what B runs next.
    let config = example_config("fibonacci");
    let mut config: serde_json::Value = serde_json::from_slice(&config).unwrap();
    config["argorithmID"] = json!("bubblesort");
    config["file"] = json!("bubblesort.wasm");
    let res = a.update("bubblesort.wasm", guest_wasm("fibonacci"), config.to_string().as_bytes()).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    let after = b.run("bubblesort", json!({"n": 4})).await;
    assert_eq!(after.body["status"], "run_parameters", "{:?}", after.body);
    assert_eq!(after.body["data"].as_array().unwrap().last().unwrap()["comments"], "3 is the 4th fibonacci number");
    assert_eq!(b.delete("bubblesort").await.status, 200);
    assert_eq!(a.run("bubblesort", json!({})).await.status, 404);
}

#[tokio::test]
async fn accounts_made_on_one_replica_log_in_on_another() {
    let (url, db) = (shared_mongo_url(), fresh_database_name());
    let a = replica(&url, &db, &auth_vars()).await;
    let b = replica(&url, &db, &auth_vars()).await;
    assert_eq!(a.register_programmer("ann@example.com", "Password1").await.status, 200);
    let login = b.login_programmer("ann@example.com", "Password1").await;
    assert_eq!(login.status, 200, "{:?}", login.body);
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(a.with_token(&token).insert_example("fibonacci").await.status, 200);
    let admin = b.admin_token().await;
    assert_eq!(b.with_token(&admin).post_json("/admin/black_list", json!({"email": "ann@example.com"})).await.status, 200);
    assert_eq!(a.with_token(&token).delete("fibonacci").await.status, 401, "A sees B's blacklisting at once");
}

#[tokio::test]
async fn while_mongodb_is_down_requests_get_503_and_service_resumes_without_a_restart() {
    let mut mongo = ServerProcess::mongo();
    let app = replica(&mongo.mongo_url(), &fresh_database_name(), &[]).await;
    assert_eq!(app.insert_example("fibonacci").await.status, 200);
    assert_eq!(app.run("fibonacci", json!({"n": 3})).await.status, 200);

    // Runs keep coming while the database dies under them.
    let client = app.client.clone();
    let run_url = app.url("/argorithms/run");
    let load = tokio::spawn(async move {
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let res = client.post(&run_url).json(&json!({"argorithmID": "fibonacci", "parameters": {"n": 3}})).send().await.unwrap();
            statuses.push(res.status().as_u16());
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        statuses
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    mongo.stop();
    let statuses = load.await.unwrap();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert!(statuses.contains(&503), "{statuses:?}");

    for (what, res) in [
        ("list", app.get("/argorithms/list").await),
        ("view", app.get("/argorithms/view/fibonacci").await),
        ("run", app.run("fibonacci", json!({"n": 3})).await),
        ("insert", app.insert_example("bubblesort").await),
        ("delete", app.delete("fibonacci").await),
    ] {
        assert_eq!(res.status, 503, "{what}: {:?}", res.body);
        assert!(res.body["detail"].as_str().unwrap().contains("unavailable"), "{what}: {:?}", res.body);
        assert!(res.headers.contains_key("retry-after"), "{what}");
    }

    mongo.restart();
    let mut resumed = false;
    for _ in 0..60 {
        if app.get("/argorithms/list").await.status == 200 {
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(resumed, "the server found MongoDB again by itself");
    let list = app.get("/argorithms/list").await;
    let ids: Vec<&str> = list.body.as_array().unwrap().iter().map(|r| r["argorithmID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["fibonacci"], "the failed insert and delete changed nothing");
    let view = app.get("/argorithms/view/fibonacci").await;
    assert_eq!(view.status, 200);
    for field in ["maintainer", "description", "function", "filename", "parameters", "example"] {
        assert!(!view.body[field].is_null(), "{field} is whole: {:?}", view.body);
    }
    assert_eq!(app.run("fibonacci", json!({"n": 3})).await.body["status"], "run_parameters");
    assert_eq!(app.insert_example("bubblesort").await.status, 200);
}

#[tokio::test]
async fn a_server_started_before_mongodb_waits_for_it() {
    let mut mongo = ServerProcess::mongo();
    let url = mongo.mongo_url();
    mongo.stop();
    let db = fresh_database_name();
    let starting = tokio::spawn(async move {
        let vars = [("DATABASE", "MONGO"), ("DB_ENDPOINT", url.as_str()), ("DB_NAME", db.as_str()), ("DB_TIMEOUT_MS", "300"), ("DB_START_TIMEOUT_SECONDS", "30")];
        spawn_app_with(&vars).await
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!starting.is_finished(), "it is still retrying");
    mongo.restart();
    let app = tokio::time::timeout(Duration::from_secs(30), starting).await.expect("started once MongoDB was up").unwrap();
    assert_eq!(app.get("/argorithms/list").await.status, 200);
}
