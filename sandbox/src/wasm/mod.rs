//! WebAssembly modules that follow ABI version 1 (`ABI.md`): one engine with a pooling
//! allocator, a linker that grants the `argorithm` imports and WASI with nothing in it, the
//! upload checks, and runs in fresh instances.
mod linker;
mod run;
mod validate;

use crate::epoch::{base_config, Cancel, Ticker};
use crate::error::{ModuleError, RunError};
use crate::limits::Limits;
use crate::trace::Trace;
use linker::{linker, WasmState};
use validate::{check_abi, check_magic};
use wasmtime::{Enabled, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, PoolingAllocationConfig};

/// A module that passed the checks, ready to be instantiated.
pub(crate) struct WasmProgram(InstancePre<WasmState>);

impl WasmProgram {
    /// What it holds in memory: its machine code and data image, and its metadata (which grows
    /// with the module's size).
    pub(crate) fn size(&self, wasm_bytes: usize) -> usize {
        let image = self.0.module().image_range();
        (image.end as usize).saturating_sub(image.start as usize) + wasm_bytes
    }

    /// The cache is keyed by content only; the entry may differ between ARgorithms.
    pub(crate) fn check_entry(&self, entry: &str, limits: &Limits) -> Result<(), ModuleError> {
        check_abi(self.0.module(), entry, limits.memory_bytes).map_err(ModuleError::InvalidModule)
    }
}

pub(crate) struct WasmRuntime {
    engine: Engine,
    linker: Linker<WasmState>,
    _ticker: Ticker,
}

impl WasmRuntime {
    pub(crate) fn new(limits: &Limits) -> anyhow::Result<Self> {
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
        let mut config = base_config(limits);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
        let linker = linker(&engine).map_err(|e| anyhow::anyhow!("{e}"))?;
        let ticker = Ticker::start(&engine)?;
        Ok(WasmRuntime { engine, linker, _ticker: ticker })
    }

    /// Validates and compiles `bytes` against ABI version 1 with `entry` as the entry function.
    pub(crate) fn compile(&self, bytes: &[u8], entry: &str, limits: &Limits) -> Result<WasmProgram, ModuleError> {
        check_magic(bytes).map_err(ModuleError::InvalidModule)?;
        // Compiled from the bytes every time: precompiled code from storage is never trusted.
        let module = Module::from_binary(&self.engine, bytes).map_err(|e| ModuleError::InvalidModule(format!("{e:#}")))?;
        check_abi(&module, entry, limits.memory_bytes).map_err(ModuleError::InvalidModule)?;
        let pre = self.linker.instantiate_pre(&module).map_err(|e| ModuleError::InvalidModule(format!("{e:#}")))?;
        Ok(WasmProgram(pre))
    }

    pub(crate) fn run(&self, program: &WasmProgram, entry: &str, params: &[u8], limits: &Limits, cancel: &Cancel) -> Result<Trace, RunError> {
        run::run(&self.engine, &program.0, entry, params, limits, cancel)
    }
}
