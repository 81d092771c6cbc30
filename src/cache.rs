//! The Redis cache of run results (`CACHING=ENABLED`).
//!
//! A key names the ARgorithm, the exact module and entry it ran, and the parameters in a
//! canonical form, so an update can never serve an old trace even if invalidation missed an
//! entry. Each ARgorithm's keys are also listed in a set so update and delete can remove them
//! without scanning the keyspace. Redis is an optimisation: when it fails or is slow the run is
//! computed as if caching were off, the outage is logged once, and the cache is retried after
//! a short pause.
use crate::metrics::Metrics;
use crate::settings::CacheSettings;
use crate::traced::Traced;
use bytes::Bytes;
use deadpool_redis::{redis, Config, ConnectionAddr, ConnectionInfo, Pool, RedisConnectionInfo, Runtime};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use storage_backends::ArgorithmRecord;

/// Past this size a cached trace is checked off the async threads.
const LARGE_TRACE: usize = 256 << 10;

/// How long the cache is left alone after a failure before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// Keys removed per round trip when invalidating.
const BATCH: usize = 500;

pub struct RunCache {
    pool: Pool,
    settings: CacheSettings,
    metrics: Arc<Metrics>,
    /// When the current outage began to be noticed; `None` while Redis answers.
    down_since: Mutex<Option<Instant>>,
}

/// JSON with object keys sorted and no whitespace, so equal parameters give equal keys.
pub fn canonical_json(v: &Value) -> String {
    let mut sorted = v.clone();
    // (serde_json keeps insertion order here: a dependency turns its preserve_order on.)
    sorted.sort_all_objects();
    sorted.to_string()
}

fn index_key(argorithm_id: &str) -> String {
    format!("argorithm:keys:{argorithm_id}")
}

/// The key of one run: ARgorithm, module content, entry and canonical parameters, and whether
/// it was asked for lines (a run with lines and one without never share an entry).
pub fn entry_key(record: &ArgorithmRecord, params: &Value, lines: bool) -> String {
    let mut h = Sha256::new();
    for part in [record.module_hash.as_str(), record.function.as_str(), &canonical_json(params)] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let kind = if lines { "run+lines" } else { "run" };
    format!("argorithm:{kind}:{}:{}", record.argorithm_id, hex::encode(h.finalize()))
}

/// What a run with lines keeps: its trace and its lines, in one value.
#[derive(serde::Serialize, serde::Deserialize)]
struct WithLines<'a> {
    #[serde(borrow)]
    data: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    lines: &'a serde_json::value::RawValue,
}

/// A stored value, checked as what its key says it is, before it reaches a client.
fn checked(value: String, lines: bool) -> Option<Traced> {
    if !lines {
        return sandbox::is_trace_json(&value).then(|| Traced { trace: Bytes::from(value), lines: None });
    }
    let pair: WithLines = serde_json::from_str(&value).ok()?;
    let (data, lines) = (pair.data.get(), pair.lines.get());
    let states = serde_json::from_str::<Vec<&serde_json::value::RawValue>>(data).ok()?.len();
    (sandbox::is_trace_json(data) && sandbox::is_lines_json(lines, states))
        .then(|| Traced { trace: Bytes::copy_from_slice(data.as_bytes()), lines: Some(Bytes::copy_from_slice(lines.as_bytes())) })
}

/// The value stored for a result.
fn stored(result: &Traced) -> String {
    let text = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
    match &result.lines {
        None => text(&result.trace),
        Some(lines) => format!("{{\"data\":{},\"lines\":{}}}", text(&result.trace), text(lines)),
    }
}

impl RunCache {
    pub fn new(settings: CacheSettings, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        let connection = ConnectionInfo {
            addr: ConnectionAddr::Tcp(settings.host.clone(), settings.port),
            redis: RedisConnectionInfo { password: settings.password.clone(), ..Default::default() },
        };
        let pool = Config::from_connection_info(connection).create_pool(Some(Runtime::Tokio1))?;
        Ok(RunCache { pool, settings, metrics, down_since: Mutex::new(None) })
    }

    pub fn describe(&self) -> String {
        format!("Redis at {}:{}", self.settings.host, self.settings.port)
    }

    fn resting(&self) -> bool {
        let down = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
        down.is_some_and(|since| since.elapsed() < RETRY_AFTER)
    }

    fn succeeded(&self) {
        let mut down = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
        if down.take().is_some() {
            tracing::info!(cache = %self.describe(), "the run cache is reachable again; caching resumes");
        }
    }

    fn failed(&self, operation: &'static str, why: &str) {
        self.metrics.cache_errors.with_label_values(&[operation]).inc();
        let mut down = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
        if down.is_none() {
            tracing::warn!(cache = %self.describe(), operation, error = %why, "the run cache is unavailable; runs go on without it");
        }
        *down = Some(Instant::now());
    }

    /// One Redis operation under the timeout; `None` when it failed (already counted and logged).
    async fn attempt<T, F, Fut>(&self, operation: &'static str, f: F) -> Option<T>
    where
        F: FnOnce(deadpool_redis::Connection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if self.resting() {
            return None;
        }
        let work = async {
            let conn = self.pool.get().await.map_err(|e| e.to_string())?;
            f(conn).await.map_err(|e| e.to_string())
        };
        match tokio::time::timeout(self.settings.timeout, work).await {
            Ok(Ok(v)) => {
                self.succeeded();
                Some(v)
            }
            Ok(Err(why)) => {
                self.failed(operation, &why);
                None
            }
            Err(_) => {
                self.failed(operation, &format!("no answer within {} ms", self.settings.timeout.as_millis()));
                None
            }
        }
    }

    /// The cached result of this run, if any; `lines` is what the key was made with.
    pub async fn get(&self, key: &str, lines: bool) -> Option<Traced> {
        let lookups = &self.metrics.cache_lookups;
        if self.resting() {
            lookups.with_label_values(&["bypassed"]).inc();
            return None;
        }
        let found = self
            .attempt("get", |mut conn| async move {
                redis::cmd("GET").arg(key).query_async::<Option<String>>(&mut conn).await
            })
            .await;
        let Some(found) = found else {
            lookups.with_label_values(&["bypassed"]).inc();
            return None;
        };
        // Whatever is in Redis is re-checked as a trace before it reaches a client. A trace can
        // be megabytes, and checking one that large would hold an executor thread for
        // milliseconds.
        let found = match found {
            Some(v) if v.len() > LARGE_TRACE => tokio::task::spawn_blocking(move || checked(v, lines)).await.ok().flatten(),
            Some(v) => checked(v, lines),
            None => None,
        };
        lookups.with_label_values(&[if found.is_some() { "hit" } else { "miss" }]).inc();
        found
    }

    /// Stores a successful run's result and lists its key under the ARgorithm.
    pub async fn put(&self, argorithm_id: &str, key: &str, result: &Traced) {
        let trace_json = stored(result);
        let trace_json = trace_json.as_str();
        let ttl = self.settings.ttl.as_secs().max(1);
        let index = index_key(argorithm_id);
        self.attempt("put", |mut conn| async move {
            redis::pipe()
                .cmd("SET").arg(key).arg(trace_json).arg("EX").arg(ttl).ignore()
                .cmd("SADD").arg(&index).arg(key).ignore()
                .cmd("EXPIRE").arg(&index).arg(ttl).ignore()
                .query_async::<()>(&mut conn)
                .await
        })
        .await;
    }

    /// Removes every entry of an ARgorithm, a batch at a time (SSCAN, then UNLINK, which
    /// frees memory off Redis's main thread).
    pub async fn invalidate(&self, argorithm_id: &str) {
        let index = index_key(argorithm_id);
        let removed = self
            .attempt("invalidate", |mut conn| async move {
                let mut cursor: u64 = 0;
                loop {
                    let (next, keys): (u64, Vec<String>) = redis::cmd("SSCAN")
                        .arg(&index)
                        .arg(cursor)
                        .arg("COUNT")
                        .arg(BATCH)
                        .query_async(&mut conn)
                        .await?;
                    if !keys.is_empty() {
                        redis::cmd("UNLINK").arg(&keys).query_async::<()>(&mut conn).await?;
                    }
                    cursor = next;
                    if cursor == 0 {
                        break;
                    }
                }
                redis::cmd("UNLINK").arg(&index).query_async::<()>(&mut conn).await
            })
            .await;
        if removed.is_none() {
            // Safe to leave: keys carry the module hash, so an update never serves them, and
            // a deleted ARgorithm's entries age out of the LRU.
            tracing::warn!(argorithm_id, "could not remove the ARgorithm's cached runs");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_ignores_key_order_and_whitespace() {
        let a: Value = serde_json::from_str(r#"{"b": [1, {"y":2,"x":1}], "a": "s"}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":"s","b":[1,{"x":1,"y":2}]}"#).unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&a), r#"{"a":"s","b":[1,{"x":1,"y":2}]}"#);
    }

    #[test]
    fn canonical_json_keeps_array_order_and_types() {
        assert_ne!(canonical_json(&json!([1, 2])), canonical_json(&json!([2, 1])));
        assert_ne!(canonical_json(&json!({"n": 1})), canonical_json(&json!({"n": "1"})));
    }
}
