//! What is not part of the OpenAPI contract: Swagger UI, the request log and the rule that every
//! error answer is JSON `{"detail": ...}`.
use poem::http::{header, StatusCode};
use crate::metrics::Metrics;
use poem::web::Path;
use poem::{handler, Endpoint, IntoResponse, Request, Response};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

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

/// Pages served outside the OpenAPI contract, as route templates.
const EXTRA_ROUTES: [&str; 6] = ["/", "/openapi.json", "/docs", "/docs/{path}", "/metrics", "/player/{file}"];

/// Every route template, from the contract itself so it cannot drift.
fn templates() -> &'static [Vec<String>] {
    static TEMPLATES: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let spec: serde_json::Value = serde_json::from_str(&crate::api::service().spec()).expect("the document is JSON");
        let mut paths: Vec<String> = spec["paths"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
        paths.extend(EXTRA_ROUTES.iter().map(|s| s.to_string()));
        paths.sort();
        paths.dedup();
        paths.into_iter().map(|p| p.split('/').map(str::to_owned).collect()).collect()
    })
}

/// The route template a path belongs to (`/argorithms/view/{argorithmID}`), or `unmatched`,
/// so logs and metric labels stay few whatever URLs scanners try.
pub fn route_template(path: &str) -> String {
    if path == "/docs" || path.starts_with("/docs/") {
        return if path == "/docs" { "/docs".into() } else { "/docs/{path}".into() };
    }
    let segments: Vec<&str> = path.split('/').collect();
    templates()
        .iter()
        .find(|t| {
            t.len() == segments.len()
                && t.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        .map_or_else(|| "unmatched".to_owned(), |t| t.join("/"))
}

/// `/metrics` in the Prometheus text format, behind `METRICS_TOKEN` when it is set.
#[handler]
pub fn metrics_page(req: &Request, state: poem::web::Data<&Arc<crate::api::AppState>>) -> Response {
    if let Some(token) = &state.settings.metrics_token {
        let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
            return Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header(header::WWW_AUTHENTICATE, "Bearer")
                .content_type("application/json")
                .body(serde_json::json!({ "detail": "a valid METRICS_TOKEN bearer token is required" }).to_string());
        }
    }
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}

/// Compares without stopping at the first difference, so timing does not reveal the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
pub async fn around<E: Endpoint>(ep: Arc<E>, req: Request, body_limit: usize, metrics: Arc<Metrics>) -> poem::Result<Response> {
    let start = Instant::now();
    let method = req.method().clone();
    let route = route_template(req.uri().path());
    let labels = [route.as_str()];
    metrics.requests.with_label_values(&labels).inc();
    let in_progress = metrics.in_progress.with_label_values(&labels);
    in_progress.inc();
    // Decremented even if the client goes away and the handling is dropped.
    let _in_progress = Defer(move || in_progress.dec());
    let (mut res, exception) = match check_body_size(&req, body_limit) {
        Some(refused) => (refused, None),
        None => crate::metrics::scoped(metrics.clone(), ep.get_response(req)).await,
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
        res = Response::builder()
            .status(status)
            .content_type("application/json")
            .body(serde_json::json!({ "detail": detail }).to_string());
        for (name, value) in headers.iter() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                res.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
    let elapsed = start.elapsed();
    metrics.responses.with_label_values(&[route.as_str(), status.as_str()]).inc();
    metrics.request_seconds.with_label_values(&labels).observe(elapsed.as_secs_f64());
    if status.is_server_error() {
        metrics.exceptions.with_label_values(&[route.as_str(), exception.unwrap_or("unhandled")]).inc();
    }
    tracing::info!(
        target: "request",
        method = %method,
        route = %route,
        status = status.as_u16(),
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}

struct Defer<F: FnMut()>(F);

impl<F: FnMut()> Drop for Defer<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

#[cfg(test)]
mod tests {
    use super::route_template;

    #[test]
    fn paths_are_labelled_by_their_route_template() {
        assert_eq!(route_template("/argorithms/view/bubblesort"), "/argorithms/view/{argorithmID}");
        assert_eq!(route_template("/argorithms/run"), "/argorithms/run");
        assert_eq!(route_template("/"), "/");
        assert_eq!(route_template("/metrics"), "/metrics");
        assert_eq!(route_template("/docs/swagger-ui.css"), "/docs/{path}");
    }

    #[test]
    fn unknown_paths_share_one_label() {
        for p in ["/wp-admin", "/argorithms/view/", "/argorithms/view/a/b", "/argorithms", "/.env"] {
            assert_eq!(route_template(p), "unmatched", "{p}");
        }
    }
}
