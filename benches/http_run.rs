//! Requests per second of `POST /argorithms/run` (bubblesort, 10 elements) against the
//! baseline `GET /argorithm`, on the same in-process server, measured the same way in the same
//! run: keep-alive clients on loopback for a fixed time per endpoint.
//!
//! A cached-run line measures a cache hit (`CACHING=ENABLED`, a real `redis-server` started
//! here) against the same baseline.
//!
//!     cargo bench --bench http_run
use argorithm_server::settings::Settings;
use argorithm_server::startup::Application;
use sandbox::testing::{example_config, guest_wasm};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;

#[path = "../tests/support/servers.rs"]
mod servers;

async fn load(client: &reqwest::Client, request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static, seconds: u64) -> f64 {
    let request = Arc::new(request);
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, request, done) = (client.clone(), request.clone(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let res = request(&client).send().await.expect("request");
                    assert!(res.status().is_success(), "status {}", res.status());
                    res.bytes().await.expect("body");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / seconds as f64
}

fn settings(folder: &std::path::Path, extra: &[(&str, String)]) -> Settings {
    let mut vars: HashMap<String, String> = [
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("STORAGE_FOLDER", folder.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    Settings::from_map(&vars).unwrap()
}

fn main() {
    let seconds = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let folder = tempfile::TempDir::new().unwrap();
    let cached_folder = tempfile::TempDir::new().unwrap();
    let redis = servers::ServerProcess::redis("bench-password", &[]);
    let cached_settings = settings(
        cached_folder.path(),
        &[
            ("CACHING", "ENABLED".into()),
            ("REDIS_HOST", "127.0.0.1".into()),
            ("REDIS_PORT", redis.port.to_string()),
            ("REDIS_PASSWORD", "bench-password".into()),
        ],
    );
    let server_rt = tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(8 << 20).build().unwrap();
    let (port, cached_port) = server_rt.block_on(async {
        let app = Application::build(settings(folder.path(), &[])).await.unwrap();
        let cached = Application::build(cached_settings).await.unwrap();
        let ports = (app.port(), cached.port());
        tokio::spawn(app.run_until_stopped());
        tokio::spawn(cached.run_until_stopped());
        ports
    });
    let client_rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    client_rt.block_on(async move {
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let cached_base = format!("http://127.0.0.1:{cached_port}");
        for (server, name) in [(&base, "bubblesort"), (&base, "fibonacci"), (&cached_base, "bubblesort")] {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(guest_wasm(name)).file_name(format!("{name}.wasm")))
                .part("data", reqwest::multipart::Part::bytes(example_config(name)).file_name("data"));
            let res = client.post(format!("{server}/argorithms/insert")).multipart(form).send().await.unwrap();
            assert!(res.status().is_success());
        }
        let body = serde_json::json!({"argorithmID": "bubblesort", "parameters": {"array": [9, 3, 7, 1, 8, 2, 6, 4, 10, 5]}});
        let body_for_cache = body.clone();

        let info_url = format!("{base}/argorithm");
        let baseline = load(&client, move |c| c.get(&info_url), seconds).await;
        // One storage read and no sandbox: what the lookup alone costs.
        let view_url = format!("{base}/argorithms/view/bubblesort");
        let view = load(&client, move |c| c.get(&view_url), seconds).await;
        let run_url = format!("{base}/argorithms/run");
        let tiny_url = run_url.clone();
        let run = load(&client, move |c| c.post(&run_url).json(&body), seconds).await;
        // The same path with a two-state trace separates the fixed cost from the trace's.
        let tiny_body = serde_json::json!({"argorithmID": "fibonacci", "parameters": {"n": 1}});
        let tiny = load(&client, move |c| c.post(&tiny_url).json(&tiny_body), seconds).await;
        // The first run fills the cache; every later one is a hit.
        let cached_url = format!("{cached_base}/argorithms/run");
        let cached_body = body_for_cache.clone();
        let warm: serde_json::Value = client.post(&cached_url).json(&cached_body).send().await.unwrap().json().await.unwrap();
        assert_eq!(warm["status"], "run_parameters");
        let hit: serde_json::Value = client.post(&cached_url).json(&cached_body).send().await.unwrap().json().await.unwrap();
        assert_eq!(hit["status"], "run_cache", "the cache answers");
        let cached = load(&client, move |c| c.post(&cached_url).json(&cached_body), seconds).await;
        println!("{CLIENTS} keep-alive clients, {seconds} s per endpoint, server and clients on this machine");
        println!("GET /argorithm (baseline)         {baseline:>9.0} req/s");
        println!("GET /argorithms/view/bubblesort (lookup only) {view:>9.0} req/s ({:.2})", view / baseline);
        println!("POST /argorithms/run (bubblesort) {run:>9.0} req/s");
        println!("POST /argorithms/run (fibonacci n=1, 2 states) {tiny:>9.0} req/s");
        println!("POST /argorithms/run (bubblesort, cache hit) {cached:>9.0} req/s");
        println!(
            "run / baseline: {:.2}; two-state run / baseline: {:.2}; cached run / baseline: {:.2}",
            run / baseline,
            tiny / baseline,
            cached / baseline
        );
    });
    drop(server_rt);
    drop(redis);
}
