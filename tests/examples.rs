//! The bundled examples: published at the first start of a new SQLite database (so the player
//! at `/` has something to play), never again after that, never into MongoDB unless asked, and
//! never when the operator says no.
mod helpers;

use helpers::*;
use serde_json::Value;

const IDS: [&str; 6] = ["bubblesort_py", "fibonacci_py", "grid_bfs_py", "infix_to_postfix_py", "reverse_list_py", "task_scheduler_py"];

async fn build(folder: &std::path::Path, extra: &[(&str, &str)]) -> Vec<String> {
    argorithm_server::startup::Application::build(settings_for(folder, extra)).await.unwrap().banner()
}

fn listed(list: &Answer) -> Vec<String> {
    list.body.as_array().unwrap().iter().map(|r| r["argorithmID"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_new_database_gets_the_examples_and_each_one_runs() {
    let folder = tempfile::TempDir::new().unwrap();
    let app = spawn_app_in(folder.path(), &[("EXAMPLES", "AUTO")]).await;
    let list = app.list().await;
    if testing_mongo() {
        assert_eq!(listed(&list), Vec::<String>::new(), "EXAMPLES=AUTO leaves MongoDB alone");
        return;
    }
    assert_eq!(listed(&list), IDS, "{:?}", list.body);
    for record in list.body.as_array().unwrap() {
        assert_eq!(record["maintainer"], "admin@argorithm.local");
        let id = record["argorithmID"].as_str().unwrap();
        let res = app.run(id, record["example"].clone()).await;
        assert_eq!(res.status, 200, "{id}: {:?}", res.body);
        assert_eq!(res.body["status"], "run_parameters", "{id}");
        assert!(res.body["data"].as_array().is_some_and(|d| d.len() > 5), "{id}");
    }
}

#[tokio::test]
async fn examples_are_published_once_and_not_again_after_a_deletion() {
    if testing_mongo() {
        return; // The MongoDB side is the test above and the one below.
    }
    let folder = tempfile::TempDir::new().unwrap();
    let banner = build(folder.path(), &[("EXAMPLES", "AUTO")]).await;
    assert!(banner.iter().any(|l| l.starts_with("examples: published 6 (bubblesort_py,")), "{banner:?}");
    let app = spawn_app_in(folder.path(), &[("EXAMPLES", "AUTO")]).await;
    assert_eq!(app.delete("fibonacci_py").await.status, 200);
    drop(app);
    let banner = build(folder.path(), &[("EXAMPLES", "AUTO")]).await;
    assert!(banner.iter().any(|l| l.contains("new SQLite database only")), "{banner:?}");
    let app = spawn_app_in(folder.path(), &[("EXAMPLES", "AUTO")]).await;
    assert!(!listed(&app.list().await).contains(&"fibonacci_py".to_owned()), "a deleted example stays deleted");
}

#[tokio::test]
async fn an_operator_can_keep_the_examples_out_or_ask_for_them_on_any_empty_database() {
    let folder = tempfile::TempDir::new().unwrap();
    let banner = build(folder.path(), &[("EXAMPLES", "DISABLED")]).await;
    assert!(banner.contains(&"examples: not published (EXAMPLES=DISABLED)".to_owned()), "{banner:?}");
    let app = spawn_app_in(folder.path(), &[("EXAMPLES", "DISABLED")]).await;
    assert_eq!(app.list().await.body, Value::Array(vec![]));
    drop(app);
    // ENABLED publishes into an empty database that already exists (e.g. a new MongoDB).
    let app = spawn_app_in(folder.path(), &[("EXAMPLES", "ENABLED")]).await;
    assert_eq!(listed(&app.list().await), IDS);
}
