//! Runs ARgorithms: compiled modules from the sandbox's cache (compiling from storage on a
//! miss), a bounded number of runs at once, each on a blocking thread, never on the async
//! executor's threads.
use crate::error::ApiError;
use sandbox::{Compiled, ModuleError, RunError, Sandbox, Trace};
use std::sync::Arc;
use std::time::Duration;
use storage_backends::{ArgorithmRecord, Storage};
use tokio::sync::Semaphore;

pub struct Runner {
    sandbox: Arc<Sandbox>,
    permits: Arc<Semaphore>,
    queue_wait: Duration,
    /// Compilations at once: a large module takes seconds of a core.
    compiles: Arc<Semaphore>,
}

/// How long an upload waits for a compile slot before it is answered 503.
pub const COMPILE_QUEUE_WAIT: Duration = Duration::from_secs(10);

impl Runner {
    pub fn new(sandbox: Arc<Sandbox>, queue_wait: Duration, compile_concurrency: usize) -> Self {
        let permits = Arc::new(Semaphore::new(sandbox.limits().concurrency.max(1)));
        let compiles = Arc::new(Semaphore::new(compile_concurrency.max(1)));
        Runner { sandbox, permits, queue_wait, compiles }
    }

    /// Compiles on a blocking thread, one of at most `compile_concurrency` at once.
    async fn compile_blocking(&self, file_name: String, bytes: Arc<Vec<u8>>, entry: String, wait: Duration) -> Result<Result<Arc<Compiled>, ModuleError>, ApiError> {
        let permit = tokio::time::timeout(wait, self.compiles.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let sandbox = self.sandbox.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            sandbox.compile_file(&file_name, &bytes, &entry)
        })
        .await
        .map_err(ApiError::internal)
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Validates and compiles an uploaded program (CPU-heavy, so on a blocking thread).
    pub async fn compile(&self, file_name: String, bytes: Arc<Vec<u8>>, entry: String) -> Result<Arc<Compiled>, ApiError> {
        let compiled = self.compile_blocking(file_name, bytes, entry, COMPILE_QUEUE_WAIT).await?;
        compiled.map_err(|e| match e {
            ModuleError::Busy => busy(),
            ModuleError::TooLarge(why) => ApiError::too_large(why),
            e => ApiError::bad_request(e.to_string()),
        })
    }

    /// The compiled module of a stored ARgorithm.
    pub async fn compiled_for(&self, storage: &dyn Storage, record: &ArgorithmRecord) -> Result<Arc<Compiled>, ApiError> {
        if let Some(hit) = self.sandbox.cached(&record.module_hash) {
            return Ok(hit);
        }
        let blob = storage
            .get_module(&record.argorithm_id)
            .await
            .map_err(|e| ApiError::from_storage(e, "ARgorithm"))?
            .ok_or_else(|| ApiError::not_found("argorithm not found"))?;
        let (file_name, entry) = (record.filename.clone(), record.function.clone());
        let compiled = self.compile_blocking(file_name, Arc::new(blob.bytes), entry, self.queue_wait).await?;
        // A stored program passed these checks at upload; failing now means the limits changed
        // or this server cannot run its kind.
        compiled.map_err(|e| match e {
            ModuleError::Busy => busy(),
            e => ApiError::run_failed(&RunError::InvalidModule(e.to_string())),
        })
    }

    /// One run, waiting up to the queue time for a slot.
    pub async fn run(&self, compiled: Arc<Compiled>, entry: &str, params: Vec<u8>) -> Result<Trace, RunError> {
        let permit = tokio::time::timeout(self.queue_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| RunError::Busy)?
            .map_err(|_| RunError::Busy)?;
        let sandbox = self.sandbox.clone();
        let entry = entry.to_owned();
        let outcome = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            sandbox.run(&compiled, &entry, &params)
        })
        .await;
        outcome.unwrap_or_else(|e| Err(RunError::RuntimeError { message: format!("the run was lost: {e}"), stderr: String::new() }))
    }
}

pub fn busy() -> ApiError {
    ApiError::busy("the server is running as many ARgorithms as it can; try again in a moment", 1)
}
