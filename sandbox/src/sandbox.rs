//! The sandbox: two runtimes side by side, WebAssembly modules (`wasm/`) and Python programs
//! (`python/`), and the cache of compiled programs. A program's kind is decided here, from its
//! file name, and nowhere else; everything past that is the runtime's.
use crate::cache::{ProgramCache, Weighed};
use crate::epoch::Cancel;
use crate::error::{ModuleError, RunError};
use crate::kind::ProgramKind;
use crate::limits::Limits;
use crate::options::RunOptions;
use crate::python::{PythonProgram, PythonRuntime, PythonSetup};
use crate::trace::Trace;
use crate::wasm::{WasmProgram, WasmRuntime};
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A program that passed its checks, ready to run.
pub struct Compiled {
    program: Program,
    hash: [u8; 32],
    /// Bytes of memory it holds (machine code, or Python's compiled code), for the cache.
    size: usize,
}

enum Program {
    Wasm(WasmProgram),
    Python(PythonProgram),
}

impl Compiled {
    /// What identifies the compiled program, hex encoded: the SHA-256 of a module's bytes; for
    /// Python, of its file name and source (the name is part of its code, e.g. in tracebacks).
    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash)
    }

    fn check_entry(&self, entry: &str, limits: &Limits) -> Result<(), ModuleError> {
        match &self.program {
            Program::Wasm(program) => program.check_entry(entry, limits),
            Program::Python(program) => program.check_entry(entry),
        }
    }
}

impl Weighed for Compiled {
    fn size(&self) -> usize {
        self.size
    }
}

/// What a program is cached under: its kind and bytes (for Python, its file name too, which is
/// part of its code, e.g. in tracebacks).
fn key(kind: ProgramKind, file_name: &str, bytes: &[u8]) -> [u8; 32] {
    match kind {
        ProgramKind::Wasm => Sha256::digest(bytes).into(),
        ProgramKind::Python => {
            let mut hasher = Sha256::new();
            hasher.update(b"python\0");
            hasher.update(file_name.as_bytes());
            hasher.update(b"\0");
            hasher.update(bytes);
            hasher.finalize().into()
        }
    }
}

/// The runtimes and the compiled-program cache. One per process.
pub struct Sandbox {
    limits: Limits,
    wasm: WasmRuntime,
    python: Result<PythonRuntime, String>,
    cache: Mutex<ProgramCache<Compiled>>,
}

impl Sandbox {
    /// A sandbox for WebAssembly modules only.
    pub fn new(limits: Limits) -> anyhow::Result<Self> {
        Self::with_python(limits, &PythonSetup::disabled("this sandbox was made without it"))
    }

    /// A sandbox for WebAssembly modules and, when `python` can be loaded, Python programs. A
    /// runtime that cannot be loaded leaves Python off, with the reason (`python_status`).
    pub fn with_python(limits: Limits, python: &PythonSetup) -> anyhow::Result<Self> {
        let wasm = WasmRuntime::new(&limits)?;
        let python = PythonRuntime::load(python, &limits);
        let cache = Mutex::new(ProgramCache::new(limits.program_cache_bytes));
        Ok(Sandbox { limits, wasm, python, cache })
    }

    /// Whether Python programs run here: `Ok(true)` when this start had to compile the runtime
    /// (later starts load what it kept), or why they do not.
    pub fn python_status(&self) -> Result<bool, &str> {
        self.python.as_ref().map(|p| p.compiled_now).map_err(String::as_str)
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn python(&self) -> Result<&PythonRuntime, String> {
        self.python.as_ref().map_err(|why| why.clone())
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
        let hash = key(kind, file_name, bytes);
        if let Some(hit) = self.cache.lock().get(&hash) {
            hit.check_entry(entry, &self.limits)?;
            return Ok(hit);
        }
        let (program, size) = match kind {
            ProgramKind::Wasm => {
                let program = self.wasm.compile(bytes, entry, &self.limits)?;
                let size = program.size(bytes.len());
                (Program::Wasm(program), size)
            }
            ProgramKind::Python => {
                let python = self.python().map_err(|why| {
                    ModuleError::Unsupported(format!(
                        "this server cannot run Python ARgorithms: the Python runtime is unavailable ({why}). \
                         Build the server where python3 (with venv) and PyPI are reachable, or point PYTHON_RUNTIME at a runner component"
                    ))
                })?;
                let program = python.check(bytes, file_name, &self.limits)?;
                program.check_entry(entry)?;
                let size = program.size();
                (Program::Python(program), size)
            }
        };
        let compiled = Arc::new(Compiled { program, hash, size });
        self.cache.lock().put(hash, compiled.clone());
        Ok(compiled)
    }

    /// Validates and compiles the WebAssembly module `bytes` (`compile_file` for a `.wasm`).
    pub fn compile(&self, bytes: &[u8], entry: &str) -> Result<Arc<Compiled>, ModuleError> {
        self.compile_file("module.wasm", bytes, entry)
    }

    /// A compiled program from the cache, by its `hash_hex`.
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
        self.run_with(compiled, entry, params, &RunOptions { cancel: cancel.clone(), lines: false })
    }

    /// `run`, as `options` say.
    pub fn run_with(&self, compiled: &Compiled, entry: &str, params: &[u8], options: &RunOptions) -> Result<Trace, RunError> {
        match &compiled.program {
            Program::Wasm(program) => self.wasm.run(program, entry, params, &self.limits, &options.cancel),
            Program::Python(program) => match self.python() {
                Ok(python) => python.run(program, entry, params, &self.limits, options),
                Err(why) => Err(RunError::InvalidModule(format!("the Python runtime is unavailable: {why}"))),
            },
        }
    }
}
