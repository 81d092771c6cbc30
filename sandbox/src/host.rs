//! What a running instance can reach: the `argorithm` imports, a WASI context that grants
//! nothing, and the memory limiter.
use crate::error::RunError;
use crate::limits::Limits;
use crate::trace::{StateChecker, Trace};
use wasmtime::{Caller, Linker, Memory, ResourceLimiter};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

pub(crate) struct HostState {
    pub trace: Trace,
    checker: StateChecker,
    /// The first limit or contract violation; it wins over the trap it causes.
    pub error: Option<RunError>,
    pub memory: Option<Memory>,
    pub limiter: MemoryLimiter,
    /// Set when the run was stopped because nobody waits for it (`stop::Cancel`).
    pub cancelled: bool,
    max_states: usize,
    max_output_bytes: usize,
    max_stdio_bytes: usize,
    wasi: Option<Wasi>,
}

struct Wasi {
    ctx: WasiP1Ctx,
    stderr: MemoryOutputPipe,
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
            memory: None,
            limiter: MemoryLimiter { max_bytes: memory_bytes, hit: false },
            cancelled: false,
            max_states: limits.max_states,
            max_output_bytes: limits.max_output_bytes,
            max_stdio_bytes: limits.max_stdio_bytes,
            wasi: None,
        }
    }

    /// Built on first use, so modules that do not import WASI never pay for it.
    fn wasi(&mut self) -> &mut WasiP1Ctx {
        let cap = self.max_stdio_bytes;
        &mut self
            .wasi
            .get_or_insert_with(|| {
                let stderr = MemoryOutputPipe::new(cap);
                // No preopened directories, no environment, no arguments, no network, and
                // stdout goes nowhere: the builder grants none of them unless asked.
                let ctx = WasiCtxBuilder::new().stderr(stderr.clone()).build_p1();
                Wasi { ctx, stderr }
            })
            .ctx
    }

    pub fn stderr(&self) -> String {
        self.wasi
            .as_ref()
            .map(|w| String::from_utf8_lossy(&w.stderr.contents()).into_owned())
            .unwrap_or_default()
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

fn guest_bytes<'a>(
    memory: Option<Memory>,
    caller: &'a Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> Result<&'a [u8], String> {
    let memory = memory.ok_or("the module has no memory export")?;
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    memory
        .data(caller)
        .get(ptr..ptr.saturating_add(len))
        .ok_or_else(|| format!("pointer {ptr} with length {len} is outside the module's memory"))
}

fn emit(mut caller: Caller<'_, HostState>, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let (data, host) = caller.data().memory.map(|m| m.data_and_store_mut(&mut caller)).unzip();
    match (data, host) {
        (Some(data), Some(host)) => {
            let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
            match data.get(ptr..ptr.saturating_add(len)) {
                Some(bytes) => host.accept_state(bytes),
                None => {
                    let reason = format!("pointer {ptr} with length {len} is outside the module's memory");
                    Err(host.invalid_state(reason))
                }
            }
        }
        _ => Err(caller.data_mut().invalid_state("the module has no memory export".to_owned())),
    }
}

fn fail(mut caller: Caller<'_, HostState>, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let memory = caller.data().memory;
    let message = match guest_bytes(memory, &caller, ptr, len.min(4096)) {
        Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Err(reason) => reason,
    };
    Err(caller.data_mut().fail_with(RunError::Rejected(message)))
}

pub(crate) const HOST_MODULE: &str = "argorithm";
pub(crate) const WASI_MODULE: &str = "wasi_snapshot_preview1";

pub(crate) fn linker(engine: &wasmtime::Engine) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(HOST_MODULE, "emit", emit)?;
    linker.func_wrap(HOST_MODULE, "fail", fail)?;
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, HostState::wasi)?;
    Ok(linker)
}
