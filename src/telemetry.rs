use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// How the request log is kept: `server.log`, moved to `server.log.1` (and the older ones one
/// number up) when it reaches `max_bytes`, keeping `keep` old files, so a flood of requests fills
/// at most `(keep + 1) * max_bytes` of disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogFiles {
    pub max_bytes: usize,
    pub keep: usize,
}

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
        .with(fmt::layer())
        .with(fmt::layer().with_ansi(false).with_writer(file))
        .try_init()?;
    Ok(guard)
}
