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
}

impl Runner {
    pub fn new(sandbox: Arc<Sandbox>, queue_wait: Duration) -> Self {
        let permits = Arc::new(Semaphore::new(sandbox.limits().concurrency.max(1)));
        Runner { sandbox, permits, queue_wait }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Validates and compiles an uploaded program (CPU-heavy, so on a blocking thread).
    pub async fn compile(&self, file_name: String, bytes: Arc<Vec<u8>>, entry: String) -> Result<Arc<Compiled>, ApiError> {
        let sandbox = self.sandbox.clone();
        let compiled = tokio::task::spawn_blocking(move || sandbox.compile_file(&file_name, &bytes, &entry))
            .await
            .map_err(ApiError::internal)?;
        compiled.map_err(|e| match e {
            ModuleError::Busy => busy(),
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
        let sandbox = self.sandbox.clone();
        let (file_name, entry) = (record.filename.clone(), record.function.clone());
        let compiled = tokio::task::spawn_blocking(move || sandbox.compile_file(&file_name, &blob.bytes, &entry))
            .await
            .map_err(ApiError::internal)?;
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
