//! The run cache's outage log: one warning per outage, one line when Redis is back. A test
//! binary of its own: tracing caches per call site whether anyone listens, so a test thread's
//! own subscriber misses events whose call sites other tests' threads reached first.
mod helpers;

use helpers::servers::ServerProcess;
use helpers::*;
use serde_json::json;
use std::time::Duration;

const PASSWORD: &str = "test redis password";

/// Collects what the server logs on this thread.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn count(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap()).matches(needle).count()
    }
}

// One thread, so the server's tasks log into this test's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn an_outage_is_logged_once_not_per_request_and_the_recovery_once() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    const DOWN: &str = "the run cache is unavailable";
    const BACK: &str = "the run cache is reachable again";

    let mut redis = ServerProcess::redis(PASSWORD, &[]);
    let port = redis.port.to_string();
    let app = spawn_app_with(&[("CACHING", "ENABLED"), ("REDIS_HOST", "127.0.0.1"), ("REDIS_PORT", &port), ("REDIS_PASSWORD", PASSWORD)]).await;
    app.insert_example("fibonacci").await;
    app.run("fibonacci", json!({"n": 2})).await;
    assert_eq!(logs.count(DOWN), 0);

    redis.stop();
    // Requests inside the pause and after it (when Redis is tried again and fails again).
    for _ in 0..3 {
        for n in 3..6 {
            assert_eq!(app.run("fibonacci", json!({"n": n})).await.status, 200);
        }
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    assert_eq!(logs.count(DOWN), 1, "one warning for the whole outage");

    redis.restart();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.run("fibonacci", json!({"n": 2})).await;
    app.run("fibonacci", json!({"n": 2})).await;
    assert_eq!(logs.count(BACK), 1);

    redis.stop();
    app.run("fibonacci", json!({"n": 7})).await;
    assert_eq!(logs.count(DOWN), 2, "a new outage is a new warning");
}
