//! What a trap means, for WebAssembly and Python runs alike: the limits the sandbox enforces
//! through wasmtime each end a run with a trap, and the host's records tell which one it was.
use crate::error::RunError;
use crate::host::HostState;
use crate::limits::Limits;
use wasmtime::Trap;

/// The limit or stop behind `e`, a run's failure, or `None` when it is the program's own
/// failure (for the caller to word). `memory_bytes` is the memory limit the run had.
pub(crate) fn limit_behind(e: &wasmtime::Error, host: &HostState, limits: &Limits, memory_bytes: usize) -> Option<RunError> {
    match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) if host.cancelled => Some(RunError::Cancelled),
        Some(Trap::Interrupt) => Some(RunError::TimeLimitExceeded { limit_ms: limits.timeout.as_millis() }),
        Some(Trap::StackOverflow) => Some(RunError::StackOverflow),
        _ if host.limiter.hit => Some(RunError::MemoryLimitExceeded { limit_mib: memory_bytes >> 20 }),
        _ if e.downcast_ref::<wasmtime::PoolConcurrencyLimitError>().is_some() => Some(RunError::Busy),
        _ => None,
    }
}
