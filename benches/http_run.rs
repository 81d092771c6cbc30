//! Requests per second of `POST /argorithms/run` (bubblesort, 10 elements) against the
//! baseline `GET /argorithm`, on the same in-process server, measured the same way in the same
//! run: keep-alive clients on loopback for a fixed time per endpoint, in interleaved rounds.
//!
//! A cached-run line measures a cache hit (`CACHING=ENABLED`, a real `redis-server` started
//! here) against the same baseline. A last line serves the bubblesort answer's bytes from a bare
//! poem server: what moving that answer over HTTP costs without the app. Another serves the list
//! of a thousand records.
//!
//!     cargo bench --bench http_run            # BENCH_ROUNDS (5) and BENCH_SECONDS (1) per slice
//!
//! `BENCH_CASE=<part of a label>` loads only the matching endpoints, for a profiler.
//!
//! The server's `SANDBOX_*` variables, when set, apply to the servers under test. Its clients
//! share one address, so `SANDBOX_CLIENT_SHARE` is 100 unless set.
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

type Request = Arc<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>;

fn get(url: String) -> Request {
    Arc::new(move |c| c.get(&url))
}

fn post(url: String, body: serde_json::Value) -> Request {
    Arc::new(move |c| c.post(&url).json(&body))
}

fn median(rates: &mut [f64]) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

/// A poem server that answers `answer` to every request, on a port of its own.
async fn static_server(answer: Vec<u8>) -> u16 {
    use poem::listener::{Acceptor, Listener};
    let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    let app = poem::endpoint::make_sync(move |_| {
        poem::Response::builder().content_type("application/json").body(answer.clone())
    });
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    port
}

fn settings(folder: &std::path::Path, extra: &[(&str, String)]) -> Settings {
    let mut vars: HashMap<String, String> = [
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("STORAGE_FOLDER", folder.display().to_string()),
        // The 16 clients share one address and stand for many users: no per-client share.
        ("SANDBOX_CLIENT_SHARE", "100".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    // The sandbox's limits (SANDBOX_CONCURRENCY, ...) can be set for a run of the benchmark.
    vars.extend(std::env::vars().filter(|(k, _)| k.starts_with("SANDBOX_")));
    Settings::from_map(&vars).unwrap()
}

fn main() {
    let seconds = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let rounds = std::env::var("BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
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
    let server = server_rt.handle().clone();
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
        // A thousand records (one module, so one compilation), for the list's cost.
        let wasm = guest_wasm("fibonacci");
        let config: serde_json::Value = serde_json::from_slice(&example_config("fibonacci")).unwrap();
        for i in 0..1000 {
            let mut config = config.clone();
            config["argorithmID"] = serde_json::json!(format!("listed_{i:04}"));
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(wasm.clone()).file_name("fibonacci.wasm"))
                .part("data", reqwest::multipart::Part::bytes(config.to_string().into_bytes()).file_name("data"));
            let res = client.post(format!("{cached_base}/argorithms/insert")).multipart(form).send().await.unwrap();
            assert!(res.status().is_success());
        }
        let body = serde_json::json!({"argorithmID": "bubblesort", "parameters": {"array": [9, 3, 7, 1, 8, 2, 6, 4, 10, 5]}});
        let body_for_cache = body.clone();


        // The cached server's first run fills the cache; every later one is a hit.
        let cached_url = format!("{cached_base}/argorithms/run");
        let warm: serde_json::Value = client.post(&cached_url).json(&body_for_cache).send().await.unwrap().json().await.unwrap();
        assert_eq!(warm["status"], "run_parameters");
        let hit: serde_json::Value = client.post(&cached_url).json(&body_for_cache).send().await.unwrap().json().await.unwrap();
        assert_eq!(hit["status"], "run_cache", "the cache answers");

        // The same bytes from a bare poem server (no app, no storage, no sandbox): what moving
        // this answer over HTTP costs on its own, the ceiling for any run that returns it.
        let answer = client.post(format!("{base}/argorithms/run")).json(&body).send().await.unwrap().bytes().await.unwrap();
        let static_port = server.spawn(static_server(answer.to_vec())).await.unwrap();
        let run_url = format!("{base}/argorithms/run");
        let tiny_body = serde_json::json!({"argorithmID": "fibonacci", "parameters": {"n": 1}});
        let mut endpoints: Vec<(&str, Request)> = vec![
            ("GET /argorithm (baseline)", get(format!("{base}/argorithm"))),
            // One storage read and no sandbox: what the lookup alone costs.
            ("GET /argorithms/view/bubblesort (lookup only)", get(format!("{base}/argorithms/view/bubblesort"))),
            ("POST /argorithms/run (bubblesort, 10 elements)", post(run_url.clone(), body)),
            // A two-state trace separates the run path's fixed cost from the trace's.
            ("POST /argorithms/run (fibonacci n=1, 2 states)", post(run_url, tiny_body)),
            ("POST /argorithms/run (bubblesort, Redis cache hit)", post(cached_url, body_for_cache)),
            ("GET the bubblesort answer, bare poem server", get(format!("http://127.0.0.1:{static_port}/"))),
            // Built once per change, so a thousand records cost a copy, not a rebuild.
            ("GET /argorithms/list (1,001 records)", get(format!("{cached_base}/argorithms/list"))),
        ];
        // BENCH_CASE=<part of a label> loads only the matching endpoints, for a profiler.
        if let Ok(case) = std::env::var("BENCH_CASE") {
            endpoints.retain(|(label, _)| label.contains(case.as_str()));
        }
        // Short slices, interleaved and repeated: this VM's speed drifts by tens of percent
        // within a minute, which one long slice per endpoint turned into noise in the ratios.
        let mut rates = vec![Vec::new(); endpoints.len()];
        for _ in 0..rounds {
            for (i, (_, request)) in endpoints.iter().enumerate() {
                let request = request.clone();
                rates[i].push(load(&client, move |c| request(c), seconds).await);
            }
        }
        let medians: Vec<f64> = rates.iter_mut().map(|r| median(r)).collect();
        println!("{CLIENTS} keep-alive clients, server and clients on this machine; {rounds} interleaved rounds of {seconds} s per endpoint; medians");
        for ((label, _), rate) in endpoints.iter().zip(&medians) {
            if endpoints[0].0.contains("baseline") {
                println!("{label:<52} {rate:>9.0} req/s  {:.2} of the baseline", rate / medians[0]);
            } else {
                println!("{label:<52} {rate:>9.0} req/s");
            }
        }
        });
    drop(server_rt);
    drop(redis);
}
