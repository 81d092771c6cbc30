//! What is not part of the OpenAPI contract: Swagger UI, the request log and the rule that every
//! error answer is JSON `{"detail": ...}`.
use crate::auth::{needs_token, refuse_before_body};
use crate::body::{BodyLimits, Refused};
use crate::metrics::Metrics;
use crate::settings::AuthSettings;
use poem::http::{header, StatusCode};
use tokio::sync::OwnedSemaphorePermit;
use poem::web::Path;
use poem::{handler, Endpoint, IntoResponse, Request, Response};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The document of the mode this server runs in (`api::spec_json`).
#[handler]
pub fn openapi_json(state: poem::web::Data<&Arc<crate::state::AppState>>) -> Response {
    static WITH_ACCOUNTS: OnceLock<String> = OnceLock::new();
    static WITHOUT_ACCOUNTS: OnceLock<String> = OnceLock::new();
    let enabled = state.settings.auth_enabled;
    let spec = if enabled { &WITH_ACCOUNTS } else { &WITHOUT_ACCOUNTS }.get_or_init(|| crate::api::spec_json(enabled));
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

/// Every route template with the methods it answers, from the contract itself so it cannot
/// drift (the pages outside it answer GET).
fn routes() -> &'static [(Vec<String>, String)] {
    static ROUTES: OnceLock<Vec<(Vec<String>, String)>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let spec: serde_json::Value = serde_json::from_str(&crate::api::service().spec()).expect("the document is JSON");
        let mut routes: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            let methods = item.as_object().into_iter().flatten().map(|(m, _)| m.to_uppercase());
            routes.entry(path.clone()).or_default().extend(methods);
        }
        for path in EXTRA_ROUTES {
            routes.entry(path.to_string()).or_default().push("GET".into());
        }
        routes
            .into_iter()
            .map(|(path, mut methods)| {
                methods.sort();
                methods.dedup();
                (path.split('/').map(str::to_owned).collect(), methods.join(", "))
            })
            .collect()
    })
}

/// The `Allow` header of a 405 on `route`.
fn allowed_methods(route: &str) -> Option<header::HeaderValue> {
    let segments: Vec<&str> = route.split('/').collect();
    routes()
        .iter()
        .find(|(t, _)| t.iter().map(String::as_str).eq(segments.iter().copied()))
        .and_then(|(_, methods)| header::HeaderValue::from_str(methods).ok())
}

/// The route template a path belongs to (`/argorithms/view/{argorithmID}`), or `unmatched`,
/// so logs and metric labels stay few whatever URLs scanners try.
pub fn route_template(path: &str) -> String {
    if path == "/docs" || path.starts_with("/docs/") {
        return if path == "/docs" { "/docs".into() } else { "/docs/{path}".into() };
    }
    let segments: Vec<&str> = path.split('/').collect();
    routes()
        .iter()
        .map(|(t, _)| t)
        .find(|t| {
            t.len() == segments.len()
                && t.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        .map_or_else(|| "unmatched".to_owned(), |t| t.join("/"))
}

/// `/metrics` in the Prometheus text format, behind `METRICS_TOKEN` when it is set.
#[handler]
pub fn metrics_page(req: &Request, state: poem::web::Data<&Arc<crate::state::AppState>>) -> Response {
    if let Some(token) = &state.settings.metrics_token {
        let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        // Compared in constant time, so timing does not reveal the token.
        if !given.is_some_and(|g| bool::from(subtle::ConstantTimeEq::ct_eq(g.as_bytes(), token.as_bytes()))) {
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

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// What a request goes through before its handler: the body's bounds and, with accounts on,
/// the token check that keeps an anonymous client from making the server read a large body.
pub struct Gate {
    pub body: BodyLimits,
    pub auth: Option<AuthSettings>,
    pub metrics: Arc<Metrics>,
}

fn json_error(status: StatusCode, detail: &str) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(serde_json::json!({ "detail": detail }).to_string())
}

/// Lets a request through with its body read (and the body's share of the buffer budget, held
/// until it is answered), or answers it at once.
async fn admit(req: &mut Request, route: &str, gate: &Gate) -> Result<Option<OwnedSemaphorePermit>, Response> {
    if !BodyLimits::applies_to(req) {
        return Ok(None);
    }
    let limit = gate.body.max_bytes;
    let too_large = || json_error(StatusCode::PAYLOAD_TOO_LARGE, &format!("the request body is over the limit of {limit} bytes"));
    if gate.body.announced_too_large(req) {
        gate.metrics.bodies_refused.with_label_values(&["too_large"]).inc();
        return Err(too_large());
    }
    if let Some(auth) = gate.auth.as_ref().filter(|_| needs_token(route)) {
        if let Some(why) = refuse_before_body(req.headers(), auth) {
            let mut res = json_error(StatusCode::UNAUTHORIZED, why);
            res.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            return Err(res);
        }
    }
    match gate.body.buffer(req).await {
        Ok((permit, bytes)) => {
            if takes_form(route) && is_form(req) {
                if let Err(field) = form_is_utf8(&bytes) {
                    gate.metrics.bodies_refused.with_label_values(&["not_utf8"]).inc();
                    return Err(json_error(StatusCode::UNPROCESSABLE_ENTITY, &format!("the form field {field:?} is not UTF-8 text")));
                }
            }
            Ok(Some(permit))
        }
        Err(refused) => {
            let (reason, res) = match refused {
                Refused::TooLarge => ("too_large", too_large()),
                Refused::TooSlow => (
                    "too_slow",
                    json_error(StatusCode::REQUEST_TIMEOUT, &format!("the request body did not arrive within {} s", gate.body.timeout.as_secs())),
                ),
                Refused::Stalled => (
                    "stalled",
                    json_error(StatusCode::REQUEST_TIMEOUT, &format!("the request body stopped for {} s", gate.body.stall.as_secs())),
                ),
                Refused::Busy => {
                    let mut res = json_error(StatusCode::SERVICE_UNAVAILABLE, "the server is reading as many request bodies as it can hold; try again in a moment");
                    res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
                    ("busy", res)
                }
                Refused::Broken(why) => ("broken", json_error(StatusCode::BAD_REQUEST, &format!("the request body could not be read: {why}"))),
            };
            gate.metrics.bodies_refused.with_label_values(&[reason]).inc();
            Err(res)
        }
    }
}

/// The routes whose body is a form (the OAuth2 password form); other routes answer a form 415.
fn takes_form(route: &str) -> bool {
    matches!(route, "/programmers/register" | "/programmers/login" | "/users/register" | "/users/login")
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// Every name and value of a form (`a=1&b=%C3%A9`), percent-decoded, must be UTF-8: the form
/// parser would otherwise replace what is not, and `%ff%fe@y.com` would become an account name
/// that `%80%81@y.com` also logs in as. `Err` names the first field that is not, as sent.
fn form_is_utf8(body: &[u8]) -> Result<(), String> {
    for pair in body.split(|&b| b == b'&') {
        let name = pair.split(|&b| b == b'=').next().unwrap_or_default();
        for part in pair.splitn(2, |&b| b == b'=') {
            let decoded: Vec<u8> = percent_encoding::percent_decode(part).collect();
            if std::str::from_utf8(&decoded).is_err() {
                return Err(String::from_utf8_lossy(name).chars().take(64).collect());
            }
        }
    }
    Ok(())
}

/// Logs each request and turns every non-JSON error answer (poem's own parse errors, unknown
/// routes, wrong methods, oversized bodies) into `{"detail": ...}`.
pub async fn around<E: Endpoint>(ep: Arc<E>, mut req: Request, gate: Arc<Gate>) -> poem::Result<Response> {
    let metrics = gate.metrics.clone();
    let start = Instant::now();
    let method = req.method().clone();
    let route = route_template(req.uri().path());
    let labels = [route.as_str()];
    metrics.requests.with_label_values(&labels).inc();
    let in_progress = metrics.in_progress.with_label_values(&labels);
    in_progress.inc();
    // Decremented even if the client goes away and the handling is dropped.
    let _in_progress = Defer(move || in_progress.dec());
    let (mut res, exception) = match admit(&mut req, &route, &gate).await {
        Err(refused) => (refused, None),
        Ok(budget) => {
            let answer = crate::metrics::scoped(metrics.clone(), ep.get_response(req)).await;
            drop(budget);
            answer
        }
    };
    if res.status() == StatusCode::METHOD_NOT_ALLOWED && !res.headers().contains_key(header::ALLOW) {
        if let Some(allowed) = allowed_methods(&route) {
            res.headers_mut().insert(header::ALLOW, allowed);
        }
    }
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
    use super::{form_is_utf8, route_template};

    #[test]
    fn a_form_field_that_is_not_utf8_is_named() {
        assert_eq!(form_is_utf8(b"username=ann%40x.com&password=caf%C3%A9+au+lait"), Ok(()));
        assert_eq!(form_is_utf8(b"username=%ff%fe%40y.com&password=p"), Err("username".into()));
        assert_eq!(form_is_utf8(b"a=1&pass%80word=x"), Err("pass%80word".into()));
        assert_eq!(form_is_utf8(b"x=\xff"), Err("x".into()));
        assert_eq!(form_is_utf8(b""), Ok(()));
    }

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
