//! How a run is stopped early: at its time limit, or when nobody waits for it any more. Both go
//! through the store's epoch deadline callback, which stops one store without touching others.
use crate::host::HostState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{Store, UpdateDeadline};

/// Set by whoever waits for a run when they stop waiting (their client went away); the run
/// then ends at the next epoch tick, and its sandbox slot is free.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a store's data holds of every run.
pub(crate) trait HasHost {
    fn host(&mut self) -> &mut HostState;
}

impl HasHost for HostState {
    fn host(&mut self) -> &mut HostState {
        self
    }
}

/// From now on, `store` stops at `timeout` or when `cancel` is set, whichever comes first,
/// within one epoch tick. A stop traps with `Trap::Interrupt`; `HostState::cancelled` tells the
/// two apart.
pub(crate) fn arm<T: HasHost + 'static>(store: &mut Store<T>, timeout: Duration, cancel: &Cancel) {
    let deadline = Instant::now() + timeout;
    let cancel = cancel.clone();
    store.epoch_deadline_callback(move |mut ctx| {
        if cancel.is_cancelled() {
            ctx.data_mut().host().cancelled = true;
            return Ok(UpdateDeadline::Interrupt);
        }
        if Instant::now() >= deadline {
            return Ok(UpdateDeadline::Interrupt);
        }
        Ok(UpdateDeadline::Continue(1))
    });
    store.set_epoch_deadline(1);
}
