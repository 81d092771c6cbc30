use super::{ApiTags, AppState};
use crate::argorithm_config::parameters_fit;
use crate::auth::{require, Auth};
use crate::error::ApiError;
use crate::raw_json::RawJson;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use crate::cache;
use crate::runner::busy;
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

fn body(status: &str, data: &str, detail: Option<&str>) -> String {
    let mut out = format!("{{\"status\":\"{status}\",\"data\":{data}");
    if let Some(detail) = detail {
        out.push_str(",\"detail\":");
        out.push_str(&serde_json::Value::from(detail).to_string());
    }
    out.push('}');
    out
}

/// A run's answer and the status label it is counted under.
type Outcome = Result<(&'static str, String), ApiError>;

/// Runs one set of parameters through the cache (when on) and the sandbox. `Ok(None)` is a
/// failed run, with its error, for the caller to fall back or report.
async fn run_through_cache(
    state: &AppState,
    record: &ArgorithmRecord,
    compiled: &mut Option<Arc<Compiled>>,
    params: &serde_json::Value,
) -> Result<Result<(bool, String), RunError>, ApiError> {
    let key = state.cache.as_ref().map(|_| cache::entry_key(record, params));
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        if let Some(data) = cache.get(key).await {
            return Ok(Ok((true, data)));
        }
    }
    let module = match compiled {
        Some(m) => m.clone(),
        None => compiled.insert(state.runner.compiled_for(state.storage.as_ref(), record).await?).clone(),
    };
    let outcome = state.runner.run(module, &record.function, params.to_string().into_bytes()).await;
    let trace = match outcome {
        Ok(trace) => trace.to_json_array(),
        Err(e) => {
            state.metrics.sandbox_failures.with_label_values(&[e.kind()]).inc();
            return Ok(Err(e));
        }
    };
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        cache.put(&record.argorithm_id, key, &trace).await;
    }
    Ok(Ok((false, trace)))
}

async fn run_record(state: &AppState, record: &ArgorithmRecord, given: &serde_json::Value) -> Outcome {
    let mut compiled = None;
    let why_not = match parameters_fit(&record.parameters, given) {
        Ok(()) => match run_through_cache(state, record, &mut compiled, given).await? {
            Ok((true, data)) => return Ok(("run_cache", body("run_cache", &data, None))),
            Ok((false, data)) => return Ok(("run_parameters", body("run_parameters", &data, None))),
            Err(RunError::Busy) => return Err(busy()),
            Err(e) => e.to_string(),
        },
        Err(unfit) => format!("the parameters do not fit the ARgorithm: {unfit}"),
    };
    match run_through_cache(state, record, &mut compiled, &record.example).await? {
        Ok((true, data)) => Ok(("run_cache", body("run_cache", &data, Some(&why_not)))),
        Ok((false, data)) => Ok(("run_example", body("run_example", &data, Some(&why_not)))),
        Err(RunError::Busy) => Err(busy()),
        Err(e) => Err(ApiError::run_failed(&e)),
    }
}

pub struct RunApi;

#[OpenApi(tag = "ApiTags::Argorithms")]
impl RunApi {
    /// Runs an ARgorithm with the given parameters, or with its example when they cannot be
    /// used, and answers the state trace. With caching on, a run seen before answers
    /// `run_cache` (with `detail` when it was the example that ran).
    #[oai(path = "/argorithms/run", method = "post", operation_id = "run_argorithm")]
    async fn run(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<RunRequest>) -> Result<RunResponse, ApiError> {
        require(&state, &auth, AccountKind::User).await?;
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
        let outcome = Box::pin(run_record(&state, &record, &given)).await;
        let label = match &outcome {
            Ok((status, _)) => status,
            Err(ApiError::Unavailable(..)) => "busy",
            Err(_) => "failed",
        };
        m.execution_responses.with_label_values(&[id, label]).inc();
        m.execution_ms.with_label_values(&[id, label]).observe(started.elapsed().as_secs_f64() * 1000.0);
        let (_, answer) = outcome?;
        m.execution_bytes.with_label_values(&[id]).observe(answer.len() as f64);
        Ok(RunResponse::Ok(RawJson::new(answer)))
    }
}
