//! Python ARgorithms: legacy `.py` files run unmodified on CPython compiled to WebAssembly.
//!
//! The runtime is one component (`python/` beside this crate: the WIT world, the runner and
//! the pure-Python ARgorithmToolkit), built by componentize-py with the interpreter already
//! initialized. A program is compiled once, at upload, inside a fresh instance (`check`), which
//! also runs its top level; every run is another fresh instance (`run`), so nothing a program
//! changes outlives it. Besides `emit`, `emit-marshal` and `emit-lines`, the component imports WASI 0.2, and is given nothing
//! through it (`PyState`): a file opened or a folder listed is simply not there.
mod artifact;
mod marshal;
mod memory;
mod snapshot;
mod spares;
mod state;
mod written;

use crate::epoch::{base_config, Cancel, Ticker};
use crate::options::RunOptions;
use crate::error::{ModuleError, RunError};
use crate::host::HostState;
use crate::limits::Limits;
use crate::trace::Trace;
use crate::traps::limit_behind;
use std::path::PathBuf;
use spares::{Fresh, Spares};
use state::PyState;
use wasmtime::component::{HasSelf, Linker};
use memory::SnapshotMemories;
use wasmtime::{Engine, InstanceAllocationStrategy};

/// The generated host side of `python/wit/runner.wit` (`run` takes the store and six values).
#[allow(clippy::too_many_arguments)]
mod bindings {
    wasmtime::component::bindgen!({
        path: "python/wit",
        world: "runner",
        imports: { default: trappable },
    });
}
use bindings::*;

/// Bytes of printed output kept from a run, to show with its error.
const MAX_PRINTED: u32 = 16 << 10;

/// Where the runtime component comes from, and where its compiled code is kept.
#[derive(Clone, Debug)]
pub struct PythonSetup {
    /// The runner component, or why there is none.
    pub component: Result<PathBuf, String>,
    /// Its expected SHA-256 (hex), when known in advance.
    pub sha256: Option<String>,
    /// Where the compiled runtime is kept between starts.
    pub cache_dir: PathBuf,
}

impl PythonSetup {
    /// The component this build of the server made (`sandbox/build.rs`).
    pub fn built_in(cache_dir: PathBuf) -> Self {
        let path = env!("ARGORITHM_PYTHON_COMPONENT");
        let component = if path.is_empty() {
            Err(format!("this server was built without it: {}", env!("ARGORITHM_PYTHON_BUILD_ERROR")))
        } else {
            Ok(PathBuf::from(path))
        };
        let sha256 = Some(env!("ARGORITHM_PYTHON_COMPONENT_SHA256")).filter(|h| !h.is_empty()).map(str::to_owned);
        PythonSetup { component, sha256, cache_dir }
    }

    /// Another build of the runner component, e.g. one copied into a container image.
    pub fn from_file(path: PathBuf, cache_dir: PathBuf) -> Self {
        PythonSetup { component: Ok(path), sha256: None, cache_dir }
    }

    pub fn disabled(reason: &str) -> Self {
        PythonSetup { component: Err(reason.to_owned()), sha256: None, cache_dir: PathBuf::new() }
    }
}

/// A checked Python program: its compiled code and the callables its top level defines.
pub(crate) struct PythonProgram {
    code: Vec<u8>,
    callables: Vec<String>,
    file_name: String,
}

impl PythonProgram {
    pub(crate) fn size(&self) -> usize {
        self.code.len() + self.callables.iter().map(String::len).sum::<usize>() + self.file_name.len()
    }

    pub(crate) fn check_entry(&self, entry: &str) -> Result<(), ModuleError> {
        if self.callables.iter().any(|c| c == entry) {
            return Ok(());
        }
        Err(ModuleError::InvalidProgram(format!(
            "{} defines no function `{entry}` at its top level (the config's `function` names it)",
            self.file_name
        )))
    }
}

pub(crate) struct PythonRuntime {
    spares: Spares,
    /// Whether this start had to compile the runtime.
    pub compiled_now: bool,
    _ticker: Ticker,
}

/// Instances kept ready: one for each run that may start at once.
fn spares_wanted(limits: &Limits) -> usize {
    limits.concurrency.max(1)
}

/// Instances alive at once, at most: running ones, the upload checks beside them, the spares.
fn max_instances(limits: &Limits) -> usize {
    limits.concurrency.max(1) * 2 + 2 + spares_wanted(limits)
}

fn engine(limits: &Limits, memories: &SnapshotMemories) -> Result<Engine, String> {
    let mut config = base_config(limits);
    config
        // The interpreter's memory comes from `memories`, image included: wasmtime neither
        // maps nor copies it (it only could with its own memories).
        .memory_init_cow(false)
        // A first start compiles the 18 MB runtime: on wasmtime's parallel threads that took
        // 4 s and left ~50 MiB of their heap that glibc could not give back; on one, 10 s.
        .parallel_compilation(false)
        .with_host_memory(memories.creator())
        .allocation_strategy(InstanceAllocationStrategy::OnDemand);
    Engine::new(&config).map_err(|e| format!("{e:#}"))
}

impl PythonRuntime {
    pub(crate) fn load(setup: &PythonSetup, limits: &Limits) -> Result<Self, String> {
        let path = setup.component.as_ref().map_err(Clone::clone)?;
        let (split, hash) = artifact::read(path, setup.sha256.as_deref())?;
        let memories = SnapshotMemories::new(&split.image, max_instances(limits))?;
        drop(split.image);
        if !memories.scans() {
            tracing::warn!("PAGEMAP_SCAN is unavailable (Linux 6.7 or later has it): every Python run's memory is reset by copying the whole snapshot, which is slower");
        } else if !memories.tracks_writes() {
            tracing::warn!("userfaultfd's asynchronous write protection is unavailable (Linux 6.7 or later has it; Docker's default seccomp profile refuses it): every Python run's reset asks the kernel about each page of the snapshot, which is slower");
        }
        let engine = engine(limits, &memories)?;
        let loaded = artifact::load(&engine, &split.component, &hash, &setup.cache_dir)?;
        drop(split.component);
        artifact::release_freed_memory();
        let mut linker = Linker::<PyState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| format!("{e:#}"))?;
        Runner::add_to_linker::<PyState, HasSelf<PyState>>(&mut linker, |s| s).map_err(|e| format!("{e:#}"))?;
        let pre = linker.instantiate_pre(&loaded.component).map_err(|e| format!("the Python runtime does not link: {e:#}"))?;
        let pre = RunnerPre::new(pre).map_err(|e| format!("the Python runtime is not a runner: {e:#}"))?;
        let ticker = Ticker::start(&engine).map_err(|e| e.to_string())?;
        let spares = Spares::new(engine, pre, limits.clone(), spares_wanted(limits)).map_err(|e| e.to_string())?;
        Ok(PythonRuntime { spares, compiled_now: loaded.compiled, _ticker: ticker })
    }

    /// Compiles `source` and runs its top level in a fresh instance.
    pub(crate) fn check(&self, source: &[u8], file_name: &str, limits: &Limits) -> Result<PythonProgram, ModuleError> {
        let source = std::str::from_utf8(source)
            .map_err(|e| ModuleError::InvalidProgram(format!("{file_name} is not UTF-8 text: {e}")))?;
        let outcome = self.spares.take(&Cancel::default());
        let (mut store, outcome) = match outcome {
            Ok(Fresh { mut store, runner }) => {
                let outcome = runner.call_check(&mut store, source, file_name);
                (store, outcome)
            }
            Err(e) => return Err(if out_of_slots(&e) {
                ModuleError::Busy
            } else {
                ModuleError::InvalidProgram(format!("the Python runtime cannot start: {e:#}"))
            }),
        };
        let refused = |why: String| ModuleError::InvalidProgram(why);
        let top_level = |e: RunError| refused(format!("the top level of {file_name} broke a limit: {e}"));
        let state = &mut store.data_mut().host;
        if let Some(e) = state.error.take() {
            return Err(top_level(e));
        }
        match outcome {
            Ok(Ok(checked)) => Ok(PythonProgram { code: checked.code, callables: checked.callables, file_name: file_name.to_owned() }),
            Ok(Err(failure)) => Err(match failure.kind {
                FailureKind::SyntaxError => refused(format!("syntax error: {}", failure.message)),
                FailureKind::MissingModule => refused(failure.message),
                FailureKind::Exception if !state.limiter.hit => {
                    refused(format!("the top level of {file_name} raised an exception:\n{}", failure.message))
                }
                _ => top_level(failure_error(failure, state.limiter.hit, limits)),
            }),
            Err(trap) => Err(match trap_error(trap, state, limits) {
                RunError::Busy => ModuleError::Busy,
                e => top_level(e),
            }),
        }
    }

    /// Runs `entry(**params)` of a checked program in a fresh instance.
    pub(crate) fn run(&self, program: &PythonProgram, entry: &str, params: &[u8], limits: &Limits, options: &RunOptions) -> Result<Trace, RunError> {
        let cancel = &options.cancel;
        let params = std::str::from_utf8(params).map_err(|e| RunError::Rejected(format!("the parameters are not UTF-8: {e}")))?;
        let max_states = u32::try_from(limits.max_states).unwrap_or(u32::MAX);
        let Fresh { mut store, runner } = self.spares.take(cancel).map_err(|e| match out_of_slots(&e) {
            true => RunError::Busy,
            false => RunError::RuntimeError { message: format!("the Python runtime cannot start: {e:#}"), stderr: String::new(), at: Vec::new() },
        })?;
        if options.lines {
            store.data_mut().host.trace.expect_lines();
        }
        let outcome = runner.call_run(&mut store, &program.code, &program.file_name, entry, params, max_states, MAX_PRINTED, options.lines);
        let state = &mut store.data_mut().host;
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        match outcome {
            Ok(Ok(())) if options.lines && state.trace.line_count() != state.trace.len() => Err(RunError::RuntimeError {
                message: format!("the runtime sent {} lines for {} states", state.trace.line_count(), state.trace.len()),
                stderr: String::new(),
                at: Vec::new(),
            }),
            Ok(Ok(())) => Ok(std::mem::take(&mut state.trace)),
            Ok(Err(failure)) => Err(failure_error(failure, state.limiter.hit, limits)),
            Err(trap) => Err(trap_error(trap, state, limits)),
        }
    }
}

/// A failure the runner reported. A refused memory grow makes CPython raise MemoryError, or
/// fail in whatever it was doing: either way the limit is the cause.
fn failure_error(failure: Failure, memory_refused: bool, limits: &Limits) -> RunError {
    match failure.kind {
        FailureKind::Rejected => RunError::Rejected(failure.message),
        FailureKind::TooManyStates => RunError::OutputLimitExceeded(failure.message),
        FailureKind::OutOfMemory => RunError::MemoryLimitExceeded { limit_mib: limits.python_memory_bytes >> 20 },
        _ if memory_refused => RunError::MemoryLimitExceeded { limit_mib: limits.python_memory_bytes >> 20 },
        _ => RunError::RuntimeError {
            message: failure.message,
            stderr: failure.output,
            at: failure.frames.into_iter().map(|f| (f.function, f.line)).collect(),
        },
    }
}

/// Whether instantiation failed because every memory slot is in use.
fn out_of_slots(e: &wasmtime::Error) -> bool {
    format!("{e:#}").contains(memory::BUSY)
}

fn trap_error(e: wasmtime::Error, state: &HostState, limits: &Limits) -> RunError {
    if out_of_slots(&e) {
        return RunError::Busy;
    }
    limit_behind(&e, state, limits, limits.python_memory_bytes)
        .unwrap_or_else(|| RunError::RuntimeError { message: format!("the Python runtime failed: {e:#}"), stderr: String::new(), at: Vec::new() })
}
