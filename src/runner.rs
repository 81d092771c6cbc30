//! Compiles and runs ARgorithms in the sandbox: each on a blocking thread, never on the async
//! executor's threads, within a client's fair share of the sandbox's slots (`fair.rs`), and
//! stopped as soon as nobody waits for it.
use crate::client::ClientId;
use crate::error::ApiError;
use crate::fair::{FairSlots, Refusal};
use sandbox::{Cancel, Compiled, ModuleError, RunError, Sandbox, Trace};
use std::sync::Arc;
use std::time::Duration;
use storage_backends::{ArgorithmRecord, Storage};

pub struct Runner {
    sandbox: Arc<Sandbox>,
    runs: FairSlots<ClientId>,
    /// Compilations (and Python's upload checks) at once: a large module takes seconds of a core.
    compiles: FairSlots<ClientId>,
    compile_wait: Duration,
}

/// How long an upload waits for a compile slot before it is answered 503.
pub const COMPILE_QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Why a run produced no trace.
#[derive(Debug)]
pub enum RunFailure {
    /// No sandbox slot for this client now: its share is taken (429) or every slot is (503).
    Refused(Refusal),
    Failed(RunError),
}

impl Runner {
    /// `client_share`: the fraction of the slots one client may hold at once (at least one).
    pub fn new(sandbox: Arc<Sandbox>, queue_wait: Duration, compile_concurrency: usize, client_share: f64) -> Self {
        let share = |slots: usize| ((slots as f64 * client_share).floor() as usize).max(1);
        let slots = sandbox.limits().concurrency.max(1);
        let compile_slots = compile_concurrency.max(1);
        Runner {
            runs: FairSlots::new(slots, share(slots), queue_wait),
            compiles: FairSlots::new(compile_slots, share(compile_slots), COMPILE_QUEUE_WAIT),
            compile_wait: queue_wait,
            sandbox,
        }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Compiles on a blocking thread, within the client's share of the compile slots.
    async fn compile_blocking(&self, client: ClientId, file_name: String, bytes: Arc<Vec<u8>>, entry: String) -> Result<Result<Arc<Compiled>, ModuleError>, ApiError> {
        let slot = self.compiles.acquire(client).await.map_err(refused)?;
        let sandbox = self.sandbox.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            sandbox.compile_file(&file_name, &bytes, &entry)
        })
        .await
        .map_err(ApiError::internal)
    }

    /// Validates and compiles an uploaded program (CPU-heavy, so on a blocking thread).
    pub async fn compile(&self, client: ClientId, file_name: String, bytes: Arc<Vec<u8>>, entry: String) -> Result<Arc<Compiled>, ApiError> {
        let compiled = self.compile_blocking(client, file_name, bytes, entry).await?;
        compiled.map_err(|e| match e {
            ModuleError::Busy => busy(),
            ModuleError::TooLarge(why) => ApiError::too_large(why),
            e => ApiError::bad_request(e.to_string()),
        })
    }

    /// The compiled module of a stored ARgorithm.
    pub async fn compiled_for(&self, client: ClientId, storage: &dyn Storage, record: &ArgorithmRecord) -> Result<Arc<Compiled>, ApiError> {
        if let Some(hit) = self.sandbox.cached(&record.module_hash) {
            return Ok(hit);
        }
        let blob = storage
            .get_module(&record.argorithm_id)
            .await
            .map_err(|e| ApiError::from_storage(e, "ARgorithm"))?
            .ok_or_else(|| ApiError::not_found("argorithm not found"))?;
        let (file_name, entry) = (record.filename.clone(), record.function.clone());
        let compiled = tokio::time::timeout(self.compile_wait, self.compile_blocking(client, file_name, Arc::new(blob.bytes), entry))
            .await
            .map_err(|_| busy())??;
        // A stored program passed these checks at upload; failing now means the limits changed
        // or this server cannot run its kind.
        compiled.map_err(|e| match e {
            ModuleError::Busy => busy(),
            e => ApiError::run_failed(&RunError::InvalidModule(e.to_string())),
        })
    }

    /// One run, within the client's share of the slots. Dropping the returned future (the
    /// client went away) stops the run at the sandbox's next epoch tick.
    pub async fn run(&self, client: ClientId, compiled: Arc<Compiled>, entry: &str, params: Vec<u8>) -> Result<Trace, RunFailure> {
        let slot = self.runs.acquire(client).await.map_err(RunFailure::Refused)?;
        let sandbox = self.sandbox.clone();
        let entry = entry.to_owned();
        let mut stop = StopWhenDropped { cancel: Cancel::default(), armed: true };
        let cancel = stop.cancel.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            sandbox.run_until_cancelled(&compiled, &entry, &params, &cancel)
        })
        .await;
        stop.armed = false;
        match outcome {
            Ok(Ok(trace)) => Ok(trace),
            Ok(Err(RunError::Busy)) => Err(RunFailure::Refused(Refusal::Busy)),
            Ok(Err(e)) => Err(RunFailure::Failed(e)),
            Err(e) => Err(RunFailure::Failed(RunError::RuntimeError { message: format!("the run was lost: {e}"), stderr: String::new() })),
        }
    }
}

/// Cancels a run when the future waiting for it is dropped before it finished.
struct StopWhenDropped {
    cancel: Cancel,
    armed: bool,
}

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        if self.armed {
            self.cancel.cancel();
        }
    }
}

pub fn busy() -> ApiError {
    ApiError::busy("the server is running as many ARgorithms as it can; try again in a moment", 1)
}

/// The answer to a request that got no sandbox slot.
pub fn refused(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::Busy => busy(),
        Refusal::OverShare => ApiError::too_many_requests(
            "you are already running as many ARgorithms as one client may at once; try again in a moment",
            1,
        ),
    }
}
