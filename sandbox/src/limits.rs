use std::time::Duration;

/// Every limit a run is held to, as plain data: the server reads them from its environment,
/// tests set them directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time of one run, instantiation included.
    pub timeout: Duration,
    /// Linear memory of one instance, in bytes.
    pub memory_bytes: usize,
    /// Linear memory of one Python instance, in bytes: CPython's own heap and the snapshot of
    /// the runtime take part of it before the program starts.
    pub python_memory_bytes: usize,
    /// States one run may emit.
    pub max_states: usize,
    /// Bytes of state JSON one run may emit, counted as they are emitted.
    pub max_output_bytes: usize,
    /// Bytes of native stack wasm code may use. It must fit the stack of the thread that runs
    /// the module (the server's blocking threads get 8 MiB; tokio's default is 2 MiB).
    pub max_wasm_stack: usize,
    /// Runs that may hold an instance at once; it sizes the pooling allocator.
    pub concurrency: usize,
    /// Bytes of stdout and of stderr kept from a WASI module.
    pub max_stdio_bytes: usize,
    /// Bytes of compiled programs kept in memory (machine code and metadata, estimated).
    pub program_cache_bytes: usize,
    /// Largest program (module or Python source) accepted at upload.
    pub max_program_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_millis(2000),
            memory_bytes: 64 << 20,
            python_memory_bytes: 256 << 20,
            max_states: 20_000,
            max_output_bytes: 8 << 20,
            max_wasm_stack: 1 << 20,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_stdio_bytes: 64 << 10,
            program_cache_bytes: 256 << 20,
            max_program_bytes: 4 << 20,
        }
    }
}
