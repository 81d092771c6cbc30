use thiserror::Error;

/// Why a module was refused at upload.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ModuleError {
    /// A WebAssembly module that does not follow the ABI.
    #[error("invalid module: {0}")]
    InvalidModule(String),
    /// A Python program that does not compile, imports what the sandbox lacks, or whose top
    /// level fails; the message is for its author.
    #[error("{0}")]
    InvalidProgram(String),
    /// A kind of program this sandbox does not run (an unknown file type, or Python on a server
    /// without the Python runtime); the message says what would.
    #[error("{0}")]
    Unsupported(String),
    /// The program is over the size limit.
    #[error("{0}")]
    TooLarge(String),
    /// Every sandbox slot is taken, so the program could not be checked now.
    #[error("the sandbox is at capacity")]
    Busy,
}

/// A frame of the author's program: the function, and the line in it.
pub type Frame = (String, u32);

/// Why a run produced no trace. `kind()` is the stable name clients see.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RunError {
    #[error("the program ran longer than the limit of {limit_ms} ms")]
    TimeLimitExceeded { limit_ms: u128 },
    #[error("the program tried to use more than the memory limit of {limit_mib} MiB")]
    MemoryLimitExceeded { limit_mib: usize },
    #[error("the program overflowed its stack (recursion too deep)")]
    StackOverflow,
    #[error("the program's output is over the limit: {0}")]
    OutputLimitExceeded(String),
    #[error("the program emitted an invalid state (state {index}): {reason}")]
    InvalidState { index: usize, reason: String },
    /// `at`: where in the author's file it failed, outermost frame first, when known (Python).
    #[error("the program failed: {message}{}", stderr_suffix(.stderr))]
    RuntimeError { message: String, stderr: String, at: Vec<Frame> },
    #[error("the program rejected its input: {0}")]
    Rejected(String),
    #[error("the module cannot be run: {0}")]
    InvalidModule(String),
    #[error("the sandbox is at capacity")]
    Busy,
    /// Nobody waits for the run any more (its client went away), so it was stopped.
    #[error("the run was stopped: nobody waits for it")]
    Cancelled,
}

fn stderr_suffix(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!("; stderr: {stderr}")
    }
}

impl RunError {
    pub fn kind(&self) -> &'static str {
        match self {
            RunError::TimeLimitExceeded { .. } => "time_limit_exceeded",
            RunError::MemoryLimitExceeded { .. } => "memory_limit_exceeded",
            RunError::StackOverflow => "stack_overflow",
            RunError::OutputLimitExceeded(_) => "output_limit_exceeded",
            RunError::InvalidState { .. } => "invalid_state",
            RunError::RuntimeError { .. } => "runtime_error",
            RunError::Rejected(_) => "rejected_input",
            RunError::InvalidModule(_) => "invalid_module",
            RunError::Busy => "busy",
            RunError::Cancelled => "cancelled",
        }
    }
}
