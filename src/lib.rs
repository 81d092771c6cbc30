//! ARgorithm Server: stores ARgorithms (WebAssembly modules or legacy Python files, with their
//! toolkit config) and runs them in the sandbox for the AR app and the browser's trace player.
//! `startup` builds the app from `settings`.
pub mod account_rules;
pub mod api;
pub mod argorithm_config;
pub mod auth;
pub mod body;
pub mod cache;
pub mod client;
pub mod error;
pub mod example_traces;
pub mod examples;
pub mod fair;
pub mod list_cache;
pub mod metrics;
pub mod player;
pub mod raw_json;
pub mod runs;
pub mod sandbox_slots;
pub mod serve;
pub mod settings;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod traced;
pub mod web;
