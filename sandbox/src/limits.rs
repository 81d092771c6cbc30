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

/// The defaults, in the units the server's settings use; the server declares its variables'
/// defaults from these.
impl Limits {
    pub const DEFAULT_TIMEOUT_MS: u64 = 2000;
    pub const DEFAULT_MEMORY_MB: u64 = 64;
    pub const DEFAULT_PYTHON_MEMORY_MB: u64 = 256;
    pub const DEFAULT_MAX_STATES: u64 = 20_000;
    pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 8 << 20;
    pub const DEFAULT_PROGRAM_CACHE_MB: u64 = 256;
    pub const DEFAULT_MAX_PROGRAM_BYTES: u64 = 4 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_millis(Self::DEFAULT_TIMEOUT_MS),
            memory_bytes: (Self::DEFAULT_MEMORY_MB as usize) << 20,
            python_memory_bytes: (Self::DEFAULT_PYTHON_MEMORY_MB as usize) << 20,
            max_states: Self::DEFAULT_MAX_STATES as usize,
            max_output_bytes: Self::DEFAULT_MAX_OUTPUT_BYTES as usize,
            max_wasm_stack: 1 << 20,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_stdio_bytes: 64 << 10,
            program_cache_bytes: (Self::DEFAULT_PROGRAM_CACHE_MB as usize) << 20,
            max_program_bytes: Self::DEFAULT_MAX_PROGRAM_BYTES as usize,
        }
    }
}
