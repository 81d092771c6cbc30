//! The HTTP contract: one `#[OpenApi]` struct per tag, combined into one service.
mod accounts;
mod argorithms;
mod run;
mod service;

use crate::cache::RunCache;
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

/// The document checked in as `openapi.yaml`.
pub fn spec_yaml() -> String {
    service().spec_yaml()
}
