use super::{client_of, ApiTags, AppState};
use crate::argorithm_config::parameters_fit;
use crate::auth::{require, Auth};
use crate::error::ApiError;
use crate::raw_json::RawJson;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use crate::cache;
use crate::client::ClientId;
use crate::fair::Refusal;
use crate::runner::{busy, refused, RunFailure};
use bytes::Bytes;
use poem::Request;
use sandbox::{Compiled, RunError};
use std::sync::Arc;
use std::time::Instant;
use storage_backends::{AccountKind, ArgorithmRecord};

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
}

#[derive(ApiResponse)]
enum RunResponse {
    /// The trace.
    #[oai(status = 200)]
    Ok(RawJson<RunResult>),
}

/// The legacy answer, `{"status":..,"data":[states],"detail":..}`, around a trace that is not
/// copied: a trace served to many clients (the example's) is one allocation.
fn answer(status: &str, trace: Bytes, detail: Option<&str>) -> RawJson<RunResult> {
    let head = Bytes::from(format!("{{\"status\":\"{status}\",\"data\":"));
    let tail = match detail {
        Some(detail) => Bytes::from(format!(",\"detail\":{}}}", serde_json::Value::from(detail))),
        None => Bytes::from_static(b"}"),
    };
    RawJson::from_parts(vec![head, trace, tail])
}

/// A run's answer and the status label it is counted under.
type Outcome = Result<(&'static str, RawJson<RunResult>), ApiError>;

/// The trace of a run that fell through to an error; `Failed` leads to the example.
enum Given {
    Cached(Bytes),
    Ran(Bytes),
    Failed(RunError),
}

/// The module of `record`, compiled once per request at most.
async fn module(state: &AppState, client: &ClientId, record: &ArgorithmRecord, compiled: &mut Option<Arc<Compiled>>) -> Result<Arc<Compiled>, ApiError> {
    if let Some(m) = compiled {
        return Ok(m.clone());
    }
    Ok(compiled.insert(state.runner.compiled_for(client.clone(), state.storage.as_ref(), record).await?).clone())
}

fn sandbox_failure(state: &AppState, failure: RunFailure) -> Result<RunError, ApiError> {
    match failure {
        RunFailure::Refused(refusal) => {
            let kind = match refusal {
                Refusal::Busy => "busy",
                Refusal::OverShare => "client_share",
            };
            state.metrics.sandbox_failures.with_label_values(&[kind]).inc();
            Err(refused(refusal))
        }
        // The client went away; nobody reads this answer.
        RunFailure::Failed(RunError::Cancelled) => Err(busy()),
        RunFailure::Failed(e) => {
            state.metrics.sandbox_failures.with_label_values(&[e.kind()]).inc();
            Ok(e)
        }
    }
}

/// The given parameters, through the Redis cache when it is on.
async fn run_given(state: &AppState, client: &ClientId, record: &ArgorithmRecord, compiled: &mut Option<Arc<Compiled>>, params: &serde_json::Value) -> Result<Given, ApiError> {
    let key = state.cache.as_ref().map(|_| cache::entry_key(record, params));
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        if let Some(data) = cache.get(key).await {
            return Ok(Given::Cached(Bytes::from(data)));
        }
    }
    let module = module(state, client, record, compiled).await?;
    let trace = match state.runner.run(client.clone(), module, &record.function, params.to_string().into_bytes()).await {
        Ok(trace) => trace.to_json_array(),
        Err(failure) => return Ok(Given::Failed(sandbox_failure(state, failure)?)),
    };
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        cache.put(&record.argorithm_id, key, &trace).await;
    }
    Ok(Given::Ran(Bytes::from(trace)))
}

/// The example's trace: from Redis when caching is on, else from the outcome kept for this
/// program version, computed the first time it is needed (`example_traces.rs`).
async fn run_example(state: &AppState, client: &ClientId, record: &ArgorithmRecord, compiled: &mut Option<Arc<Compiled>>, why_not: &str) -> Outcome {
    let key = state.cache.as_ref().map(|_| cache::entry_key(record, &record.example));
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        if let Some(data) = cache.get(key).await {
            return Ok(("run_cache", answer("run_cache", Bytes::from(data), Some(why_not))));
        }
    }
    let outcome = state
        .examples
        .get_or_run(record, async {
            let module = module(state, client, record, compiled).await?;
            match state.runner.run(client.clone(), module, &record.function, record.example.to_string().into_bytes()).await {
                Ok(trace) => Ok(Ok(Bytes::from(trace.to_json_array()))),
                Err(failure) => sandbox_failure(state, failure).map(Err),
            }
        })
        .await
        .map_err(|e| e.as_ref().clone())?;
    match outcome.as_ref() {
        Ok(trace) => {
            if let (Some(cache), Some(key)) = (&state.cache, &key) {
                cache.put(&record.argorithm_id, key, std::str::from_utf8(trace).unwrap_or_default()).await;
            }
            Ok(("run_example", answer("run_example", trace.clone(), Some(why_not))))
        }
        Err(e) => Err(ApiError::run_failed(e)),
    }
}

async fn run_record(state: &AppState, client: &ClientId, record: &ArgorithmRecord, given: &serde_json::Value) -> Outcome {
    let mut compiled = None;
    let why_not = match parameters_fit(&record.parameters, given) {
        Ok(()) => match run_given(state, client, record, &mut compiled, given).await? {
            Given::Cached(data) => return Ok(("run_cache", answer("run_cache", data, None))),
            Given::Ran(data) => return Ok(("run_parameters", answer("run_parameters", data, None))),
            Given::Failed(e) => e.to_string(),
        },
        Err(unfit) => format!("the parameters do not fit the ARgorithm: {unfit}"),
    };
    run_example(state, client, record, &mut compiled, &why_not).await
}

pub struct RunApi;

#[OpenApi(tag = "ApiTags::Argorithms")]
impl RunApi {
    /// Runs an ARgorithm with the given parameters, or with its example when they cannot be
    /// used, and answers the state trace. With caching on, a run seen before answers
    /// `run_cache` (with `detail` when it was the example that ran).
    #[oai(path = "/argorithms/run", method = "post", operation_id = "run_argorithm")]
    async fn run(&self, state: Data<&Arc<AppState>>, auth: Auth, http: &Request, req: Json<RunRequest>) -> Result<RunResponse, ApiError> {
        let who = require(&state, &auth, AccountKind::User).await?;
        let client = client_of(&state, &who, http);
        let _ = &req.user;
        let record = state
            .storage
            .get_argorithm(&req.argorithm_id)
            .await
            .map_err(|e| ApiError::from_storage(e, "argorithm"))?
            .ok_or_else(|| ApiError::not_found("argorithm not found"))?;
        let started = Instant::now();
        let m = &state.metrics;
        let id = record.argorithm_id.as_str();
        let provided = if req.parameters.is_some() { "PROVIDED" } else { "DEFAULT" };
        m.executions.with_label_values(&[id, provided]).inc();
        let given = req.parameters.clone().unwrap_or_else(|| serde_json::json!({}));
        // Boxed: the run's future is several KB (cache, storage and sandbox calls), and every
        // layer of middleware would otherwise move it by value on each request.
        let outcome = Box::pin(run_record(&state, &client, &record, &given)).await;
        let label = match &outcome {
            Ok((status, _)) => status,
            Err(ApiError::Unavailable(..) | ApiError::TooManyRequests(..)) => "busy",
            Err(_) => "failed",
        };
        m.execution_responses.with_label_values(&[id, label]).inc();
        m.execution_ms.with_label_values(&[id, label]).observe(started.elapsed().as_secs_f64() * 1000.0);
        let (_, answer) = outcome?;
        m.execution_bytes.with_label_values(&[id]).observe(answer.len() as f64);
        Ok(RunResponse::Ok(answer))
    }
}
