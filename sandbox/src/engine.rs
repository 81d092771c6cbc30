use crate::error::{ModuleError, RunError};
use crate::host::{linker, HostState};
use crate::limits::Limits;
use crate::trace::Trace;
use crate::validate::{check_abi, check_magic};
use lru::LruCache;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig,
};

/// How often the epoch advances; a run's deadline is counted in these ticks.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// A module that passed validation, ready to be instantiated.
pub struct Compiled {
    pub(crate) pre: InstancePre<HostState>,
    hash: [u8; 32],
}

impl Compiled {
    /// The SHA-256 of the module bytes, hex encoded.
    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash)
    }
}

/// The engine, the linker and the compiled-module cache. One per process.
pub struct Sandbox {
    pub(crate) engine: Engine,
    linker: Linker<HostState>,
    pub(crate) limits: Limits,
    cache: Mutex<LruCache<[u8; 32], Arc<Compiled>>>,
    ticker_stop: Arc<AtomicBool>,
}

impl Sandbox {
    pub fn new(limits: Limits) -> anyhow::Result<Self> {
        let slots = u32::try_from(limits.concurrency.max(1) * 2 + 2)?;
        let mut pool = PoolingAllocationConfig::default();
        pool.total_core_instances(slots)
            .total_memories(slots)
            .total_tables(slots)
            .max_memories_per_module(1)
            .max_tables_per_module(1)
            .max_memory_size(limits.memory_bytes)
            // Reset the pages a run wrote with memset instead of returning them to the
            // kernel: the next run touches them again at once, and a page fault costs more.
            // PAGEMAP_SCAN (Linux 6.7+) finds exactly those pages; older kernels reset the
            // lowest `keep_resident` bytes instead.
            .linear_memory_keep_resident(1 << 20)
            .table_keep_resident(16 << 10)
            .pagemap_scan(Enabled::Auto);
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .max_wasm_stack(limits.max_wasm_stack)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
        let linker = linker(&engine).map_err(|e| anyhow::anyhow!("{e}"))?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        spawn_ticker(engine.clone(), ticker_stop.clone())?;
        let entries = NonZeroUsize::new(limits.module_cache_entries.max(1)).expect("non-zero");
        Ok(Sandbox { engine, linker, limits, cache: Mutex::new(LruCache::new(entries)), ticker_stop })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Validates and compiles `bytes` against ABI version 1 with `entry` as the entry function,
    /// and keeps the result for later runs. Compiling is CPU-heavy: call it off async threads.
    pub fn compile(&self, bytes: &[u8], entry: &str) -> Result<Arc<Compiled>, ModuleError> {
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(hit) = self.cache.lock().get(&hash) {
            // The cache is keyed by content only; the entry may differ between ARgorithms.
            check_abi(hit.pre.module(), entry, self.limits.memory_bytes)
                .map_err(ModuleError::InvalidModule)?;
            return Ok(hit.clone());
        }
        check_magic(bytes).map_err(ModuleError::InvalidModule)?;
        // Compiled from the bytes every time: precompiled code from storage is never trusted.
        let module = Module::from_binary(&self.engine, bytes)
            .map_err(|e| ModuleError::InvalidModule(format!("{e:#}")))?;
        check_abi(&module, entry, self.limits.memory_bytes).map_err(ModuleError::InvalidModule)?;
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|e| ModuleError::InvalidModule(format!("{e:#}")))?;
        let compiled = Arc::new(Compiled { pre, hash });
        self.cache.lock().put(hash, compiled.clone());
        Ok(compiled)
    }

    /// A compiled module from the cache, by the hex SHA-256 of its bytes.
    pub fn cached(&self, hash_hex: &str) -> Option<Arc<Compiled>> {
        let mut hash = [0u8; 32];
        hex::decode_to_slice(hash_hex, &mut hash).ok()?;
        self.cache.lock().get(&hash).cloned()
    }

    /// Runs `entry` with `params` (a JSON object's text) in a fresh instance. Blocks the calling
    /// thread for up to the time limit: never call it on an async executor thread.
    pub fn run(&self, compiled: &Compiled, entry: &str, params: &[u8]) -> Result<Trace, RunError> {
        crate::run::run(self, compiled, entry, params)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

fn spawn_ticker(engine: Engine, stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    std::thread::Builder::new().name("sandbox-epoch".into()).spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(EPOCH_TICK);
            engine.increment_epoch();
        }
    })?;
    Ok(())
}
