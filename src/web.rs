//! What is not part of the OpenAPI contract: the landing page, Swagger UI, the request log and
//! the rule that every error answer is JSON `{"detail": ...}`.
use poem::http::{header, StatusCode};
use poem::PathPattern;
use poem::web::Path;
use poem::{handler, Endpoint, IntoResponse, Request, Response};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

pub const LANDING: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ARgorithm Server</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>ARgorithm Server</h1>
<p>This service stores and runs <em>ARgorithms</em>: small WebAssembly programs that emit the
state trace of an algorithm, which the ARgorithm AR app plays back step by step.</p>
<ul>
<li><a href="/docs/">API documentation (Swagger UI)</a></li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/argorithms/list">Published ARgorithms</a></li>
</ul>
</body></html>
"#;

#[handler]
pub fn openapi_json() -> Response {
    static SPEC: OnceLock<String> = OnceLock::new();
    let spec = SPEC.get_or_init(|| crate::api::service().spec());
    Response::builder().content_type("application/json").body(spec.clone())
}

fn swagger_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG.get_or_init(|| Arc::new(utoipa_swagger_ui::Config::from("/openapi.json"))).clone()
}

fn swagger_file(path: &str) -> Response {
    match utoipa_swagger_ui::serve(path, swagger_config()) {
        Ok(Some(file)) => Response::builder()
            .content_type(file.content_type)
            .body(file.bytes.into_owned()),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "swagger ui");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[handler]
pub fn docs_index() -> Response {
    swagger_file("")
}

#[handler]
pub fn docs_redirect() -> Response {
    Response::builder().status(StatusCode::PERMANENT_REDIRECT).header(header::LOCATION, "/docs/").finish()
}

#[handler]
pub fn docs_file(Path(path): Path<String>) -> Response {
    swagger_file(&path)
}

/// poem writes `:name`; the log and metrics use the OpenAPI form `{name}`.
fn route_label(res: &Response) -> String {
    match res.data::<PathPattern>() {
        Some(p) => p
            .0
            .split('/')
            .map(|seg| match seg.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => seg.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/"),
        None => "unmatched".to_owned(),
    }
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Refuses a body over `limit` before reading it: by its Content-Length, which every request
/// with a body must then carry (chunked bodies of unknown size could not be refused in time).
pub fn check_body_size(req: &Request, limit: usize) -> Option<Response> {
    if matches!(*req.method(), poem::http::Method::GET | poem::http::Method::HEAD | poem::http::Method::OPTIONS) {
        return None;
    }
    let length = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let (status, detail) = match length {
        None if req.headers().contains_key(header::TRANSFER_ENCODING) => {
            (StatusCode::LENGTH_REQUIRED, "a request body must have a Content-Length".to_owned())
        }
        Some(n) if n > limit as u64 => {
            (StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is over the limit of {limit} bytes"))
        }
        _ => return None,
    };
    Some(
        Response::builder()
            .status(status)
            .content_type("application/json")
            .body(serde_json::json!({ "detail": detail }).to_string()),
    )
}

/// Logs each request and turns every non-JSON error answer (poem's own parse errors, unknown
/// routes, wrong methods, oversized bodies) into `{"detail": ...}`.
pub async fn around<E: Endpoint>(ep: Arc<E>, req: Request, body_limit: usize) -> poem::Result<Response> {
    let start = Instant::now();
    let method = req.method().clone();
    let mut res = match check_body_size(&req, body_limit) {
        Some(refused) => refused,
        None => ep.get_response(req).await,
    };
    let status = res.status();
    if (status.is_client_error() || status.is_server_error()) && !is_json(&res) {
        let text = res.take_body().into_string().await.unwrap_or_default();
        let detail = if text.trim().is_empty() {
            status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            text
        };
        let headers = res.headers().clone();
        let pattern = res.data::<PathPattern>().cloned();
        res = Response::builder()
            .status(status)
            .content_type("application/json")
            .body(serde_json::json!({ "detail": detail }).to_string());
        for (name, value) in headers.iter() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                res.headers_mut().insert(name.clone(), value.clone());
            }
        }
        if let Some(p) = pattern {
            res.set_data(p);
        }
    }
    let route = route_label(&res);
    tracing::info!(
        target: "request",
        method = %method,
        route = %route,
        status = status.as_u16(),
        duration_ms = start.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}
