//! The example's outcome, computed once per program version. Programs are deterministic (fixed
//! ids, a seeded `random`, no clock), so the example's trace, or the limit it breaks, is the
//! same every time: a run that falls back to the example is served from here, and a program
//! whose example loops costs one time limit the first time, not one more per request.
//! Concurrent requests for the same example wait for one computation. Outcomes that say
//! nothing about the program (no free slot, a client that left) are not kept.
use crate::traced::Traced;
use moka::future::Cache;
use sandbox::RunError;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::Arc;
use storage_backends::ArgorithmRecord;

/// A trace (with its lines, for a run asked for them), or why the example cannot run.
pub type Outcome = Arc<Result<Traced, RunError>>;

pub struct ExampleTraces {
    cache: Cache<[u8; 32], Outcome>,
}

impl ExampleTraces {
    /// Keeps up to `bytes` of traces, least recently used dropped first.
    pub fn new(bytes: u64) -> Self {
        let cache = Cache::builder()
            .weigher(|_, outcome: &Outcome| {
                let size = match outcome.as_ref() {
                    Ok(result) => result.bytes(),
                    Err(e) => e.to_string().len(),
                };
                u32::try_from(size + 64).unwrap_or(u32::MAX)
            })
            .max_capacity(bytes)
            .build();
        ExampleTraces { cache }
    }

    /// The example's outcome for `record`'s program version (with lines or without), computed
    /// by `run` when it is not known yet. An `Err` from `run` (no slot, client gone) is returned
    /// and not kept.
    pub async fn get_or_run<E, F>(&self, record: &ArgorithmRecord, lines: bool, run: F) -> Result<Outcome, Arc<E>>
    where
        E: Send + Sync + 'static,
        F: Future<Output = Result<Result<Traced, RunError>, E>>,
    {
        let key = key(record, lines);
        self.cache
            .try_get_with(key, async move {
                let outcome = run.await?;
                Ok(Arc::new(outcome))
            })
            .await
    }
}

/// The program version (its module hash), its entry and its example, and whether with lines.
fn key(record: &ArgorithmRecord, lines: bool) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([u8::from(lines)]);
    for part in [record.module_hash.as_bytes(), record.function.as_bytes(), record.example.to_string().as_bytes()] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}
