//! Running an ARgorithm, below HTTP: the cached result when there is one, else the program
//! (compiled on a miss) with the given parameters, else its example, and the result kept.
//! It answers what ran and why (`Ran`) or why nothing did (`RunFailure`); the handler turns
//! that into the legacy body, `error.rs` into an HTTP error.
use crate::argorithm_config::parameters_fit;
use crate::cache::{entry_key, RunCache};
use crate::client::ClientId;
use crate::example_traces::ExampleTraces;
use crate::fair::Refusal;
use crate::metrics::Metrics;
use crate::sandbox_slots::{CompileFailure, SandboxSlots};
use crate::traced::Traced;
use sandbox::{Compiled, Frame, RunError};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use storage_backends::{ArgorithmRecord, Storage, StorageError};

/// Which parameters made the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The ones the client gave.
    Given,
    /// The config's example, because the given ones could not be used.
    Example,
    /// A result kept from an earlier run (of the given parameters, or of the example).
    Cache,
}

/// A trace, and how it came about.
#[derive(Debug)]
pub struct Ran {
    pub source: Source,
    /// The states, and their lines when they were asked for.
    pub result: Traced,
    /// Why the given parameters were not used, when the example's trace is answered.
    pub example_because: Option<String>,
    /// Where the given parameters' run failed in the author's file, when it raised an
    /// exception and lines were asked for.
    pub given_failed_at: Option<Vec<Frame>>,
}

/// Why a request to run produced no trace.
#[derive(Debug, Clone)]
pub enum RunFailure {
    /// No ARgorithm with this ID.
    NotFound,
    /// No sandbox slot for this client now: its share is taken, or every slot is.
    Refused(Refusal),
    /// The client left before the run ended; nobody reads the answer.
    Gone,
    /// Neither the given parameters nor the example produced a trace (this is the example's error).
    Failed(RunError),
    Storage(StorageError),
    /// A compile that panicked (a bug; the cause is logged where it is turned into an answer).
    Lost(String),
}

pub struct RunService {
    storage: Arc<dyn Storage>,
    cache: Option<RunCache>,
    slots: Arc<SandboxSlots>,
    examples: ExampleTraces,
    metrics: Arc<Metrics>,
    /// How long a run waits for its program to be compiled.
    compile_wait: Duration,
}

/// A program whose first run in this request's life is yet to compile it.
type Module = Option<Arc<Compiled>>;

impl RunService {
    pub fn new(storage: Arc<dyn Storage>, cache: Option<RunCache>, slots: Arc<SandboxSlots>, examples: ExampleTraces, metrics: Arc<Metrics>, compile_wait: Duration) -> Self {
        RunService { storage, cache, slots, examples, metrics, compile_wait }
    }

    /// The banner's line about the cache.
    pub fn cache_description(&self) -> Option<String> {
        self.cache.as_ref().map(RunCache::describe)
    }

    pub async fn find(&self, argorithm_id: &str) -> Result<ArgorithmRecord, RunFailure> {
        self.storage.get_argorithm(argorithm_id).await.map_err(RunFailure::Storage)?.ok_or(RunFailure::NotFound)
    }

    /// Forgets the kept results of an ARgorithm that changed or went away.
    pub async fn forget(&self, argorithm_id: &str) {
        if let Some(cache) = &self.cache {
            cache.invalidate(argorithm_id).await;
        }
    }

    /// Runs `record` with `given`, or with its example when `given` does not fit its parameters
    /// or fails to run. With `lines`, where each state was made comes with the trace.
    pub async fn run(&self, client: &ClientId, record: &ArgorithmRecord, given: &Value, lines: bool) -> Result<Ran, RunFailure> {
        let mut module = None;
        let (because, failed_at) = match parameters_fit(&record.parameters, given) {
            Err(unfit) => (format!("the parameters do not fit the ARgorithm: {unfit}"), None),
            Ok(()) => {
                if let Some(result) = self.cached(record, given, lines).await {
                    return Ok(Ran { source: Source::Cache, result, example_because: None, given_failed_at: None });
                }
                match self.run_once(client, record, &mut module, given, lines).await? {
                    Ok(result) => {
                        self.keep(record, given, &result).await;
                        return Ok(Ran { source: Source::Given, result, example_because: None, given_failed_at: None });
                    }
                    Err(failed) => (failed.to_string(), failed_at(&failed)),
                }
            }
        };
        let mut ran = self.example(client, record, &mut module, because, lines).await?;
        ran.given_failed_at = failed_at;
        Ok(ran)
    }

    /// The example's trace: from the cache when it is on, else the outcome kept for this
    /// program version, computed the first time it is needed (`example_traces.rs`).
    async fn example(&self, client: &ClientId, record: &ArgorithmRecord, module: &mut Module, because: String, lines: bool) -> Result<Ran, RunFailure> {
        if let Some(result) = self.cached(record, &record.example, lines).await {
            return Ok(Ran { source: Source::Cache, result, example_because: Some(because), given_failed_at: None });
        }
        let outcome = self
            .examples
            .get_or_run(record, lines, self.run_once(client, record, module, &record.example, lines))
            .await
            .map_err(|shared| shared.as_ref().clone())?;
        match outcome.as_ref() {
            Ok(result) => {
                self.keep(record, &record.example, result).await;
                Ok(Ran { source: Source::Example, result: result.clone(), example_because: Some(because), given_failed_at: None })
            }
            Err(e) => Err(RunFailure::Failed(e.clone())),
        }
    }

    /// One run in the sandbox: `Ok(Err(_))` is the program's own failure, which leads to the
    /// example; the outer error ends the request. Where an exception was raised is kept only
    /// for a run asked for lines: the legacy answers stay as they were.
    async fn run_once(&self, client: &ClientId, record: &ArgorithmRecord, module: &mut Module, params: &Value, lines: bool) -> Result<Result<Traced, RunError>, RunFailure> {
        let compiled = self.compiled(client, record, module).await?;
        match self.slots.run(client.clone(), compiled, &record.function, params.to_string().into_bytes(), lines).await {
            Ok(trace) => Ok(Ok(Traced::of(&trace, lines))),
            Err(Ok(RunError::RuntimeError { message, stderr, .. })) if !lines => {
                let failed = RunError::RuntimeError { message, stderr, at: Vec::new() };
                self.metrics.sandbox_failures.with_label_values(&[failed.kind()]).inc();
                Ok(Err(failed))
            }
            Err(Err(refusal)) => {
                let kind = match refusal {
                    Refusal::Busy => "busy",
                    Refusal::OverShare => "client_share",
                };
                self.metrics.sandbox_failures.with_label_values(&[kind]).inc();
                Err(RunFailure::Refused(refusal))
            }
            Err(Ok(RunError::Cancelled)) => Err(RunFailure::Gone),
            Err(Ok(failed)) => {
                self.metrics.sandbox_failures.with_label_values(&[failed.kind()]).inc();
                Ok(Err(failed))
            }
        }
    }

    /// The program of `record`, compiled at most once per request and kept by the sandbox.
    async fn compiled(&self, client: &ClientId, record: &ArgorithmRecord, module: &mut Module) -> Result<Arc<Compiled>, RunFailure> {
        if let Some(m) = module {
            return Ok(m.clone());
        }
        if let Some(hit) = self.slots.sandbox().cached(&record.module_hash) {
            return Ok(module.insert(hit).clone());
        }
        let blob = self.storage.get_module(&record.argorithm_id).await.map_err(RunFailure::Storage)?.ok_or(RunFailure::NotFound)?;
        let compile = self.slots.compile(client.clone(), record.filename.clone(), Arc::new(blob.bytes), record.function.clone());
        let compiled = tokio::time::timeout(self.compile_wait, compile).await.map_err(|_| RunFailure::Refused(Refusal::Busy))?;
        let compiled = compiled.map_err(|e| match e {
            CompileFailure::Refused(refusal) => RunFailure::Refused(refusal),
            // A stored program passed these checks at upload; failing now means the limits
            // changed or this server cannot run its kind.
            CompileFailure::Invalid(e) => RunFailure::Failed(RunError::InvalidModule(e.to_string())),
            CompileFailure::Lost(why) => RunFailure::Lost(why),
        })?;
        Ok(module.insert(compiled).clone())
    }

    async fn cached(&self, record: &ArgorithmRecord, params: &Value, lines: bool) -> Option<Traced> {
        let cache = self.cache.as_ref()?;
        cache.get(&entry_key(record, params, lines), lines).await
    }

    async fn keep(&self, record: &ArgorithmRecord, params: &Value, result: &Traced) {
        if let Some(cache) = &self.cache {
            cache.put(&record.argorithm_id, &entry_key(record, params, result.lines.is_some()), result).await;
        }
    }
}

/// Where a run failed in the author's file, if it raised an exception there.
fn failed_at(e: &RunError) -> Option<Vec<Frame>> {
    match e {
        RunError::RuntimeError { at, .. } if !at.is_empty() => Some(at.clone()),
        _ => None,
    }
}
