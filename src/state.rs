//! What every handler reaches through `Data<&Arc<AppState>>`. It imports the services and the
//! settings, never a handler.
use crate::list_cache::ListCache;
use crate::metrics::Metrics;
use crate::runs::RunService;
use crate::sandbox_slots::SandboxSlots;
use crate::settings::Settings;
use std::sync::Arc;
use storage_backends::Storage;

pub struct AppState {
    pub settings: Settings,
    pub storage: Arc<dyn Storage>,
    /// Running ARgorithms: cache, compile, run, example.
    pub runs: RunService,
    /// The sandbox's slots, for uploads' compiles.
    pub sandbox: Arc<SandboxSlots>,
    pub metrics: Arc<Metrics>,
    /// The list's body, built once per change.
    pub list: ListCache,
}
