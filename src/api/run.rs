//! `POST /argorithms/run`: the legacy body around what the run service answers.
use super::{client_of, ApiTags};
use crate::auth::{require, Auth};
use crate::error::{statuses, Errors, BODY_MALFORMED, BODY_TOO_LARGE, BODY_TOO_SLOW, BODY_WRONG_TYPE};
use crate::raw_json::RawJson;
use crate::runs::{Ran, RunFailure, Source};
use crate::state::AppState;
use bytes::Bytes;
use poem::web::Data;
use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use std::sync::Arc;
use std::time::Instant;
use storage_backends::{AccountKind, StorageError};

/// What the legacy clients post to run an ARgorithm.
#[derive(Object)]
struct RunRequest {
    #[oai(rename = "argorithmID")]
    argorithm_id: String,
    /// Values for the declared parameters; missing or unfit values run the example instead.
    #[oai(default)]
    parameters: Option<serde_json::Value>,
    /// Sent by old clients; ignored.
    user: Option<String>,
    /// `true` adds `lines` to the answer: where each state was made. Without it the answer is
    /// the legacy one, byte for byte.
    lines: Option<bool>,
}

/// Where one state was made.
#[derive(Object)]
struct Line {
    /// The line of the ARgorithm's file that made the state: the innermost of `frames`. Null
    /// for a state the program did not make through the toolkit, and for WebAssembly modules.
    line: Option<u32>,
    /// The author's own frames, `[function, line]`, outermost first (at most the innermost 32):
    /// the call chain that led to the state.
    frames: Vec<serde_json::Value>,
}

/// One step of the trace, as the app renders it.
#[derive(Object)]
struct State {
    state_type: String,
    /// An object, or null for comments.
    state_def: Option<serde_json::Value>,
    comments: String,
}

/// A state trace.
#[derive(Object)]
struct RunResult {
    /// `run_parameters` (the given parameters were used), `run_example` (the config's example
    /// was used instead; `detail` says why) or `run_cache` (a cached result).
    status: String,
    data: Vec<State>,
    /// Why the given parameters were not used.
    detail: Option<String>,
    /// Only when asked for (`"lines": true`): one entry per state of `data`.
    lines: Option<Vec<Line>>,
    /// Only when asked for lines, and the given parameters raised an exception (so the example
    /// ran): where, as the author's frames `[function, line]`, outermost first.
    error_at: Option<Vec<serde_json::Value>>,
}

#[derive(ApiResponse)]
enum RunResponse {
    /// The trace.
    #[oai(status = 200)]
    Ok(RawJson<RunResult>),
}

statuses!(RunStatuses {
    400 => BODY_MALFORMED,
    401 => "No valid token, or the account may not act (AUTH=ENABLED).",
    404 => "No ARgorithm with this ID.",
    408 => BODY_TOO_SLOW,
    413 => BODY_TOO_LARGE,
    415 => BODY_WRONG_TYPE,
    422 => "Neither the given parameters nor the example produced a trace; `error` names the limit or failure.",
    429 => "The client already holds its share of the sandbox (SANDBOX_CLIENT_SHARE) and other clients are waiting.",
    503 => "Every sandbox slot stayed busy for SANDBOX_QUEUE_WAIT_MS, storage is unreachable, or the server holds as many connections or request bodies as it allows; try again after Retry-After.",
});

/// The legacy status string, which is also the metric label.
fn status(source: Source) -> &'static str {
    match source {
        Source::Given => "run_parameters",
        Source::Example => "run_example",
        Source::Cache => "run_cache",
    }
}

/// `{"status":..,"data":[states],"detail":..}` (and `lines`, `error_at` when asked for) around
/// a trace that is not copied: a trace served to many clients (the example's) is one allocation.
fn answer(ran: Ran) -> RawJson<RunResult> {
    let mut parts = vec![Bytes::from(format!("{{\"status\":\"{}\",\"data\":", status(ran.source))), ran.result.trace];
    if let Some(lines) = ran.result.lines {
        parts.extend([Bytes::from_static(b",\"lines\":"), lines]);
    }
    let mut tail = String::new();
    if let Some(at) = ran.given_failed_at {
        tail.push_str(&format!(",\"error_at\":{}", serde_json::json!(at)));
    }
    if let Some(detail) = ran.example_because {
        tail.push_str(&format!(",\"detail\":{}", serde_json::Value::from(detail)));
    }
    tail.push('}');
    parts.push(Bytes::from(tail));
    RawJson::from_parts(parts)
}

pub struct RunApi;

#[OpenApi(tag = "ApiTags::Argorithms")]
impl RunApi {
    /// Runs an ARgorithm with the given parameters, or with its example when they cannot be
    /// used, and answers the state trace. With caching on, a run seen before answers
    /// `run_cache` (with `detail` when it was the example that ran).
    #[oai(path = "/argorithms/run", method = "post", operation_id = "run_argorithm")]
    async fn run(&self, state: Data<&Arc<AppState>>, auth: Auth, http: &Request, req: Json<RunRequest>) -> Result<RunResponse, Errors<RunStatuses>> {
        let who = require(&state, &auth, AccountKind::User).await?;
        let client = client_of(&state, &who, http);
        let _ = &req.user;
        let record = state.runs.find(&req.argorithm_id).await?;
        let (m, id) = (&state.metrics, record.argorithm_id.as_str());
        let started = Instant::now();
        let provided = if req.parameters.is_some() { "PROVIDED" } else { "DEFAULT" };
        m.executions.with_label_values(&[id, provided]).inc();
        let given = req.parameters.clone().unwrap_or_else(|| serde_json::json!({}));
        // Boxed: the run's future is several KB (cache, storage and sandbox calls), and every
        // layer of middleware would otherwise move it by value on each request.
        let outcome = Box::pin(state.runs.run(&client, &record, &given, req.lines.unwrap_or(false))).await;
        let label = match &outcome {
            Ok(ran) => status(ran.source),
            Err(RunFailure::Refused(_) | RunFailure::Gone | RunFailure::Storage(StorageError::Unavailable(_))) => "busy",
            Err(_) => "failed",
        };
        m.execution_responses.with_label_values(&[id, label]).inc();
        m.execution_ms.with_label_values(&[id, label]).observe(started.elapsed().as_secs_f64() * 1000.0);
        let answer = answer(outcome?);
        m.execution_bytes.with_label_values(&[id]).observe(answer.len() as f64);
        Ok(RunResponse::Ok(answer))
    }
}
