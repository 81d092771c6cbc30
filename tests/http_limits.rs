//! What one client, anonymous or not, can hold of the server: bodies over the limit are cut off
//! whatever their framing (HTTP/2 DATA frames with no length included) with the server's memory
//! bounded by the limit, not by the body; idle, slow and kept-alive connections are closed at
//! their deadlines; a flood of connections up to the cap is shed at once and does not delay a new
//! client past the head timeout; and even hyper's own parse errors are JSON.
mod helpers;

use helpers::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A body of `total` bytes in 64 KiB chunks, with no length announced.
fn endless_body(total: usize) -> reqwest::Body {
    let chunks = total / (64 << 10);
    let stream = futures_util::stream::iter((0..chunks).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 << 10])));
    reqwest::Body::wrap_stream(stream)
}

fn h2_client() -> reqwest::Client {
    reqwest::Client::builder().http2_prior_knowledge().build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_body_over_the_limit_gets_413_with_memory_bounded_by_the_limit() {
    let server = BinaryServer::start(&[("MAX_UPLOAD_BYTES", "8388608")]);
    let client = h2_client();
    // Warm the server up, so that what it allocates on its first requests is not counted.
    client.get(server.url("/argorithm")).send().await.unwrap();
    let before = server.peak_rss();
    let res = client
        .post(server.url("/argorithms/run"))
        .header("content-type", "application/json")
        .body(endless_body(256 << 20))
        .send()
        .await;
    // The server answers and stops reading: the client sees the 413 or a reset of its stream.
    if let Ok(res) = res {
        assert_eq!(res.version(), reqwest::Version::HTTP_2);
        assert_eq!(res.status().as_u16(), 413);
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["detail"].as_str().unwrap().contains("8388608"), "{body}");
    }
    let grown = server.peak_rss().saturating_sub(before);
    assert!(grown < (8 << 20) + (24 << 20), "peak memory grew by {} MiB for a 256 MiB body", grown >> 20);
    // The same over HTTP/1.1 chunked, and the server is still answering.
    let res = reqwest::Client::new().post(server.url("/argorithms/run")).header("content-type", "application/json").body(endless_body(64 << 20)).send().await;
    if let Ok(res) = res {
        assert_eq!(res.status().as_u16(), 413);
    }
    assert_eq!(client.get(server.url("/argorithm")).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_a_large_body_is_refused_before_it_is_read() {
    let server = BinaryServer::start(&[
        ("AUTH", "ENABLED"),
        ("SECRET_KEY", SECRET_KEY),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("BCRYPT_COST", "4"),
    ]);
    let client = h2_client();
    client.get(server.url("/argorithm")).send().await.unwrap();
    let before = server.peak_rss();
    let started = Instant::now();
    let res = client.post(server.url("/argorithms/insert")).body(endless_body(128 << 20)).send().await;
    if let Ok(res) = res {
        assert_eq!(res.status().as_u16(), 401);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["detail"], "Not authenticated");
    }
    assert!(started.elapsed() < Duration::from_secs(5), "answered without reading 128 MiB: {:?}", started.elapsed());
    let grown = server.peak_rss().saturating_sub(before);
    assert!(grown < 16 << 20, "peak memory grew by {} MiB", grown >> 20);
}

#[tokio::test]
async fn a_chunked_upload_within_the_limit_is_accepted() {
    let app = spawn_app().await;
    let module = wat_module("(i32.const 0)");
    let boundary = "XyZ";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"chunked.wasm\"\r\n\r\n").as_bytes());
    body.extend_from_slice(&module);
    body.extend_from_slice(format!("\r\n--{boundary}\r\ncontent-disposition: form-data; name=\"data\"; filename=\"data\"\r\ncontent-type: application/json\r\n\r\n").as_bytes());
    body.extend_from_slice(&wat_config("chunked"));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let stream = futures_util::stream::iter(body.chunks(100).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>());
    let res = app
        .client
        .post(app.url("/argorithms/insert"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    assert_eq!(app.view("chunked").await.status, 200);
}

/// Reads until the server closes the connection; returns what it sent and when it closed, or
/// `None` if it was still open after `limit`.
fn try_read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(String, Duration)> {
    stream.set_read_timeout(Some(limit)).unwrap();
    let started = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(_) => return None,
        }
    }
    Some((String::from_utf8_lossy(&out).into_owned(), started.elapsed()))
}

fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    try_read_until_closed(stream, limit).unwrap_or_else(|| panic!("the connection was not closed within {limit:?}"))
}

fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).unwrap()
}

#[test]
fn idle_slow_and_kept_alive_connections_are_closed_at_their_deadlines() {
    let server = BinaryServer::start(&[("HEAD_TIMEOUT_SECONDS", "1"), ("IDLE_TIMEOUT_SECONDS", "2"), ("BODY_TIMEOUT_SECONDS", "1")]);
    // Opened, and nothing sent.
    let mut idle = connect(server.port);
    let (_, took) = read_until_closed(&mut idle, Duration::from_secs(5));
    assert!(took >= Duration::from_millis(900) && took < Duration::from_millis(2500), "closed after {took:?}");

    // A head sent one byte at a time: closed one head timeout after its first byte.
    let mut slow = connect(server.port);
    let started = Instant::now();
    for byte in b"GET /argorithm HTTP/1.1\r\nHost: x\r\n" {
        if slow.write_all(&[*byte]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    let (_, _) = read_until_closed(&mut slow, Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_millis(3000), "the slow head was cut off: {:?}", started.elapsed());

    // A kept-alive connection: one request answered, then closed after the idle timeout.
    let mut kept = connect(server.port);
    kept.write_all(b"GET /argorithm HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (answer, took) = read_until_closed(&mut kept, Duration::from_secs(6));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(took >= Duration::from_millis(1800) && took < Duration::from_millis(4000), "idle for {took:?}");

    // A body that trickles: 408 when the body timeout runs out.
    let mut trickle = connect(server.port);
    trickle.write_all(b"POST /argorithms/run HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{").unwrap();
    let (answer, _) = read_until_closed(&mut trickle, Duration::from_secs(6));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"detail\""), "{answer}");
}

#[test]
fn a_flood_of_idle_connections_up_to_the_cap_is_shed_and_delays_no_one_past_the_head_timeout() {
    // A head timeout long enough that the flood is still held when the next client comes,
    // however busy the machine running the tests is.
    let server = BinaryServer::start(&[("MAX_CONNECTIONS", "40"), ("HEAD_TIMEOUT_SECONDS", "4")]);
    let flood: Vec<TcpStream> = (0..40).map(|_| connect(server.port)).collect();
    std::thread::sleep(Duration::from_millis(200));
    // One more: answered at once, 503 with a JSON body, and closed.
    let started = Instant::now();
    let mut extra = connect(server.port);
    let (answer, _) = read_until_closed(&mut extra, Duration::from_secs(2));
    assert!(started.elapsed() < Duration::from_millis(500), "shed quickly: {:?}", started.elapsed());
    assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("\"detail\"") && answer.contains("retry-after: 1"), "{answer}");
    // A client that keeps trying is served within the head timeout: the flood is closed by then.
    let started = Instant::now();
    loop {
        let mut client = connect(server.port);
        let _ = client.write_all(b"GET /argorithm HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let answer = try_read_until_closed(&mut client, Duration::from_secs(2)).map(|(a, _)| a).unwrap_or_default();
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(started.elapsed() < Duration::from_millis(5500), "still refused after {:?}", started.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(flood);
}

fn raw(port: u16, request: &[u8]) -> (String, serde_json::Value) {
    let mut stream = connect(port);
    stream.write_all(request).unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5));
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (answer, serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn the_http_layers_own_errors_have_json_bodies() {
    let app = spawn_app().await;
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
    let cases: [(Vec<u8>, &str); 4] = [
        (long.into_bytes(), "HTTP/1.1 414"),
        (b"POST /argorithms/run HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\n{}".to_vec(), "HTTP/1.1 400"),
        (b"POST /argorithms/run HTTP/1.1\r\nHost: x\r\ncontent-length: five\r\n\r\n{}".to_vec(), "HTTP/1.1 400"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".to_vec(), "HTTP/1.1 400"),
    ];
    for (request, status) in cases {
        let (answer, body) = tokio::task::spawn_blocking(move || raw(port, &request)).await.unwrap();
        assert!(answer.starts_with(status), "{answer:.200}");
        assert!(answer.to_ascii_lowercase().contains("content-type: application/json"), "{answer:.300}");
        assert!(body["detail"].is_string(), "{answer:.300}");
    }
}

#[tokio::test]
async fn a_wrong_method_names_the_allowed_ones() {
    let app = spawn_app().await;
    for (path, allowed) in [("/argorithms/run", "POST"), ("/argorithms/list", "GET"), ("/argorithms/view/x", "GET"), ("/metrics", "GET")] {
        let res = app.client.put(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 405, "{path}");
        assert_eq!(res.headers()["allow"], allowed, "{path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["detail"].is_string());
    }
}
