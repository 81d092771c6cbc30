//! What every run keeps on the host, WebAssembly or Python: the trace it emits, checked state
//! by state against the limits and the state format, the first limit it broke, and the memory
//! limiter.
use crate::error::RunError;
use crate::limits::Limits;
use crate::trace::{LineEntry, StateChecker, Trace};
use wasmtime::ResourceLimiter;

pub(crate) struct HostState {
    pub trace: Trace,
    checker: StateChecker,
    /// The first limit or contract violation; it wins over the trap it causes.
    pub error: Option<RunError>,
    pub limiter: MemoryLimiter,
    /// Set when the run was stopped because nobody waits for it (`epoch::Cancel`).
    pub cancelled: bool,
    max_states: usize,
    max_output_bytes: usize,
}

impl HostState {
    pub fn new(limits: &Limits) -> Self {
        Self::with_memory_limit(limits, limits.memory_bytes)
    }

    pub fn with_memory_limit(limits: &Limits, memory_bytes: usize) -> Self {
        HostState {
            trace: Trace::with_capacity(16 << 10, 128),
            checker: StateChecker::default(),
            error: None,
            limiter: MemoryLimiter { max_bytes: memory_bytes, hit: false },
            cancelled: false,
            max_states: limits.max_states,
            max_output_bytes: limits.max_output_bytes,
        }
    }

    /// Checks one emitted state against the limits and the state format, and keeps it. The
    /// error, returned as a trap, ends the run.
    pub fn accept_state(&mut self, bytes: &[u8]) -> wasmtime::Result<()> {
        if self.trace.len() >= self.max_states {
            let e = RunError::OutputLimitExceeded(format!("more than {} states", self.max_states));
            return Err(self.fail_with(e));
        }
        if self.trace.bytes().saturating_add(bytes.len()) > self.max_output_bytes {
            let e = RunError::OutputLimitExceeded(format!("more than {} bytes of states", self.max_output_bytes));
            return Err(self.fail_with(e));
        }
        match self.checker.push(&mut self.trace, bytes) {
            Ok(()) => Ok(()),
            Err(reason) => Err(self.invalid_state(reason)),
        }
    }

    /// Bytes of state text the run may still send.
    pub fn room(&self) -> usize {
        self.max_output_bytes.saturating_sub(self.trace.bytes())
    }

    /// Checks one entry of where a state was made (`{"line", "frames"}`), and keeps it. Lines
    /// follow the states, one per state, and count against their own output limit.
    pub fn accept_line(&mut self, bytes: &[u8]) -> wasmtime::Result<()> {
        let fail = |why: String| RunError::RuntimeError { message: format!("the runtime sent unusable lines: {why}"), stderr: String::new(), at: Vec::new() };
        if self.trace.line_count() >= self.trace.len() {
            return Err(self.fail_with(fail(format!("more lines than the {} states", self.trace.len()))));
        }
        if self.trace.line_bytes().saturating_add(bytes.len()) > self.max_output_bytes {
            let e = RunError::OutputLimitExceeded(format!("more than {} bytes of lines", self.max_output_bytes));
            return Err(self.fail_with(e));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string());
        match text.and_then(|t| serde_json::from_str::<LineEntry>(t).map(|_| t).map_err(|e| e.to_string())) {
            Ok(entry) => {
                self.trace.push_line(entry);
                Ok(())
            }
            Err(why) => Err(self.fail_with(fail(why))),
        }
    }

    pub(crate) fn invalid_state(&mut self, reason: String) -> wasmtime::Error {
        let index = self.trace.len();
        self.fail_with(RunError::InvalidState { index, reason })
    }

    pub(crate) fn fail_with(&mut self, error: RunError) -> wasmtime::Error {
        let message = error.to_string();
        self.error.get_or_insert(error);
        wasmtime::Error::msg(message)
    }
}

pub(crate) struct MemoryLimiter {
    max_bytes: usize,
    /// Set when a grow was refused, so the trap that usually follows is reported as the
    /// memory limit rather than as the guest's own abort.
    pub hit: bool,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

