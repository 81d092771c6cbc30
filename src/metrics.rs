//! Prometheus metrics. The `server_*` and `execution_*` names and labels are the legacy
//! server's, so dashboards built for it keep working; the rest cover the new parts.
//! One registry per application (tests run several apps in one process).
use prometheus::{
    exponential_buckets, Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub responses: IntCounterVec,
    pub request_seconds: HistogramVec,
    pub exceptions: IntCounterVec,
    pub in_progress: IntGaugeVec,
    pub executions: IntCounterVec,
    pub execution_responses: IntCounterVec,
    pub execution_ms: HistogramVec,
    pub execution_bytes: HistogramVec,
    pub sandbox_failures: IntCounterVec,
    pub cache_lookups: IntCounterVec,
    pub cache_errors: IntCounterVec,
    pub database_errors: IntCounterVec,
    /// Connections open now, refused over the cap, and closed past a deadline (by phase).
    pub connections_open: IntGauge,
    pub connections_shed: IntCounter,
    pub connections_timed_out: IntCounterVec,
    /// Request bodies refused before a handler saw them, by reason.
    pub bodies_refused: IntCounterVec,
    /// Answers replaced by a 503 because ANSWER_BUFFER_MB was taken.
    pub answers_refused: IntCounter,
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    registry.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn register<M: prometheus::core::Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
    registry.register(Box::new(metric.clone())).expect("unique metric");
    metric
}

fn histogram(registry: &Registry, name: &str, help: &str, labels: &[&str], buckets: Vec<f64>) -> HistogramVec {
    let h = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels).expect("valid metric");
    registry.register(Box::new(h.clone())).expect("unique metric");
    h
}

impl Metrics {
    pub fn new() -> Arc<Self> {
        let r = Registry::new();
        let in_progress = IntGaugeVec::new(
            Opts::new("server_requests_in_progress", "Requests being handled, by route"),
            &["path"],
        )
        .expect("valid metric");
        r.register(Box::new(in_progress.clone())).expect("unique metric");
        let metrics = Arc::new(Metrics {
            requests: counter(&r, "server_requests_total", "Requests received, by route", &["path"]),
            responses: counter(&r, "server_responses_total", "Responses sent, by route and status code", &["path", "status_code"]),
            request_seconds: histogram(
                &r,
                "server_requests_processing_time_seconds",
                "Time to answer a request, by route",
                &["path"],
                prometheus::DEFAULT_BUCKETS.to_vec(),
            ),
            exceptions: counter(
                &r,
                "server_exceptions_total",
                "Server-side failures (5xx answers), by route and kind",
                &["path", "exception_type"],
            ),
            in_progress,
            executions: counter(
                &r,
                "execution_requests_total",
                "Run requests for a known ARgorithm; parameters is PROVIDED or DEFAULT",
                &["argorithm_id", "parameters"],
            ),
            execution_responses: counter(
                &r,
                "execution_responses_total",
                "Run answers: run_parameters, run_example, run_cache, failed or busy",
                &["argorithm_id", "status"],
            ),
            execution_ms: histogram(
                &r,
                "execution_processing_time_milliseconds",
                "Time to produce a run's answer, lookup and sandbox included",
                &["argorithm_id", "status"],
                vec![0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0],
            ),
            execution_bytes: histogram(
                &r,
                "execution_response_size_bytes",
                "Size of a successful run's answer",
                &["argorithm_id"],
                exponential_buckets(128.0, 4.0, 10).expect("valid buckets"),
            ),
            sandbox_failures: counter(
                &r,
                "sandbox_limit_violations_total",
                "Runs the sandbox stopped or refused, by kind (time_limit_exceeded, memory_limit_exceeded, ..., busy, client_share)",
                &["kind"],
            ),
            cache_lookups: counter(&r, "cache_requests_total", "Run-cache lookups, by result: hit, miss or bypassed (Redis down)", &["result"]),
            cache_errors: counter(&r, "cache_errors_total", "Failed or timed-out Redis operations, by operation", &["operation"]),
            database_errors: counter(&r, "database_errors_total", "Storage operations that failed, by kind", &["kind"]),
            connections_open: register(&r, IntGauge::new("http_connections_open", "Client connections open now").expect("valid metric")),
            connections_shed: register(
                &r,
                IntCounter::new("http_connections_shed_total", "Connections refused because MAX_CONNECTIONS were open").expect("valid metric"),
            ),
            connections_timed_out: counter(
                &r,
                "http_connections_timed_out_total",
                "Connections closed past a deadline, by phase: head, idle, busy or send",
                &["phase"],
            ),
            bodies_refused: counter(
                &r,
                "http_request_bodies_refused_total",
                "Request bodies refused before a handler read them: too_large, too_slow, stalled, not_utf8, busy or broken",
                &["reason"],
            ),
            answers_refused: register(
                &r,
                IntCounter::new("http_answers_refused_total", "Answers replaced by a 503 because the answer buffer (ANSWER_BUFFER_MB) was full").expect("valid metric"),
            ),
            registry: r,
        });
        metrics.start_at_zero();
        metrics
    }

    /// Series whose label values are known in advance exist from the start at 0, so rates
    /// and dashboards work before the first event.
    fn start_at_zero(&self) {
        for kind in [
            "time_limit_exceeded",
            "memory_limit_exceeded",
            "stack_overflow",
            "output_limit_exceeded",
            "invalid_state",
            "runtime_error",
            "rejected_input",
            "invalid_module",
            "busy",
            "client_share",
        ] {
            self.sandbox_failures.with_label_values(&[kind]);
        }
        for result in ["hit", "miss", "bypassed"] {
            self.cache_lookups.with_label_values(&[result]);
        }
        for operation in ["get", "put", "invalidate"] {
            self.cache_errors.with_label_values(&[operation]);
        }
        for kind in ["unavailable", "corrupt"] {
            self.database_errors.with_label_values(&[kind]);
        }
        for phase in ["head", "idle", "busy", "send"] {
            self.connections_timed_out.with_label_values(&[phase]);
        }
        for reason in ["too_large", "too_slow", "stalled", "not_utf8", "busy", "broken"] {
            self.bodies_refused.with_label_values(&[reason]);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding cannot fail");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

/// What one request's handling knows about itself.
struct Scope {
    metrics: Arc<Metrics>,
    /// Set by the error that produced a 5xx answer, read when the answer is counted.
    exception: Cell<Option<&'static str>>,
}

tokio::task_local! {
    /// Errors raised deep in a handler name their kind here without being passed around.
    static SCOPE: Scope;
}

/// Runs a request's handling; returns its output and the kind of server-side failure, if one
/// was recorded with `exception`.
pub async fn scoped<F: Future>(metrics: Arc<Metrics>, f: F) -> (F::Output, Option<&'static str>) {
    let scope = Scope { metrics, exception: Cell::new(None) };
    SCOPE
        .scope(scope, async {
            let out = f.await;
            (out, SCOPE.with(|s| s.exception.get()))
        })
        .await
}

/// Names the kind of a server-side failure of the current request.
pub fn exception(kind: &'static str) {
    let _ = SCOPE.try_with(|s| s.exception.set(Some(kind)));
}

pub fn database_error(kind: &str) {
    let _ = SCOPE.try_with(|s| s.metrics.database_errors.with_label_values(&[kind]).inc());
}
