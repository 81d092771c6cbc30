//! Fresh instances made ahead of the runs that take them. Instantiating the runner costs
//! ~0.7 ms (its ~40 core modules, and the funcref tables they share, which wasmtime must fill
//! eagerly); a thread of the sandbox's own makes the next instances while runs execute, so a
//! run starts on one that is ready. Each instance is still used once: a spare has run nothing
//! but its instantiation, exactly as an instance made at the start of the run would have.
use super::state::PyState;
use super::{Runner, RunnerPre};
use crate::epoch::{arm, ticks, Cancel};
use crate::limits::Limits;
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{Engine, Store};

pub(crate) struct Fresh {
    pub store: Store<PyState>,
    pub runner: Runner,
}

struct Maker {
    engine: Engine,
    pre: RunnerPre<PyState>,
    limits: Limits,
}

impl Maker {
    fn make(&self) -> wasmtime::Result<Fresh> {
        let mut store = Store::new(&self.engine, PyState::new(&self.limits));
        store.limiter(|s| &mut s.host.limiter);
        // Instantiation runs the modules' start functions; under load it may take a while,
        // but never the run's time, which starts when the instance is taken.
        store.set_epoch_deadline(ticks(Duration::from_secs(30)));
        let runner = self.pre.instantiate(&mut store)?;
        Ok(Fresh { store, runner })
    }
}


struct Shared {
    maker: Maker,
    ready: Mutex<Vec<Fresh>>,
    wake: Condvar,
    stop: AtomicBool,
    want: usize,
}

pub(crate) struct Spares {
    shared: Arc<Shared>,
}

impl Spares {
    /// Keeps `want` instances ready (none: every run instantiates its own).
    pub fn new(engine: Engine, pre: RunnerPre<PyState>, limits: Limits, want: usize) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            maker: Maker { engine, pre, limits },
            ready: Mutex::new(Vec::with_capacity(want)),
            wake: Condvar::new(),
            stop: AtomicBool::new(false),
            want,
        });
        if want > 0 {
            let worker = shared.clone();
            std::thread::Builder::new().name("python-spares".into()).spawn(move || refill(&worker))?;
        }
        Ok(Spares { shared })
    }

    /// A fresh instance whose time limit starts now, stopped early if `cancel` is set.
    pub fn take(&self, cancel: &Cancel) -> wasmtime::Result<Fresh> {
        let spare = self.shared.ready.lock().pop();
        self.shared.wake.notify_one();
        let mut fresh = match spare {
            Some(fresh) => fresh,
            None => self.shared.maker.make()?,
        };
        arm(&mut fresh.store, self.shared.maker.limits.timeout, cancel);
        Ok(fresh)
    }
}

impl Drop for Spares {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        self.shared.wake.notify_all();
    }
}

fn refill(shared: &Shared) {
    loop {
        {
            let mut ready = shared.ready.lock();
            while ready.len() >= shared.want && !shared.stop.load(Ordering::Relaxed) {
                shared.wake.wait(&mut ready);
            }
        }
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        match shared.maker.make() {
            Ok(fresh) => shared.ready.lock().push(fresh),
            // Every pool slot is taken by running instances: try again when one is freed.
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}
