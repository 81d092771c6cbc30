//! One run of a module in a fresh instance: the parameters are handed over through the
//! module's own allocator, the entry is called, and the states it emitted are the trace.
use super::linker::WasmState;
use crate::epoch::{arm, Cancel};
use crate::error::RunError;
use crate::limits::Limits;
use crate::trace::Trace;
use crate::traps::limit_behind;
use wasmtime::{Engine, InstancePre, Store};
use wasmtime_wasi::I32Exit;

pub(super) fn run(engine: &Engine, pre: &InstancePre<WasmState>, entry: &str, params: &[u8], limits: &Limits, cancel: &Cancel) -> Result<Trace, RunError> {
    let mut store = Store::new(engine, WasmState::new(limits));
    store.limiter(|s| &mut s.host.limiter);
    arm(&mut store, limits.timeout, cancel);
    let outcome = call(&mut store, pre, entry, params);
    let state = store.data_mut();
    if let Some(error) = state.host.error.take() {
        return Err(error);
    }
    match outcome {
        Ok(0) => Ok(std::mem::take(&mut state.host.trace)),
        Ok(code) => Err(RunError::RuntimeError {
            message: format!("the entry function returned {code} (0 means success)"),
            stderr: state.stderr(),
            at: Vec::new(),
        }),
        Err(e) => Err(limit_behind(&e, &state.host, limits, limits.memory_bytes)
            .unwrap_or_else(|| RunError::RuntimeError { message: format!("{e:#}"), stderr: state.stderr(), at: Vec::new() })),
    }
}

fn call(store: &mut Store<WasmState>, pre: &InstancePre<WasmState>, entry: &str, params: &[u8]) -> wasmtime::Result<i32> {
    let instance = pre.instantiate(&mut *store)?;
    let memory = instance
        .get_memory(&mut *store, "memory")
        .ok_or_else(|| wasmtime::Error::msg("the module does not export its memory"))?;
    store.data_mut().memory = Some(memory);
    let alloc = instance.get_typed_func::<i32, i32>(&mut *store, "argorithm_alloc")?;
    let main = instance.get_typed_func::<(i32, i32), i32>(&mut *store, entry)?;
    let len = i32::try_from(params.len()).map_err(|_| wasmtime::Error::msg("the parameters are too large"))?;
    let ptr = alloc.call(&mut *store, len)?;
    memory
        .write(&mut *store, ptr as u32 as usize, params)
        .map_err(|_| wasmtime::Error::msg(format!("argorithm_alloc returned {ptr}, outside the module's memory")))?;
    match main.call(&mut *store, (ptr, len)) {
        Err(e) if e.downcast_ref::<I32Exit>().is_some_and(|x| x.0 == 0) => Ok(0),
        other => other,
    }
}
