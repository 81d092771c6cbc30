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
use bytes::Bytes;
use sandbox::{Compiled, RunError};
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
    /// The JSON array of states.
    pub trace: Bytes,
    /// Why the given parameters were not used, when the example's trace is answered.
    pub example_because: Option<String>,
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
    /// or fails to run.
    pub async fn run(&self, client: &ClientId, record: &ArgorithmRecord, given: &Value) -> Result<Ran, RunFailure> {
        let mut module = None;
        let because = match parameters_fit(&record.parameters, given) {
            Err(unfit) => format!("the parameters do not fit the ARgorithm: {unfit}"),
            Ok(()) => {
                if let Some(trace) = self.cached(record, given).await {
                    return Ok(Ran { source: Source::Cache, trace, example_because: None });
                }
                match self.run_once(client, record, &mut module, given).await? {
                    Ok(trace) => {
                        self.keep(record, given, &trace).await;
                        return Ok(Ran { source: Source::Given, trace, example_because: None });
                    }
                    Err(failed) => failed.to_string(),
                }
            }
        };
        self.example(client, record, &mut module, because).await
    }

    /// The example's trace: from the cache when it is on, else the outcome kept for this
    /// program version, computed the first time it is needed (`example_traces.rs`).
    async fn example(&self, client: &ClientId, record: &ArgorithmRecord, module: &mut Module, because: String) -> Result<Ran, RunFailure> {
        if let Some(trace) = self.cached(record, &record.example).await {
            return Ok(Ran { source: Source::Cache, trace, example_because: Some(because) });
        }
        let outcome = self
            .examples
            .get_or_run(record, self.run_once(client, record, module, &record.example))
            .await
            .map_err(|shared| shared.as_ref().clone())?;
        match outcome.as_ref() {
            Ok(trace) => {
                self.keep(record, &record.example, trace).await;
                Ok(Ran { source: Source::Example, trace: trace.clone(), example_because: Some(because) })
            }
            Err(e) => Err(RunFailure::Failed(e.clone())),
        }
    }

    /// One run in the sandbox: `Ok(Err(_))` is the program's own failure, which leads to the
    /// example; the outer error ends the request.
    async fn run_once(&self, client: &ClientId, record: &ArgorithmRecord, module: &mut Module, params: &Value) -> Result<Result<Bytes, RunError>, RunFailure> {
        let compiled = self.compiled(client, record, module).await?;
        match self.slots.run(client.clone(), compiled, &record.function, params.to_string().into_bytes()).await {
            Ok(trace) => Ok(Ok(Bytes::from(trace.to_json_array()))),
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

    async fn cached(&self, record: &ArgorithmRecord, params: &Value) -> Option<Bytes> {
        let cache = self.cache.as_ref()?;
        cache.get(&entry_key(record, params)).await.map(Bytes::from)
    }

    async fn keep(&self, record: &ArgorithmRecord, params: &Value, trace: &Bytes) {
        if let Some(cache) = &self.cache {
            cache.put(&record.argorithm_id, &entry_key(record, params), std::str::from_utf8(trace).unwrap_or_default()).await;
        }
    }
}
