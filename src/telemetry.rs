use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// Logs to stdout and to `folder/server.log`. Keep the guard alive: it flushes the file.
pub fn init(folder: &Path) -> anyhow::Result<WorkerGuard> {
    std::fs::create_dir_all(folder)?;
    let (file, guard) = tracing_appender::non_blocking(tracing_appender::rolling::never(folder, "server.log"));
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer())
        .with(fmt::layer().with_ansi(false).with_writer(file))
        .try_init()?;
    Ok(guard)
}
