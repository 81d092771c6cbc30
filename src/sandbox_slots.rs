//! The sandbox as the server shares it: compiles and runs on blocking threads, never on the
//! async executor's, each within its client's fair share of the slots (`fair.rs`), and a run
//! stopped as soon as nobody waits for it.
use crate::client::ClientId;
use crate::fair::{FairSlots, Refusal};
use sandbox::{Cancel, Compiled, ModuleError, RunError, RunOptions, Sandbox, Trace};
use std::sync::Arc;
use std::time::Duration;

/// How long an upload waits for a compile slot.
pub const COMPILE_QUEUE_WAIT: Duration = Duration::from_secs(10);

pub struct SandboxSlots {
    sandbox: Arc<Sandbox>,
    runs: FairSlots<ClientId>,
    /// Compilations (and Python's upload checks) at once: a large module takes seconds of a core.
    compiles: FairSlots<ClientId>,
}

/// Why a program was not compiled.
#[derive(Debug)]
pub enum CompileFailure {
    Refused(Refusal),
    Invalid(ModuleError),
    /// The compile panicked (a bug, in the log).
    Lost(String),
}

impl SandboxSlots {
    /// `client_share`: the fraction of the slots one client may hold at once (at least one).
    /// A compile for a run waits at most `run_wait`; an upload's, `COMPILE_QUEUE_WAIT`.
    pub fn new(sandbox: Arc<Sandbox>, run_wait: Duration, compile_concurrency: usize, client_share: f64) -> Self {
        let share = |slots: usize| ((slots as f64 * client_share).floor() as usize).max(1);
        let slots = sandbox.limits().concurrency.max(1);
        let compile_slots = compile_concurrency.max(1);
        SandboxSlots {
            runs: FairSlots::new(slots, share(slots), run_wait),
            compiles: FairSlots::new(compile_slots, share(compile_slots), COMPILE_QUEUE_WAIT),
            sandbox,
        }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Validates and compiles a program (CPU-heavy, so on a blocking thread), within the
    /// client's share of the compile slots.
    pub async fn compile(&self, client: ClientId, file_name: String, bytes: Arc<Vec<u8>>, entry: String) -> Result<Arc<Compiled>, CompileFailure> {
        let slot = self.compiles.acquire(client).await.map_err(CompileFailure::Refused)?;
        let sandbox = self.sandbox.clone();
        let compiled = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            sandbox.compile_file(&file_name, &bytes, &entry)
        })
        .await
        .map_err(|e| CompileFailure::Lost(e.to_string()))?;
        compiled.map_err(|e| match e {
            ModuleError::Busy => CompileFailure::Refused(Refusal::Busy),
            e => CompileFailure::Invalid(e),
        })
    }

    /// One run, within the client's share of the slots. Dropping the returned future (the
    /// client went away) stops the run at the sandbox's next epoch tick.
    /// With `lines`, where each state was made is kept (`sandbox::RunOptions::lines`).
    pub async fn run(&self, client: ClientId, compiled: Arc<Compiled>, entry: &str, params: Vec<u8>, lines: bool) -> Result<Trace, Result<RunError, Refusal>> {
        let slot = self.runs.acquire(client).await.map_err(Err)?;
        let sandbox = self.sandbox.clone();
        let entry = entry.to_owned();
        let mut stop = StopWhenDropped { cancel: Cancel::default(), armed: true };
        let options = RunOptions { cancel: stop.cancel.clone(), lines };
        let outcome = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            sandbox.run_with(&compiled, &entry, &params, &options)
        })
        .await;
        stop.armed = false;
        match outcome {
            Ok(Ok(trace)) => Ok(trace),
            Ok(Err(RunError::Busy)) => Err(Err(Refusal::Busy)),
            Ok(Err(e)) => Err(Ok(e)),
            Err(e) => Err(Ok(RunError::RuntimeError { message: format!("the run was lost: {e}"), stderr: String::new(), at: Vec::new() })),
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
