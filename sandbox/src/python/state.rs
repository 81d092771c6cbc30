//! What one Python instance reaches: the trace and limits every run has (`HostState`), and a
//! WASI context that grants nothing.
use super::RunnerImports;
use crate::host::HostState;
use crate::limits::Limits;
use rand::SeedableRng;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// What one Python instance reaches: the trace and limits every run has, and a WASI context
/// that grants nothing: no preopened folder, no environment, no arguments, no network, output
/// that goes nowhere (the runner keeps what is printed), and random numbers from a fixed seed.
pub(crate) struct PyState {
    pub host: HostState,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl PyState {
    pub fn new(limits: &Limits) -> Self {
        let wasi = WasiCtxBuilder::new()
            .secure_random(rand::rngs::StdRng::seed_from_u64(RANDOM_SEED))
            .insecure_random(rand::rngs::StdRng::seed_from_u64(RANDOM_SEED))
            .insecure_random_seed(u128::from(RANDOM_SEED))
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        PyState { host: HostState::with_memory_limit(limits, limits.python_memory_bytes), wasi, table: ResourceTable::new() }
    }
}

/// What `os.urandom`, and so an unseeded `random.seed()`, draws from in every run.
const RANDOM_SEED: u64 = 0;

impl crate::epoch::HasHost for PyState {
    fn host(&mut self) -> &mut HostState {
        &mut self.host
    }
}

impl WasiView for PyState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl RunnerImports for PyState {
    fn emit(&mut self, states: String) -> wasmtime::Result<()> {
        match crate::json_value::array_items(states.as_bytes()) {
            Some(items) => items.into_iter().try_for_each(|state| self.host.accept_state(state)),
            None => Err(self.host.invalid_state("the runner sent states that are not a JSON array of objects".into())),
        }
    }

    fn emit_marshal(&mut self, states: Vec<u8>) -> wasmtime::Result<bool> {
        let Some(batch) = super::marshal::states_json(&states, self.host.room()) else { return Ok(false) };
        batch.states.into_iter().try_for_each(|state| self.host.accept_state(&batch.text.as_bytes()[state]))?;
        Ok(true)
    }

    fn emit_lines(&mut self, lines: String) -> wasmtime::Result<()> {
        match crate::json_value::array_items(lines.as_bytes()) {
            Some(items) => items.into_iter().try_for_each(|entry| self.host.accept_line(entry)),
            None => Err(self.host.invalid_state("the runner sent lines that are not a JSON array of objects".into())),
        }
    }
}

