//! Errors, and how they become HTTP answers, in one place. `ApiError` is what handlers and the
//! services below them fail with; storage, compile and run failures become one here (`From`).
//! Each operation declares the statuses it can answer (`statuses!`), which is what the OpenAPI
//! document lists for it. Internal causes are logged here and never sent to clients.
use crate::fair::Refusal;
use crate::runs::RunFailure;
use crate::sandbox_slots::CompileFailure;
use poem::http::{header, HeaderValue, StatusCode};
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::{ToJSON, Type};
use poem_openapi::{ApiResponse, Object};
use sandbox::{ModuleError, RunError};
use std::marker::PhantomData;
use storage_backends::StorageError;

/// Every error answer: `{"detail": "..."}` (the legacy clients print `detail`).
#[derive(Object, Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// A sentence for a person.
    pub detail: String,
}

/// A request that was understood but cannot be carried out: an unusable email or password,
/// or an ARgorithm whose example itself fails to run.
#[derive(Object, Debug, Clone)]
pub struct Unprocessable {
    /// A sentence for a person.
    pub detail: String,
    /// For failed runs: time_limit_exceeded, memory_limit_exceeded, stack_overflow,
    /// output_limit_exceeded, invalid_state, runtime_error, rejected_input or invalid_module.
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
    /// For a run asked for `lines` whose example raised an exception: where, as the author's
    /// frames `[function, line]`, outermost first.
    #[oai(skip_serializing_if_is_none)]
    pub error_at: Option<serde_json::Value>,
}

/// Why an operation failed; `status()` is its HTTP status.
#[derive(Debug, Clone)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    NotAllowed(String),
    NotAcceptable(String),
    Conflict(String),
    TooLarge(String),
    Unprocessable(Unprocessable),
    /// With the seconds to wait before retrying.
    TooManyRequests(String, u32),
    Unavailable(String, u32),
    Internal,
}

impl ApiError {
    pub fn bad_request(s: impl Into<String>) -> Self {
        ApiError::BadRequest(s.into())
    }
    pub fn unauthorized(s: impl Into<String>) -> Self {
        ApiError::Unauthorized(s.into())
    }
    pub fn unprocessable(s: impl Into<String>) -> Self {
        ApiError::Unprocessable(Unprocessable { detail: s.into(), error: None, error_at: None })
    }
    pub fn forbidden(s: impl Into<String>) -> Self {
        ApiError::Forbidden(s.into())
    }
    pub fn not_found(s: impl Into<String>) -> Self {
        ApiError::NotFound(s.into())
    }
    pub fn not_allowed(s: impl Into<String>) -> Self {
        ApiError::NotAllowed(s.into())
    }
    pub fn not_acceptable(s: impl Into<String>) -> Self {
        ApiError::NotAcceptable(s.into())
    }
    pub fn conflict(s: impl Into<String>) -> Self {
        ApiError::Conflict(s.into())
    }
    pub fn too_large(s: impl Into<String>) -> Self {
        ApiError::TooLarge(s.into())
    }
    pub fn busy(s: impl Into<String>, retry_after_secs: u32) -> Self {
        crate::metrics::exception("busy");
        ApiError::Unavailable(s.into(), retry_after_secs)
    }
    pub fn too_many_requests(s: impl Into<String>, retry_after_secs: u32) -> Self {
        ApiError::TooManyRequests(s.into(), retry_after_secs)
    }
    /// Logs the cause and answers without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        crate::metrics::exception("internal");
        ApiError::Internal
    }

    /// Conflicts and missing records are the caller's business; outages are logged.
    pub fn from_storage(e: StorageError, what: &str) -> Self {
        match e {
            StorageError::Conflict => Self::conflict(format!("{what} already exists")),
            StorageError::NotFound => Self::not_found(format!("{what} not found")),
            StorageError::Unavailable(cause) => {
                tracing::error!(%cause, "storage unavailable");
                crate::metrics::database_error("unavailable");
                crate::metrics::exception("storage_unavailable");
                ApiError::Unavailable("storage is unavailable; try again shortly".into(), 5)
            }
            StorageError::Corrupt(cause) => {
                crate::metrics::database_error("corrupt");
                Self::internal(cause)
            }
        }
    }

    /// Neither the given parameters nor the example ran.
    pub fn run_failed(e: &RunError) -> Self {
        ApiError::Unprocessable(Unprocessable {
            detail: format!("Neither the given parameters nor the example could be run: {e}"),
            error: Some(e.kind().to_owned()),
            error_at: match e {
                RunError::RuntimeError { at, .. } if !at.is_empty() => Some(serde_json::json!(at)),
                _ => None,
            },
        })
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::NotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(..) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// No sandbox slot for the client now.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Busy => ApiError::busy("the server is running as many ARgorithms as it can; try again in a moment", 1),
            Refusal::OverShare => ApiError::too_many_requests(
                "you are already running as many ARgorithms as one client may at once; try again in a moment",
                1,
            ),
        }
    }
}

/// An upload the sandbox refused.
impl From<ModuleError> for ApiError {
    fn from(e: ModuleError) -> Self {
        match e {
            ModuleError::Busy => Refusal::Busy.into(),
            ModuleError::TooLarge(why) => ApiError::too_large(why),
            e => ApiError::bad_request(e.to_string()),
        }
    }
}

/// An upload that did not compile.
impl From<CompileFailure> for ApiError {
    fn from(failure: CompileFailure) -> Self {
        match failure {
            CompileFailure::Refused(refusal) => refusal.into(),
            CompileFailure::Invalid(e) => e.into(),
            CompileFailure::Lost(why) => ApiError::internal(format!("a compile was lost: {why}")),
        }
    }
}

/// A run that produced no trace, its example included.
impl From<RunFailure> for ApiError {
    fn from(failure: RunFailure) -> Self {
        match failure {
            RunFailure::NotFound => ApiError::not_found("argorithm not found"),
            RunFailure::Refused(refusal) => refusal.into(),
            // The client went away; nobody reads this answer.
            RunFailure::Gone => Refusal::Busy.into(),
            RunFailure::Failed(e) => ApiError::run_failed(&e),
            RunFailure::Storage(e) => ApiError::from_storage(e, "argorithm"),
            RunFailure::Lost(why) => ApiError::internal(format!("a compile was lost: {why}")),
        }
    }
}

/// The legacy answer: `{"detail": ...}` (and `error` for a failed run), as JSON.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (body, retry_after) = match self {
            ApiError::Unprocessable(u) => (u.to_json_string(), None),
            ApiError::TooManyRequests(detail, secs) | ApiError::Unavailable(detail, secs) => (Detail { detail }.to_json_string(), Some(secs)),
            ApiError::Internal => (Detail { detail: "internal error; the cause is in the server log".into() }.to_json_string(), None),
            ApiError::BadRequest(detail)
            | ApiError::Unauthorized(detail)
            | ApiError::Forbidden(detail)
            | ApiError::NotFound(detail)
            | ApiError::NotAllowed(detail)
            | ApiError::NotAcceptable(detail)
            | ApiError::Conflict(detail)
            | ApiError::TooLarge(detail) => (Detail { detail }.to_json_string(), None),
        };
        let mut res = Response::builder().status(status).content_type("application/json; charset=utf-8").body(body);
        if let Some(secs) = retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The error statuses one operation answers, with what each means there.
pub trait Statuses: Send + Sync + 'static {
    const LIST: &'static [(u16, &'static str)];
}

/// Declares an operation's error statuses: `statuses!(RunStatuses { 404 => "...", ... })`.
/// Every operation can also answer 500 (a cause in the server log), and the HTTP layer 414
/// and 431 before any operation runs.
macro_rules! statuses {
    ($(#[$meta:meta])* $name:ident { $($status:literal => $doc:expr),* $(,)? }) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::error::Statuses for $name {
            const LIST: &'static [(u16, &'static str)] = &[
                $(($status, $doc),)*
                (414, $crate::error::URI_TOO_LONG),
                (431, $crate::error::HEADERS_TOO_LARGE),
                (500, $crate::error::INTERNAL),
            ];
        }
    };
}
pub(crate) use statuses;

pub const URI_TOO_LONG: &str = "The path is over 65,534 bytes.";
pub const HEADERS_TOO_LARGE: &str = "The request's headers are too many or too large.";
pub const INTERNAL: &str = "Something broke on the server; the cause is in its log.";
/// The statuses of reading a request body, for the operations that take one.
pub const BODY_MALFORMED: &str = "The body does not parse.";
pub const BODY_TOO_SLOW: &str = "The request body did not arrive within BODY_TIMEOUT_SECONDS, or stopped for BODY_STALL_SECONDS.";
pub const BODY_TOO_LARGE: &str = "The body is over MAX_UPLOAD_BYTES, whatever its framing.";
pub const BODY_WRONG_TYPE: &str = "The body's Content-Type is missing or not the operation's.";
/// 503 for an operation that reads storage and takes a body.
pub const FULL: &str = "Storage is unreachable, or the server holds as many connections (MAX_CONNECTIONS) or request bodies (MAX_BODY_BUFFER_MB) as it allows; try again after Retry-After.";
/// 503 for an operation that reads storage and takes no body.
pub const FULL_GET: &str = "Storage is unreachable, or the server holds as many connections as it allows (MAX_CONNECTIONS); try again after Retry-After.";

/// An operation's failure, documented as the statuses `S` lists. A status it does not list is
/// a bug, answered 500 and logged.
pub struct Errors<S>(pub ApiError, PhantomData<S>);

impl<S> From<ApiError> for Errors<S> {
    fn from(e: ApiError) -> Self {
        Errors(e, PhantomData)
    }
}

impl<S> From<RunFailure> for Errors<S> {
    fn from(e: RunFailure) -> Self {
        Errors(e.into(), PhantomData)
    }
}

impl<S> From<CompileFailure> for Errors<S> {
    fn from(e: CompileFailure) -> Self {
        Errors(e.into(), PhantomData)
    }
}

impl<S: Statuses> IntoResponse for Errors<S> {
    fn into_response(self) -> Response {
        let status = self.0.status().as_u16();
        if !S::LIST.iter().any(|(s, _)| *s == status) {
            return ApiError::internal(format!("an operation answered {status}, which it does not declare: {:?}", self.0)).into_response();
        }
        self.0.into_response()
    }
}

impl<S: Statuses> From<Errors<S>> for poem::Error {
    fn from(e: Errors<S>) -> poem::Error {
        poem::Error::from_response(e.into_response())
    }
}

impl<S: Statuses> ApiResponse for Errors<S> {
    fn meta() -> MetaResponses {
        let retry_after = || MetaHeader {
            name: "Retry-After".into(),
            description: Some("Seconds to wait before trying again.".into()),
            required: false,
            deprecated: false,
            schema: u32::schema_ref(),
        };
        let responses = S::LIST
            .iter()
            .map(|&(status, description)| MetaResponse {
                description,
                status: Some(status),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/json; charset=utf-8",
                    schema: if status == 422 { Unprocessable::schema_ref() } else { Detail::schema_ref() },
                }],
                headers: if matches!(status, 429 | 503) { vec![retry_after()] } else { vec![] },
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        Detail::register(registry);
        Unprocessable::register(registry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    statuses!(OnlyNotFound { 404 => "No such thing." });

    #[test]
    fn a_declared_status_is_answered_as_it_is_with_its_detail() {
        let res = Errors::<OnlyNotFound>::from(ApiError::not_found("no such argorithm")).into_response();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json; charset=utf-8");
    }

    #[test]
    fn a_status_the_operation_does_not_declare_is_a_500_without_its_cause() {
        let res = Errors::<OnlyNotFound>::from(ApiError::conflict("a secret cause")).into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn busy_answers_say_when_to_retry() {
        let res = ApiError::from(Refusal::OverShare).into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "1");
    }
}
