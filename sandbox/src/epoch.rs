//! Time in the sandbox: each engine's epoch clock, and how a run is stopped early, at its time
//! limit or when nobody waits for it any more. Both stops go through the store's epoch deadline
//! callback, which stops one store without touching others.
use crate::host::HostState;
use crate::limits::Limits;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{Config, Engine, Store, UpdateDeadline};

/// How often an engine's epoch advances: a stop takes effect within one tick.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// The settings every engine of the sandbox shares: epoch interruption and the wasm stack.
pub(crate) fn base_config(limits: &Limits) -> Config {
    let mut config = Config::new();
    config.epoch_interruption(true).max_wasm_stack(limits.max_wasm_stack);
    config
}

/// Advances an engine's epoch every tick, on a thread of its own, until dropped.
pub(crate) struct Ticker(Arc<AtomicBool>);

impl Ticker {
    pub(crate) fn start(engine: &Engine) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let (engine, stopped) = (engine.clone(), stop.clone());
        std::thread::Builder::new().name("sandbox-epoch".into()).spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        })?;
        Ok(Ticker(stop))
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Ticks for `time`, for a deadline set before a run's own (an instance made ahead).
pub(crate) fn ticks(time: Duration) -> u64 {
    // One tick more, because the current tick may be about to end.
    time.as_millis().div_ceil(EPOCH_TICK.as_millis()) as u64 + 1
}

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
