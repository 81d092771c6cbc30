//! `CACHING=ENABLED` against a real `redis-server` (Debian's), started per test on a free port
//! with a password.
mod helpers;

use deadpool_redis::redis;
use helpers::servers::ServerProcess;
use helpers::*;
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "test redis password";

async fn spawn_cached_app(redis: &ServerProcess) -> TestApp {
    let port = redis.port.to_string();
    spawn_app_with(&[
        ("CACHING", "ENABLED"),
        ("REDIS_HOST", "127.0.0.1"),
        ("REDIS_PORT", &port),
        ("REDIS_PASSWORD", PASSWORD),
    ])
    .await
}

/// A direct connection, to look at what the server stored.
async fn redis_client(redis: &ServerProcess) -> redis::aio::MultiplexedConnection {
    let url = format!("redis://:{}@127.0.0.1:{}/0", PASSWORD.replace(' ', "%20"), redis.port);
    redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap()
}

async fn keys(conn: &mut redis::aio::MultiplexedConnection, pattern: &str) -> Vec<String> {
    redis::cmd("KEYS").arg(pattern).query_async(conn).await.unwrap()
}

/// A module whose one state's comment is `text`, to tell an updated module's trace apart.
fn module_saying(text: &str) -> Vec<u8> {
    let state = format!(r#"{{"state_type":"comment","state_def":null,"comments":"{text}"}}"#);
    let body = format!("(call $emit (i32.const 0) (i32.const {})) (i32.const 0)", state.len());
    wat::parse_str(sandbox::testing::abi_module_wat("", &state, &body)).unwrap()
}

fn comments(body: &Value) -> Vec<String> {
    body["data"].as_array().unwrap().iter().map(|s| s["comments"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_repeated_run_is_answered_from_the_cache_with_the_same_trace() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("bubblesort").await;
    let first = app.run("bubblesort", json!({"array": [3, 1, 2]})).await;
    assert_eq!(first.body["status"], "run_parameters", "{:?}", first.body);
    let second = app.run("bubblesort", json!({"array": [3, 1, 2]})).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body["status"], "run_cache");
    assert_eq!(second.body["data"], first.body["data"]);
    let other = app.run("bubblesort", json!({"array": [2, 1]})).await;
    assert_eq!(other.body["status"], "run_parameters", "other parameters are another entry");
}

#[tokio::test]
async fn an_entry_that_is_not_a_trace_is_never_served_and_a_fresh_run_replaces_it() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("bubblesort").await;
    let params = json!({"array": [3, 1, 2]});
    let first = app.run("bubblesort", params.clone()).await;
    let mut conn = redis_client(&redis).await;
    let key = keys(&mut conn, "argorithm:run:bubblesort:*").await.pop().expect("an entry");
    let extra_key = r#"[{"state_type":"comment","state_def":null,"comments":"","x":1}]"#;
    for junk in ["not json", r#"{"status":"x"}"#, "[1,2]", extra_key, "[{\"state_type\":\"comment\""] {
        redis::cmd("SET").arg(&key).arg(junk).query_async::<()>(&mut conn).await.unwrap();
        let res = app.run("bubblesort", params.clone()).await;
        assert_eq!(res.body["status"], "run_parameters", "{junk} was served");
        assert_eq!(res.body["data"], first.body["data"]);
        let stored: String = redis::cmd("GET").arg(&key).query_async(&mut conn).await.unwrap();
        let stored: Value = serde_json::from_str(&stored).unwrap();
        assert_eq!(stored, first.body["data"], "the fresh run was stored again");
    }
}

#[tokio::test]
async fn a_trace_of_megabytes_is_served_from_the_cache_whole() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("binary_search").await;
    // Every state carries the 20 000-number array: about 2 MB, checked off the async threads.
    let params = json!({"array": (0..20_000).collect::<Vec<i64>>(), "key": 12_345});
    let first = app.run("binary_search", params.clone()).await;
    assert_eq!(first.body["status"], "run_parameters", "{:?}", first.body["detail"]);
    assert!(first.body.to_string().len() > 1 << 20);
    let second = app.run("binary_search", params).await;
    assert_eq!(second.body["status"], "run_cache");
    assert_eq!(second.body["data"], first.body["data"]);
}

#[tokio::test]
async fn parameters_in_another_key_order_hit_the_same_entry() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("binary_search").await;
    let first = app.run("binary_search", json!({"array": [1, 2, 5, 8], "key": 5})).await;
    assert_eq!(first.body["status"], "run_parameters");
    let body = r#"{"parameters": {  "key" : 5, "array":[1,2,5,8]}, "argorithmID": "binary_search"}"#;
    let res = app.client.post(app.url("/argorithms/run")).header("content-type", "application/json").body(body).send().await.unwrap();
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["status"], "run_cache");
    assert_eq!(second["data"], first.body["data"]);
}

#[tokio::test]
async fn an_update_makes_the_next_run_a_miss_with_the_new_trace() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    assert_eq!(app.insert("say.wasm", module_saying("old"), &wat_config("say")).await.status, 200);
    app.run("say", json!({})).await;
    assert_eq!(app.run("say", json!({})).await.body["status"], "run_cache");
    let mut conn = redis_client(&redis).await;
    assert_eq!(keys(&mut conn, "argorithm:run:say:*").await.len(), 1);

    assert_eq!(app.update("say.wasm", module_saying("new"), &wat_config("say")).await.status, 200);
    assert!(keys(&mut conn, "argorithm:run:say:*").await.is_empty(), "the update removed the old entry");
    let after = app.run("say", json!({})).await;
    assert_eq!(after.body["status"], "run_parameters");
    assert_eq!(comments(&after.body), ["new"]);
    assert_eq!(comments(&app.run("say", json!({})).await.body), ["new"]);
}

#[tokio::test]
async fn delete_removes_the_argorithms_entries_and_only_those() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("fibonacci").await;
    app.insert_example("bubblesort").await;
    for n in 1..=30 {
        assert_eq!(app.run("fibonacci", json!({"n": n})).await.body["status"], "run_parameters");
    }
    app.run("bubblesort", json!({"array": [2, 1]})).await;
    let mut conn = redis_client(&redis).await;
    assert_eq!(keys(&mut conn, "argorithm:run:fibonacci:*").await.len(), 30);
    assert_eq!(app.delete("fibonacci").await.status, 200);
    assert!(keys(&mut conn, "argorithm:run:fibonacci:*").await.is_empty());
    assert!(keys(&mut conn, "argorithm:keys:fibonacci").await.is_empty());
    assert_eq!(keys(&mut conn, "argorithm:run:bubblesort:*").await.len(), 1, "other ARgorithms keep theirs");
}

#[tokio::test]
async fn a_run_with_bad_parameters_is_not_cached_under_the_good_parameters() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("infix_to_postfix").await;
    // Fits the declaration but the program rejects it: the example runs instead.
    let rejected = app.run("infix_to_postfix", json!({"expression": "a+(b"})).await;
    assert_eq!(rejected.body["status"], "run_example");
    let unfit = app.run("infix_to_postfix", json!({"expression": 7})).await;
    assert!(matches!(unfit.body["status"].as_str(), Some("run_example" | "run_cache")));
    assert!(unfit.body["detail"].as_str().unwrap().contains("expression"), "{:?}", unfit.body);
    let good = app.run("infix_to_postfix", json!({"expression": "a*b"})).await;
    assert_eq!(good.body["status"], "run_parameters", "{:?}", good.body);
    assert_eq!(comments(&good.body).last().unwrap(), "the postfix expression is ab*");
    let again = app.run("infix_to_postfix", json!({"expression": "a+(b"})).await;
    assert!(again.body["detail"].as_str().unwrap().contains("unbalanced"), "an error is never served from the cache");
}

#[tokio::test]
async fn with_a_tiny_maxmemory_old_entries_are_evicted_and_runs_still_succeed() {
    let redis = ServerProcess::redis(PASSWORD, &["--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru", "--maxmemory-samples", "10"]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("bubblesort").await;
    // Each trace of a 16-element reversed array is tens of kilobytes; 120 of them overflow 2 MB.
    let array = |i: i64| (0..16).map(|k| 1000 * i + 16 - k).collect::<Vec<_>>();
    for i in 0..120 {
        let res = app.run("bubblesort", json!({"array": array(i)})).await;
        assert_eq!(res.status, 200, "run {i}: {:?}", res.body);
        assert_eq!(res.body["status"], "run_parameters");
    }
    let mut conn = redis_client(&redis).await;
    let info: String = redis::cmd("INFO").arg("stats").query_async(&mut conn).await.unwrap();
    let evicted: u64 = info.lines().find_map(|l| l.strip_prefix("evicted_keys:")).unwrap().trim().parse().unwrap();
    assert!(evicted > 0, "{info}");
    let sizes: Vec<u64> = {
        let keys = keys(&mut conn, "argorithm:run:bubblesort:*").await;
        let mut sizes = Vec::new();
        for k in &keys {
            sizes.push(redis::cmd("STRLEN").arg(k).query_async(&mut conn).await.unwrap());
        }
        sizes
    };
    assert!(sizes.len() < 120 && sizes.iter().any(|s| *s > 10_000), "{sizes:?}");
    assert_eq!(app.run("bubblesort", json!({"array": array(0)})).await.body["status"], "run_parameters", "the oldest entry was evicted");
    assert_eq!(app.run("bubblesort", json!({"array": array(119)})).await.body["status"], "run_cache", "the newest is still there");
}

#[tokio::test]
async fn runs_go_on_while_redis_is_down_and_caching_resumes_when_it_is_back() {
    let mut redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    app.insert_example("fibonacci").await;
    app.run("fibonacci", json!({"n": 5})).await;
    assert_eq!(app.run("fibonacci", json!({"n": 5})).await.body["status"], "run_cache");

    redis.stop();
    for _ in 0..3 {
        let res = app.run("fibonacci", json!({"n": 5})).await;
        assert_eq!(res.status, 200, "{:?}", res.body);
        assert_eq!(res.body["status"], "run_parameters");
    }
    // Update and delete work too; their invalidation is skipped, not fatal.
    assert_eq!(app.update("fibonacci.wasm", guest_wasm("fibonacci"), &example_config("fibonacci")).await.status, 200);
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.lines().any(|l| l.starts_with("cache_errors_total{") && !l.ends_with(" 0")), "{metrics}");
    assert!(metrics.contains("cache_requests_total{result=\"bypassed\"}"), "{metrics}");

    redis.restart();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(app.run("fibonacci", json!({"n": 5})).await.body["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["run_parameters", "run_cache", "run_cache"], "a fresh Redis: one miss, then hits");
}

#[tokio::test]
async fn a_frozen_redis_costs_a_run_no_more_than_the_timeout() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let port = redis.port.to_string();
    let app = spawn_app_with(&[
        ("CACHING", "ENABLED"),
        ("REDIS_HOST", "127.0.0.1"),
        ("REDIS_PORT", &port),
        ("REDIS_PASSWORD", PASSWORD),
        ("REDIS_TIMEOUT_MS", "200"),
    ])
    .await;
    app.insert_example("fibonacci").await;
    app.run("fibonacci", json!({"n": 5})).await;
    redis.freeze(true);
    let started = std::time::Instant::now();
    let res = app.run("fibonacci", json!({"n": 5})).await;
    let waited = started.elapsed();
    redis.freeze(false);
    assert_eq!(res.status, 200);
    assert_eq!(res.body["status"], "run_parameters");
    assert!(waited < Duration::from_secs(2), "waited {waited:?}");
}

#[tokio::test]
async fn a_wrong_redis_password_leaves_runs_working_uncached() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let port = redis.port.to_string();
    let app = spawn_app_with(&[("CACHING", "ENABLED"), ("REDIS_HOST", "127.0.0.1"), ("REDIS_PORT", &port), ("REDIS_PASSWORD", "wrong")]).await;
    app.insert_example("fibonacci").await;
    for _ in 0..2 {
        let res = app.run("fibonacci", json!({"n": 3})).await;
        assert_eq!(res.body["status"], "run_parameters", "{:?}", res.body);
    }
}

const PY_SORT: &str = "import ARgorithmToolkit\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'], comments='in')\n    arr.swap(0, 1)\n    return algo\n";

fn py_sort_config() -> Vec<u8> {
    json!({"argorithmID": "pysort", "file": "pysort.py", "function": "run", "description": "swaps",
           "parameters": {"array": {"description": "two or more", "type": "ARRAY", "item-type": "INT"}}, "example": {"array": [2, 1]}})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn a_run_with_lines_and_one_without_never_answer_from_each_others_entries_on_either_cache_path() {
    let redis = ServerProcess::redis(PASSWORD, &[]);
    let app = spawn_cached_app(&redis).await;
    assert_eq!(app.insert("pysort.py", PY_SORT.into(), &py_sort_config()).await.status, 200);
    let run = |params: Value, lines: bool| app.post_json("/argorithms/run", json!({"argorithmID": "pysort", "parameters": params, "lines": lines}));
    let expected_lines = json!([{"line": 5, "frames": [["run", 5]]}, {"line": 6, "frames": [["run", 6]]}]);
    // The given parameters: with lines, then from the cache with the same lines.
    let first = run(json!({"array": [5, 4]}), true).await;
    assert_eq!((first.body["status"].as_str(), &first.body["lines"]), (Some("run_parameters"), &expected_lines), "{}", first.body);
    let cached = run(json!({"array": [5, 4]}), true).await;
    assert_eq!((cached.body["status"].as_str(), &cached.body["lines"]), (Some("run_cache"), &expected_lines), "{}", cached.body);
    assert_eq!(cached.body["data"], first.body["data"]);
    // Without lines: not the entry with lines, and never a `lines` field, then its own entry.
    let plain = run(json!({"array": [5, 4]}), false).await;
    assert_eq!(plain.body["status"], "run_parameters", "{}", plain.body);
    assert!(plain.body.get("lines").is_none());
    let plain = run(json!({"array": [5, 4]}), false).await;
    assert_eq!(plain.body["status"], "run_cache");
    assert!(plain.body.get("lines").is_none(), "{}", plain.body);
    // The example's path, unfit parameters: run with lines, then cached with them.
    let example = run(json!({"array": "no"}), true).await;
    assert_eq!((example.body["status"].as_str(), &example.body["lines"]), (Some("run_example"), &expected_lines), "{}", example.body);
    let example = run(json!({"array": "no"}), true).await;
    assert_eq!((example.body["status"].as_str(), &example.body["lines"]), (Some("run_cache"), &expected_lines), "{}", example.body);
    assert!(example.body["detail"].as_str().unwrap().contains("do not fit"));
    let example = run(json!({"array": "no"}), false).await;
    assert!(example.body.get("lines").is_none(), "{}", example.body);
    let mut conn = redis_client(&redis).await;
    assert_eq!(keys(&mut conn, "argorithm:run+lines:pysort:*").await.len(), 2, "the given and the example's entries with lines");
    // Entries with lines are removed with the others.
    assert_eq!(app.delete("pysort").await.status, 200);
    assert!(keys(&mut conn, "argorithm:run*:pysort:*").await.is_empty());
}
