use crate::engine::Sandbox;
use crate::error::RunError;
use crate::stop::{arm, Cancel};
use crate::host::HostState;
use crate::trace::Trace;
use wasmtime::{InstancePre, PoolConcurrencyLimitError, Store, Trap};
use wasmtime_wasi::I32Exit;

pub(crate) fn run(
    sandbox: &Sandbox,
    pre: &InstancePre<HostState>,
    entry: &str,
    params: &[u8],
    cancel: &Cancel,
) -> Result<Trace, RunError> {
    let limits = &sandbox.limits;
    let mut store = Store::new(&sandbox.engine, HostState::new(limits));
    store.limiter(|s| &mut s.limiter);
    arm(&mut store, limits.timeout, cancel);

    let outcome = call(&mut store, pre, entry, params);
    let state = store.data_mut();
    if let Some(error) = state.error.take() {
        return Err(error);
    }
    match outcome {
        Ok(0) => Ok(std::mem::take(&mut state.trace)),
        Ok(code) => Err(RunError::RuntimeError {
            message: format!("the entry function returned {code} (0 means success)"),
            stderr: state.stderr(),
        }),
        Err(e) => classify(e, state, limits),
    }
}

fn call(
    store: &mut Store<HostState>,
    pre: &InstancePre<HostState>,
    entry: &str,
    params: &[u8],
) -> wasmtime::Result<i32> {
    let instance = pre.instantiate(&mut *store)?;
    let memory = instance
        .get_memory(&mut *store, "memory")
        .ok_or_else(|| wasmtime::Error::msg("the module does not export its memory"))?;
    store.data_mut().memory = Some(memory);
    let alloc = instance.get_typed_func::<i32, i32>(&mut *store, "argorithm_alloc")?;
    let main = instance.get_typed_func::<(i32, i32), i32>(&mut *store, entry)?;
    let len = i32::try_from(params.len())
        .map_err(|_| wasmtime::Error::msg("the parameters are too large"))?;
    let ptr = alloc.call(&mut *store, len)?;
    memory.write(&mut *store, ptr as u32 as usize, params).map_err(|_| {
        wasmtime::Error::msg(format!("argorithm_alloc returned {ptr}, outside the module's memory"))
    })?;
    match main.call(&mut *store, (ptr, len)) {
        Err(e) if e.downcast_ref::<I32Exit>().is_some_and(|x| x.0 == 0) => Ok(0),
        other => other,
    }
}

fn classify(e: wasmtime::Error, state: &HostState, limits: &crate::Limits) -> Result<Trace, RunError> {
    let error = match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) if state.cancelled => RunError::Cancelled,
        Some(Trap::Interrupt) => {
            RunError::TimeLimitExceeded { limit_ms: limits.timeout.as_millis() }
        }
        Some(Trap::StackOverflow) => RunError::StackOverflow,
        _ if state.limiter.hit => {
            RunError::MemoryLimitExceeded { limit_mib: limits.memory_bytes >> 20 }
        }
        _ if e.downcast_ref::<PoolConcurrencyLimitError>().is_some() => RunError::Busy,
        _ => RunError::RuntimeError { message: format!("{e:#}"), stderr: state.stderr() },
    };
    Err(error)
}
