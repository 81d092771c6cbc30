//! One client cannot starve the others: of sandbox slots (a share per client, queues served in
//! turn, runs stopped when their client leaves, an example's limit paid once), of the body
//! buffer (small bodies read at once while large ones stall), or of memory (answers nobody reads
//! bounded and dropped). The attacking client comes from 127.0.0.2 and the ordinary one from
//! 127.0.0.1, so that the server can tell them apart by address (accounts are off).
mod helpers;

use helpers::*;
use serde_json::{json, Value};
use std::io::Write;
use std::net::{IpAddr, TcpStream};
use std::time::{Duration, Instant};

const ATTACKER: [u8; 4] = [127, 0, 0, 2];

const SPIN: &str = "import ARgorithmToolkit\n\ndef run(**kwargs):\n    while True:\n        pass\n";

fn spin_config(id: &str) -> Vec<u8> {
    json!({"argorithmID": id, "file": "spin.py", "function": "run", "description": "loops",
           "parameters": {}, "example": {}})
    .to_string()
    .into_bytes()
}

fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::from(address)).build().unwrap()
}

async fn run_from(client: &reqwest::Client, app: &TestApp, id: &str, parameters: Value) -> reqwest::Result<reqwest::Response> {
    client.post(app.url("/argorithms/run")).json(&json!({"argorithmID": id, "parameters": parameters})).send().await
}

async fn app_with_spin_and_bubblesort(extra: &[(&str, &str)]) -> TestApp {
    let app = spawn_app_with(extra).await;
    let (source, config) = sandbox::testing::python_example("bubblesort");
    assert_eq!(app.insert("bubblesort.py", source, &config).await.status, 200);
    assert_eq!(app.insert("spin.py", SPIN.into(), &spin_config("spin")).await.status, 200);
    app
}

/// `runs` bubblesort runs one after another from the ordinary client: how many succeeded, and
/// their median time.
async fn ordinary_runs(app: &TestApp, runs: usize) -> (usize, Duration) {
    let client = client_from([127, 0, 0, 1]);
    let mut times = Vec::new();
    let mut ok = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let res = run_from(&client, app, "bubblesort_py", json!({"array": [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]})).await.unwrap();
        times.push(started.elapsed());
        if res.status() == 200 {
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["status"], "run_parameters");
            ok += 1;
        }
    }
    times.sort();
    (ok, times[times.len() / 2])
}

const SETTINGS: [(&str, &str); 2] = [("SANDBOX_CONCURRENCY", "2"), ("SANDBOX_TIMEOUT_MS", "2000")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_looping_on_eight_connections_leaves_another_clients_runs_fast() {
    let app = std::sync::Arc::new(app_with_spin_and_bubblesort(&SETTINGS).await);
    let stop = Instant::now() + Duration::from_secs(8);
    let attackers: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let client = client_from(ATTACKER);
                let mut statuses = Vec::new();
                while Instant::now() < stop {
                    statuses.push(run_from(&client, &app, "spin", json!({})).await.unwrap().status().as_u16());
                }
                statuses
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (ok, p50) = ordinary_runs(&app, 20).await;
    let mut attacker = Vec::new();
    for a in attackers {
        attacker.extend(a.await.unwrap());
    }
    println!("ordinary: {ok}/20 succeeded, p50 {p50:?}; attacker's answers: {attacker:?}");
    assert!(ok >= 18, "only {ok} of 20 ordinary runs succeeded");
    assert!(p50 < Duration::from_millis(100), "the ordinary client's median run took {p50:?}");
    assert!(attacker.contains(&429), "the attacker was told it holds its share: {attacker:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_drops_its_requests_after_50_ms_leaves_another_clients_runs_fast() {
    let app = std::sync::Arc::new(app_with_spin_and_bubblesort(&SETTINGS).await);
    let stop = Instant::now() + Duration::from_secs(8);
    let attackers: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::builder().local_address(IpAddr::from(ATTACKER)).timeout(Duration::from_millis(50)).build().unwrap();
                let mut sent = 0;
                while Instant::now() < stop {
                    let _ = run_from(&client, &app, "spin", json!({})).await;
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (ok, p50) = ordinary_runs(&app, 20).await;
    let mut sent = 0;
    for a in attackers {
        sent += a.await.unwrap();
    }
    println!("ordinary: {ok}/20 succeeded, p50 {p50:?}; the attacker sent {sent} requests");
    assert!(sent > 100, "the attacker kept sending ({sent})");
    assert!(ok >= 18, "only {ok} of 20 ordinary runs succeeded");
    assert!(p50 < Duration::from_millis(100), "the ordinary client's median run took {p50:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_whose_client_disconnects_frees_its_slot_at_once() {
    // One slot, which one client may take whole.
    let app = app_with_spin_and_bubblesort(&[("SANDBOX_CONCURRENCY", "1"), ("SANDBOX_CLIENT_SHARE", "100"), ("SANDBOX_TIMEOUT_MS", "5000"), ("SANDBOX_QUEUE_WAIT_MS", "1000")]).await;
    let leaving = reqwest::Client::builder().local_address(IpAddr::from(ATTACKER)).timeout(Duration::from_millis(200)).build().unwrap();
    assert!(run_from(&leaving, &app, "spin", json!({})).await.is_err(), "the request was given up");
    // Were the run still going, this would wait a second for the slot and get 503.
    let started = Instant::now();
    let res = app.run("bubblesort_py", json!({"array": [2, 1]})).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    assert!(started.elapsed() < Duration::from_millis(500), "the slot came free after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_example_that_breaks_a_limit_is_run_once_per_program_version() {
    let app = app_with_spin_and_bubblesort(&[("SANDBOX_TIMEOUT_MS", "400")]).await;
    let limit_hits = |metrics: &str| -> u64 {
        metrics
            .lines()
            .find(|l| l.starts_with("sandbox_limit_violations_total{kind=\"time_limit_exceeded\"}"))
            .and_then(|l| l.split_whitespace().last()?.parse().ok())
            .unwrap_or(0)
    };
    let metrics = || async { app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap() };
    let started = Instant::now();
    let first = app.run("spin", json!({})).await;
    let first_took = started.elapsed();
    assert_eq!((first.status, first.body["error"].as_str()), (422, Some("time_limit_exceeded")), "{:?}", first.body);
    assert_eq!(limit_hits(&metrics().await), 2, "the parameters' run, then the example's");
    for _ in 0..3 {
        let started = Instant::now();
        let again = app.run("spin", json!({})).await;
        assert_eq!(again.body, first.body);
        assert!(started.elapsed() < first_took - Duration::from_millis(250), "{:?}, against {first_took:?} the first time", started.elapsed());
    }
    assert_eq!(limit_hits(&metrics().await), 5, "one limit a request: the example's outcome is kept");
    // A new version of the program runs its example again.
    let res = app.update("spin.py", SPIN.replace("pass", "pass  # v2").into(), &spin_config("spin")).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    assert_eq!(app.run("spin", json!({})).await.status, 422);
    assert_eq!(limit_hits(&metrics().await), 7);
}

/// A connection that sends a head announcing `length` bytes of body and then `sent` of them.
fn stalled_body(port: u16, length: usize, sent: usize) -> std::thread::JoinHandle<TcpStream> {
    std::thread::spawn(move || {
        let socket = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let mut stream = socket;
        let head = format!("POST /argorithms/run HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b' '; 64 << 10];
        let mut written = 0;
        while written < sent {
            let n = chunk.len().min(sent - written);
            if stream.write_all(&chunk[..n]).is_err() {
                break;
            }
            written += n;
        }
        stream
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_run_answers_within_a_second_while_ten_large_bodies_stall() {
    let app = spawn_app_with(&[("BODY_STALL_SECONDS", "20")]).await;
    assert_eq!(app.insert_example("fibonacci").await.status, 200);
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    // 10 × 7.9 MB: more than the 64 MiB buffer holds, all of it sent but the last bytes.
    let stalled: Vec<_> = (0..10).map(|_| stalled_body(port, 7_900_000, 7_899_000)).collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = Instant::now();
    let res = app.run("fibonacci", json!({"n": 3})).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    assert!(started.elapsed() < Duration::from_secs(1), "a 60-byte run waited {:?} behind stalled bodies", started.elapsed());
    drop(stalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stalls_is_refused_and_frees_its_share() {
    let app = spawn_app_with(&[("BODY_STALL_SECONDS", "1")]).await;
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let mut stream = stalled_body(port, 1_000_000, 500_000).join().unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    let _ = std::io::Read::read_to_string(&mut stream, &mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:.200}");
    assert!(answer.contains("stopped for 1 s"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(3), "refused after {:?}", started.elapsed());
}

#[test]
fn answers_nobody_reads_stay_within_the_answer_buffer_and_are_dropped() {
    // An ARgorithm whose example emits 7.8 MB of states: 20,000 states of 390 bytes.
    let state = format!(r#"{{"state_type":"comment","state_def":null,"comments":"{}"}}"#, "x".repeat(390 - 55));
    assert_eq!(state.len(), 390);
    let body = format!(
        "(local $i i32) (loop $l (call $emit (i32.const 0) (i32.const {})) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 20000)))) (i32.const 0)",
        state.len()
    );
    let module = wat::parse_str(sandbox::testing::abi_module_wat("", &state, &body)).unwrap();
    let server = BinaryServer::start(&[("SEND_TIMEOUT_SECONDS", "5")]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = json!({"argorithmID": "big", "file": "big.wasm", "function": "run", "description": "big",
                        "parameters": {"n": {"description": "n", "type": "INT"}}, "example": {"n": 1}});
    let form = upload_form("big.wasm", module, config.to_string().as_bytes());
    let res = runtime.block_on(reqwest::Client::new().post(server.url("/argorithms/insert")).multipart(form).send()).unwrap();
    assert_eq!(res.status(), 200);
    // Once, read whole: the answer is 7.8 MB.
    let started = Instant::now();
    let res = runtime.block_on(reqwest::Client::new().post(server.url("/argorithms/run")).json(&json!({"argorithmID": "big", "parameters": {"n": 0}})).send()).unwrap();
    let answer = runtime.block_on(res.bytes()).unwrap();
    println!("one run of 7.8 MB took {:?}", started.elapsed());
    assert!(answer.len() > 7_800_000, "{}", answer.len());
    let idle = server.rss();

    // Each with its own parameters, so that every answer is a run of its own, 7.8 MB apiece.
    let readers_that_never_read: Vec<TcpStream> = (0..120)
        .map(|n| {
            let body = format!(r#"{{"argorithmID":"big","parameters":{{"n":{n}}}}}"#);
            let request = format!("POST /argorithms/run HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            s
        })
        .collect();
    let mut peak = 0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        peak = peak.max(server.rss());
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("RSS idle {} MiB, peak with 120 unread answers {} MiB", idle >> 20, peak >> 20);
    assert!(peak < idle + (200 << 20), "RSS went from {} MiB to {} MiB", idle >> 20, peak >> 20);
    // An ordinary request meanwhile.
    let res = runtime.block_on(reqwest::Client::new().get(server.url("/argorithm")).send()).unwrap();
    assert_eq!(res.status(), 200);
    // Past the send timeout the silent clients are gone and their answers freed.
    std::thread::sleep(Duration::from_secs(2));
    let metrics = runtime.block_on(async { reqwest::Client::new().get(server.url("/metrics")).send().await.unwrap().text().await.unwrap() });
    let closed = metrics.lines().find(|l| l.starts_with("http_connections_timed_out_total{phase=\"send\"}")).and_then(|l| l.split_whitespace().last()?.parse::<u64>().ok()).unwrap_or(0);
    assert!(closed > 0, "no silent client was disconnected:\n{metrics}");
    drop(readers_that_never_read);
}
