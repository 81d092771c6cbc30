//! The HTTP contract: one `#[OpenApi]` struct per tag, combined into one service.
mod accounts;
mod argorithms;
mod run;
mod schema;
mod service;

use crate::auth::Identity;
use crate::cache::RunCache;
use crate::client::{client_address, ClientId};
use crate::example_traces::ExampleTraces;
use crate::list_cache::ListCache;
use crate::metrics::Metrics;
use crate::runner::Runner;
use crate::settings::Settings;
use poem_openapi::{OpenApiService, Tags};
use std::sync::Arc;
use storage_backends::Storage;

/// What every handler reaches through `Data<&Arc<AppState>>`.
pub struct AppState {
    pub settings: Settings,
    pub storage: Arc<dyn Storage>,
    pub runner: Runner,
    pub metrics: Arc<Metrics>,
    /// Present when CACHING=ENABLED.
    pub cache: Option<RunCache>,
    /// The list's body, built once per change.
    pub list: ListCache,
    /// Each program version's example outcome, computed once.
    pub examples: ExampleTraces,
}

/// Who a request counts against in the sandbox: the account with accounts on, else the
/// address it comes from (through a trusted proxy's `X-Forwarded-For`).
pub(crate) fn client_of(state: &AppState, who: &Identity, req: &poem::Request) -> ClientId {
    if state.settings.auth_enabled {
        return ClientId::Account(who.email.clone());
    }
    let peer = req.remote_addr().as_socket_addr().map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    ClientId::Address(client_address(peer, req.headers(), &state.settings.trusted_proxies))
}

#[derive(Tags)]
pub enum ApiTags {
    /// Publish, list, view, update, delete and run ARgorithms.
    Argorithms,
    /// Accounts of ARgorithm authors (used by the ARgorithmToolkit CLI).
    Programmers,
    /// Accounts of learners (used by the mobile app).
    Users,
    /// Moderation of accounts.
    Admin,
    /// Whether the server is up and which modes it runs in.
    Service,
}

pub type Api = (
    service::ServiceApi,
    argorithms::ArgorithmsApi,
    run::RunApi,
    accounts::ProgrammersApi,
    accounts::UsersApi,
    accounts::AdminApi,
);

pub fn service() -> OpenApiService<Api, ()> {
    OpenApiService::new(
        (
            service::ServiceApi,
            argorithms::ArgorithmsApi,
            run::RunApi,
            accounts::ProgrammersApi,
            accounts::UsersApi,
            accounts::AdminApi,
        ),
        "ARgorithm Server",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Runs ARgorithms: WebAssembly programs that emit the state trace of an algorithm, \
         played back by the ARgorithm AR app. Compatible with the legacy ARgorithm server's clients.",
    )
}

/// The document checked in as `openapi.yaml`: the whole contract, as a server with accounts on
/// (`AUTH=ENABLED`) serves it.
pub fn spec_yaml() -> String {
    service().spec_yaml()
}

/// The document a server serves at `/openapi.json`. With accounts off, the account, login and
/// admin routes only answer 405, so the document leaves them out, with the security schemes.
pub fn spec_json(auth_enabled: bool) -> String {
    let full = service().spec();
    if auth_enabled {
        return full;
    }
    let mut spec: serde_json::Value = serde_json::from_str(&full).expect("the document is JSON");
    const ACCOUNT_TAGS: [&str; 3] = ["Programmers", "Users", "Admin"];
    if let Some(paths) = spec["paths"].as_object_mut() {
        paths.retain(|path, _| !(path.starts_with("/programmers/") || path.starts_with("/users/") || path.starts_with("/admin/")));
        for item in paths.values_mut() {
            for operation in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                if let Some(op) = operation.as_object_mut() {
                    op.remove("security");
                }
            }
        }
    }
    if let Some(components) = spec["components"].as_object_mut() {
        components.remove("securitySchemes");
    }
    if let Some(tags) = spec["tags"].as_array_mut() {
        tags.retain(|t| !t["name"].as_str().is_some_and(|n| ACCOUNT_TAGS.contains(&n)));
    }
    spec.to_string()
}
