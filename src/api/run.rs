use super::{ApiTags, AppState};
use crate::argorithm_config::parameters_fit;
use crate::auth::{require, Auth};
use crate::error::ApiError;
use crate::raw_json::RawJson;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use sandbox::{RunError, Trace};
use std::sync::Arc;
use storage_backends::AccountKind;

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

fn body(status: &str, trace: &Trace, detail: Option<&str>) -> RawJson<RunResult> {
    let mut out = format!("{{\"status\":\"{status}\",\"data\":{}", trace.to_json_array());
    if let Some(detail) = detail {
        out.push_str(",\"detail\":");
        out.push_str(&serde_json::Value::from(detail).to_string());
    }
    out.push('}');
    RawJson::new(out)
}

fn busy() -> ApiError {
    ApiError::busy("the server is running as many ARgorithms as it can; try again in a moment", 1)
}

pub struct RunApi;

#[OpenApi(tag = "ApiTags::Argorithms")]
impl RunApi {
    /// Runs an ARgorithm with the given parameters, or with its example when they cannot be
    /// used, and answers the state trace.
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
        let compiled = state.runner.compiled_for(state.storage.as_ref(), &record).await?;
        let entry = &record.function;

        let given = req.parameters.clone().unwrap_or_else(|| serde_json::json!({}));
        let why_not = match parameters_fit(&record.parameters, &given) {
            Ok(()) => match state.runner.run(compiled.clone(), entry, given.to_string().into_bytes()).await {
                Ok(trace) => return Ok(RunResponse::Ok(body("run_parameters", &trace, None))),
                Err(RunError::Busy) => return Err(busy()),
                Err(e) => e.to_string(),
            },
            Err(unfit) => format!("the parameters do not fit the ARgorithm: {unfit}"),
        };
        match state.runner.run(compiled, entry, record.example.to_string().into_bytes()).await {
            Ok(trace) => Ok(RunResponse::Ok(body("run_example", &trace, Some(&why_not)))),
            Err(RunError::Busy) => Err(busy()),
            Err(e) => Err(ApiError::run_failed(&e)),
        }
    }
}
