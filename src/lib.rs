//! ARgorithm Server: stores ARgorithms (WebAssembly modules with their toolkit config) and runs
//! them in the sandbox for the AR app. `startup` builds the app from `settings`.
pub mod api;
pub mod argorithm_config;
pub mod auth;
pub mod cache;
pub mod error;
pub mod metrics;
pub mod raw_json;
pub mod runner;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod web;
