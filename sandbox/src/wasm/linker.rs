//! What a WebAssembly module can reach: the `argorithm` imports (`emit`, `fail`) and WASI
//! preview 1 granting nothing (standard error is kept, to show with a failure).
use crate::epoch::HasHost;
use crate::error::RunError;
use crate::host::HostState;
use crate::limits::Limits;
use wasmtime::{Caller, Linker, Memory};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

pub(crate) const HOST_MODULE: &str = "argorithm";
pub(crate) const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// A module's store: the run's host state, the module's memory, and WASI if it uses it.
pub(crate) struct WasmState {
    pub host: HostState,
    pub memory: Option<Memory>,
    wasi: Option<Wasi>,
    max_stdio_bytes: usize,
}

struct Wasi {
    ctx: WasiP1Ctx,
    stderr: MemoryOutputPipe,
}

impl HasHost for WasmState {
    fn host(&mut self) -> &mut HostState {
        &mut self.host
    }
}

impl WasmState {
    pub fn new(limits: &Limits) -> Self {
        WasmState { host: HostState::new(limits), memory: None, wasi: None, max_stdio_bytes: limits.max_stdio_bytes }
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
}

fn guest_bytes<'a>(memory: Option<Memory>, caller: &'a Caller<'_, WasmState>, ptr: i32, len: i32) -> Result<&'a [u8], String> {
    let memory = memory.ok_or("the module has no memory export")?;
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    memory
        .data(caller)
        .get(ptr..ptr.saturating_add(len))
        .ok_or_else(|| format!("pointer {ptr} with length {len} is outside the module's memory"))
}

fn emit(mut caller: Caller<'_, WasmState>, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let Some(memory) = caller.data().memory else {
        return Err(caller.data_mut().host.invalid_state("the module has no memory export".to_owned()));
    };
    let (data, state) = memory.data_and_store_mut(&mut caller);
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    match data.get(ptr..ptr.saturating_add(len)) {
        Some(bytes) => state.host.accept_state(bytes),
        None => Err(state.host.invalid_state(format!("pointer {ptr} with length {len} is outside the module's memory"))),
    }
}

fn fail(mut caller: Caller<'_, WasmState>, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let memory = caller.data().memory;
    let message = match guest_bytes(memory, &caller, ptr, len.min(4096)) {
        Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Err(reason) => reason,
    };
    Err(caller.data_mut().host.fail_with(RunError::Rejected(message)))
}

pub(crate) fn linker(engine: &wasmtime::Engine) -> wasmtime::Result<Linker<WasmState>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(HOST_MODULE, "emit", emit)?;
    linker.func_wrap(HOST_MODULE, "fail", fail)?;
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, WasmState::wasi)?;
    Ok(linker)
}
