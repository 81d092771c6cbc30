use crate::error::{ModuleError, RunError};
use crate::host::{linker, HostState};
use crate::kind::ProgramKind;
use crate::limits::Limits;
use crate::python::{PythonProgram, PythonRuntime, PythonSetup};
use crate::stop::Cancel;
use crate::trace::Trace;
use crate::validate::{check_abi, check_magic};
use crate::cache::{ProgramCache, Weighed};
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig,
};

/// How often the epoch advances; a run's deadline is counted in these ticks.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// A program that passed validation, ready to be instantiated.
pub struct Compiled {
    pub(crate) program: Program,
    hash: [u8; 32],
    /// Bytes of memory it holds (machine code, or Python's compiled code), for the cache.
    size: usize,
}

pub(crate) enum Program {
    Wasm(InstancePre<HostState>),
    Python(PythonProgram),
}

impl Compiled {
    /// What identifies the compiled program, hex encoded: the SHA-256 of a module's bytes; for
    /// Python, of its file name and source (the name is part of its code, e.g. in tracebacks).
    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash)
    }


    fn check_entry(&self, entry: &str, memory_limit: usize) -> Result<(), ModuleError> {
        match &self.program {
            // The cache is keyed by content only; the entry may differ between ARgorithms.
            Program::Wasm(pre) => check_abi(pre.module(), entry, memory_limit).map_err(ModuleError::InvalidModule),
            Program::Python(program) => program.check_entry(entry),
        }
    }
}

impl Weighed for Compiled {
    fn size(&self) -> usize {
        self.size
    }
}

fn python_key(file_name: &str, source: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"python\0");
    hasher.update(file_name.as_bytes());
    hasher.update(b"\0");
    hasher.update(source);
    hasher.finalize().into()
}

/// The engine, the linker, the Python runtime and the compiled-program cache. One per process.
pub struct Sandbox {
    pub(crate) engine: Engine,
    linker: Linker<HostState>,
    pub(crate) limits: Limits,
    cache: Mutex<ProgramCache<Compiled>>,
    ticker_stop: Arc<AtomicBool>,
    python: Result<PythonRuntime, String>,
}

impl Sandbox {
    /// A sandbox for WebAssembly modules only.
    pub fn new(limits: Limits) -> anyhow::Result<Self> {
        Self::with_python(limits, &PythonSetup::disabled("this sandbox was made without it"))
    }

    /// A sandbox for WebAssembly modules and, when `python` can be loaded, Python programs. A
    /// runtime that cannot be loaded leaves Python off, with the reason (`python_status`).
    pub fn with_python(limits: Limits, python: &PythonSetup) -> anyhow::Result<Self> {
        let slots = u32::try_from(limits.concurrency.max(1) * 2 + 2)?;
        let mut pool = PoolingAllocationConfig::default();
        pool.total_core_instances(slots)
            .total_memories(slots)
            .total_tables(slots)
            .max_memories_per_module(1)
            .max_tables_per_module(1)
            .max_memory_size(limits.memory_bytes)
            // Reset by memset of what a run could reach up to `keep_resident` (modules' memories
            // are a few pages), the rest returned to the kernel. Not PAGEMAP_SCAN: wasmtime 48's
            // scan sees only pages in memory, so a written page swapped out would keep a run's
            // data for the next instance; and for memories this small it measured no faster.
            .linear_memory_keep_resident(1 << 20)
            .table_keep_resident(16 << 10)
            .pagemap_scan(Enabled::No);
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .max_wasm_stack(limits.max_wasm_stack)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
        let linker = linker(&engine).map_err(|e| anyhow::anyhow!("{e}"))?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        spawn_ticker(engine.clone(), ticker_stop.clone())?;
        let python = PythonRuntime::load(python, &limits);
        let cache = Mutex::new(ProgramCache::new(limits.program_cache_bytes));
        Ok(Sandbox { engine, linker, limits, cache, ticker_stop, python })
    }

    /// Whether Python programs run here: `Ok(true)` when this start had to compile the runtime
    /// (later starts load what it kept), or why they do not.
    pub fn python_status(&self) -> Result<bool, &str> {
        self.python.as_ref().map(|p| p.compiled_now).map_err(String::as_str)
    }

    /// Validates and compiles a program of the kind its file name says (`.wasm` or `.py`), with
    /// `entry` as its entry function, and keeps it for later runs. CPU-heavy (Python's check
    /// runs the program's top level): call it off async threads.
    pub fn compile_file(&self, file_name: &str, bytes: &[u8], entry: &str) -> Result<Arc<Compiled>, ModuleError> {
        let kind = ProgramKind::of_file(file_name)?;
        if bytes.len() > self.limits.max_program_bytes {
            return Err(ModuleError::TooLarge(format!(
                "{file_name} is {} bytes, over the limit of {} bytes for a program",
                bytes.len(),
                self.limits.max_program_bytes
            )));
        }
        match kind {
            ProgramKind::Wasm => self.compile(bytes, entry),
            ProgramKind::Python => self.compile_python(file_name, bytes, entry),
        }
    }

    fn compile_python(&self, file_name: &str, source: &[u8], entry: &str) -> Result<Arc<Compiled>, ModuleError> {
        let python = self.python.as_ref().map_err(|why| {
            ModuleError::Unsupported(format!(
                "this server cannot run Python ARgorithms: the Python runtime is unavailable ({why}). \
                 Build the server where python3 (with venv) and PyPI are reachable, or point PYTHON_RUNTIME at a runner component"
            ))
        })?;
        let hash = python_key(file_name, source);
        if let Some(hit) = self.cache.lock().get(&hash) {
            hit.check_entry(entry, self.limits.memory_bytes)?;
            return Ok(hit);
        }
        let program = python.check(source, file_name, &self.limits)?;
        program.check_entry(entry)?;
        let size = program.size();
        let compiled = Arc::new(Compiled { program: Program::Python(program), hash, size });
        self.cache.lock().put(hash, compiled.clone());
        Ok(compiled)
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Validates and compiles the WebAssembly module `bytes` against ABI version 1 with `entry`
    /// as the entry function, and keeps the result for later runs. Compiling is CPU-heavy: call
    /// it off async threads.
    pub fn compile(&self, bytes: &[u8], entry: &str) -> Result<Arc<Compiled>, ModuleError> {
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(hit) = self.cache.lock().get(&hash) {
            hit.check_entry(entry, self.limits.memory_bytes)?;
            return Ok(hit);
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
        let size = module_size(pre.module(), bytes.len());
        let compiled = Arc::new(Compiled { program: Program::Wasm(pre), hash, size });
        self.cache.lock().put(hash, compiled.clone());
        Ok(compiled)
    }

    /// A compiled module from the cache, by the hex SHA-256 of its bytes.
    pub fn cached(&self, hash_hex: &str) -> Option<Arc<Compiled>> {
        let mut hash = [0u8; 32];
        hex::decode_to_slice(hash_hex, &mut hash).ok()?;
        self.cache.lock().get(&hash)
    }

    /// Runs `entry` with `params` (a JSON object's text) in a fresh instance. Blocks the calling
    /// thread for up to the time limit: never call it on an async executor thread.
    pub fn run(&self, compiled: &Compiled, entry: &str, params: &[u8]) -> Result<Trace, RunError> {
        self.run_until_cancelled(compiled, entry, params, &Cancel::default())
    }

    /// `run`, stopped within one epoch tick once `cancel` is set (`RunError::Cancelled`).
    pub fn run_until_cancelled(&self, compiled: &Compiled, entry: &str, params: &[u8], cancel: &Cancel) -> Result<Trace, RunError> {
        match &compiled.program {
            Program::Wasm(pre) => crate::run::run(self, pre, entry, params, cancel),
            Program::Python(program) => match &self.python {
                Ok(python) => python.run(program, entry, params, &self.limits, cancel),
                Err(why) => Err(RunError::InvalidModule(format!("the Python runtime is unavailable: {why}"))),
            },
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// What a compiled module holds: its machine code and data image, and its metadata, which
/// grows with the module's size.
fn module_size(module: &Module, wasm_bytes: usize) -> usize {
    let image = module.image_range();
    (image.end as usize).saturating_sub(image.start as usize) + wasm_bytes
}

pub(crate) fn spawn_ticker(engine: Engine, stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    std::thread::Builder::new().name("sandbox-epoch".into()).spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(EPOCH_TICK);
            engine.increment_epoch();
        }
    })?;
    Ok(())
}
