//! Whether the server is up and which modes it runs in, and the player's page.
use super::ApiTags;
use crate::error::{statuses, ApiError, Detail, Errors};
use crate::state::AppState;
use poem::web::Data;
use poem_openapi::payload::{Html, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
use std::sync::Arc;

pub struct ServiceApi;

/// Which modes the server runs in, as the legacy clients read it.
#[derive(Object)]
struct ServerInfo {
    /// `ENABLED` when accounts and tokens are required, `DISABLED` otherwise.
    auth: String,
}

#[derive(ApiResponse)]
enum AuthResponse {
    /// Authentication is enabled.
    #[oai(status = 200)]
    Enabled(Json<Detail>),
}

statuses!(AuthCheckStatuses {
    404 => "Authentication is disabled (AUTH=DISABLED).",
    503 => "The server holds as many connections as it allows (MAX_CONNECTIONS); try again after Retry-After.",
});

#[OpenApi(tag = "ApiTags::Service")]
impl ServiceApi {
    /// The trace player (`crate::player`). Served here because the API owns the root path;
    /// hidden from the document, which describes the JSON contract.
    #[oai(path = "/", method = "get", hidden)]
    async fn landing(&self) -> Html<&'static str> {
        Html(crate::player::INDEX)
    }

    /// Says whether the server is reachable and whether it requires logins.
    #[oai(path = "/argorithm", method = "get", operation_id = "server_info")]
    async fn server_info(&self, state: Data<&Arc<AppState>>) -> Json<ServerInfo> {
        let auth = if state.settings.auth_enabled { "ENABLED" } else { "DISABLED" };
        Json(ServerInfo { auth: auth.into() })
    }

    /// 200 when authentication is enabled; 404 when it is disabled (what the CLI checks).
    #[oai(path = "/auth", method = "get", operation_id = "auth_check")]
    async fn auth_check(&self, state: Data<&Arc<AppState>>) -> Result<AuthResponse, Errors<AuthCheckStatuses>> {
        if state.settings.auth_enabled {
            Ok(AuthResponse::Enabled(Json(Detail { detail: "authentication is enabled".into() })))
        } else {
            Err(ApiError::not_found("authentication is disabled on this server").into())
        }
    }
}
