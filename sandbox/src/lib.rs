//! The wasmtime host that runs ARgorithms: WebAssembly modules, and legacy Python files on
//! CPython compiled to WebAssembly (`python`). The server hands the sandbox "a program" with
//! its file name (`Sandbox::compile_file`); the kind is decided here, nowhere else.
//!
//! A module is compiled once (at upload, which is also its validation), kept in a bounded cache
//! keyed by its content hash, and every run gets a fresh `Store` and instance from a pooling
//! allocator. Every limit is enforced by wasmtime itself: epoch interruption for wall-clock
//! time, a `ResourceLimiter` and the pool's slot size for memory, the wasm stack limit for
//! recursion, and the host functions count the trace as it is emitted.
//! See `ABI.md` beside this crate for the guest side of the contract.

mod cache;
mod epoch;
mod error;
mod host;
mod json_value;
mod kind;
mod limits;
mod options;
mod python;
mod sandbox;
mod shape;
#[doc(hidden)]
pub mod testing;
mod trace;
mod traps;
mod wasm;

pub use epoch::Cancel;
pub use error::{Frame, ModuleError, RunError};
pub use kind::ProgramKind;
pub use limits::Limits;
pub use python::PythonSetup;
pub use options::RunOptions;
pub use sandbox::{Compiled, Sandbox};
pub use trace::{is_lines_json, is_trace_json, Trace, MAX_STATE_DEPTH};
