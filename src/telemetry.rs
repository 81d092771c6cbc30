use crate::settings::LogFiles;
use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// Events with this target go to the log file only (the start banner, which is printed plain).
pub const FILE_ONLY: &str = "argorithm_server::file_only";

/// Logs to stdout and to `folder/server.log`. Keep the guard alive: it flushes the file.
pub fn init(folder: &Path, files: LogFiles) -> anyhow::Result<WorkerGuard> {
    std::fs::create_dir_all(folder)?;
    let log = FileRotate::new(
        folder.join("server.log"),
        AppendCount::new(files.keep),
        ContentLimit::BytesSurpassed(files.max_bytes),
        Compression::None,
        #[cfg(unix)]
        None,
    );
    let (file, guard) = tracing_appender::non_blocking(log);
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_filter(filter_fn(|event| event.target() != FILE_ONLY)))
        .with(fmt::layer().with_ansi(false).with_writer(file))
        .try_init()?;
    Ok(guard)
}
