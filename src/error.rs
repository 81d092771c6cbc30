//! The one error type of the API, mapped to HTTP in one place. Internal causes are logged here
//! and never sent to clients.
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
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
}

#[derive(ApiResponse, Debug, Clone)]
pub enum ApiError {
    /// The request is malformed: an invalid config, a file that is neither a usable WebAssembly
    /// module nor a Python program that compiles and imports only what the sandbox has, or a
    /// body that does not parse.
    #[oai(status = 400)]
    BadRequest(Json<Detail>),
    /// The caller may not do this.
    #[oai(status = 401)]
    Unauthorized(Json<Detail>),
    /// No such ARgorithm.
    #[oai(status = 404)]
    NotFound(Json<Detail>),
    /// Accounts are off on this server (AUTH=DISABLED), or the route does not take this method
    /// (`Allow` names the ones it takes).
    #[oai(status = 405)]
    NotAllowed(Json<Detail>),
    /// The config's `file` is not the uploaded file's name, or an admin cannot be granted to a
    /// blacklisted email, or the server's own admin account cannot be changed.
    #[oai(status = 406)]
    NotAcceptable(Json<Detail>),
    /// The ARgorithm ID is taken.
    #[oai(status = 409)]
    Conflict(Json<Detail>),
    /// The request body did not arrive within `BODY_TIMEOUT_SECONDS`.
    #[oai(status = 408)]
    RequestTimeout(Json<Detail>),
    /// The body is over `MAX_UPLOAD_BYTES` (whatever its framing), or the program over
    /// `MAX_PROGRAM_BYTES`.
    #[oai(status = 413)]
    TooLarge(Json<Detail>),
    /// The path is over 65,534 bytes.
    #[oai(status = 414)]
    UriTooLong(Json<Detail>),
    /// The body's `Content-Type` is missing or not the operation's.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<Detail>),
    /// The request's headers are too many or too large.
    #[oai(status = 431)]
    HeadersTooLarge(Json<Detail>),
    /// An unusable email or password, or neither the given parameters nor the example could be
    /// run (`error` says which limit or failure).
    #[oai(status = 422)]
    Unprocessable(Json<Unprocessable>),
    /// The client already holds its share of the sandbox (runs or upload checks at once, per
    /// account, or per address with accounts off); retry after `Retry-After` seconds.
    #[oai(status = 429)]
    TooManyRequests(Json<Detail>, #[oai(header = "Retry-After")] Option<u32>),
    /// Storage or the sandbox is unavailable or busy, or the server holds as many request bodies
    /// or connections as it allows; retry after `Retry-After` seconds.
    #[oai(status = 503)]
    Unavailable(Json<Detail>, #[oai(header = "Retry-After")] Option<u32>),
    /// Something broke on the server; the cause is in its log.
    #[oai(status = 500)]
    Internal(Json<Detail>),
}

fn detail(s: impl Into<String>) -> Json<Detail> {
    Json(Detail { detail: s.into() })
}

impl ApiError {
    pub fn bad_request(s: impl Into<String>) -> Self {
        ApiError::BadRequest(detail(s))
    }
    pub fn unauthorized(s: impl Into<String>) -> Self {
        ApiError::Unauthorized(detail(s))
    }
    pub fn unprocessable(s: impl Into<String>) -> Self {
        ApiError::Unprocessable(Json(Unprocessable { detail: s.into(), error: None }))
    }
    pub fn not_found(s: impl Into<String>) -> Self {
        ApiError::NotFound(detail(s))
    }
    pub fn not_allowed(s: impl Into<String>) -> Self {
        ApiError::NotAllowed(detail(s))
    }
    pub fn not_acceptable(s: impl Into<String>) -> Self {
        ApiError::NotAcceptable(detail(s))
    }
    pub fn conflict(s: impl Into<String>) -> Self {
        ApiError::Conflict(detail(s))
    }
    pub fn too_large(s: impl Into<String>) -> Self {
        ApiError::TooLarge(detail(s))
    }
    pub fn busy(s: impl Into<String>, retry_after_secs: u32) -> Self {
        crate::metrics::exception("busy");
        ApiError::Unavailable(detail(s), Some(retry_after_secs))
    }
    pub fn too_many_requests(s: impl Into<String>, retry_after_secs: u32) -> Self {
        ApiError::TooManyRequests(detail(s), Some(retry_after_secs))
    }
    pub fn run_failed(e: &sandbox::RunError) -> Self {
        ApiError::Unprocessable(Json(Unprocessable {
            detail: format!("Neither the given parameters nor the example could be run: {e}"),
            error: Some(e.kind().to_owned()),
        }))
    }
    /// Logs the cause and answers without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        crate::metrics::exception("internal");
        ApiError::Internal(detail("internal error; the cause is in the server log"))
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
                ApiError::Unavailable(detail("storage is unavailable; try again shortly"), Some(5))
            }
            StorageError::Corrupt(cause) => {
                crate::metrics::database_error("corrupt");
                Self::internal(cause)
            }
        }
    }
}
