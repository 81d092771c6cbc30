//! Write ARgorithms in Rust.
//!
//! The structures mirror the Python ARgorithmToolkit 0.2.3 and emit the same states, in the
//! same order, with the same shapes. An ARgorithm is an ordinary function:
//!
//! ```ignore
//! use argorithm_toolkit::prelude::*;
//!
//! #[derive(serde::Deserialize)]
//! struct Params { array: Vec<i64> }
//!
//! fn run(algo: &mut StateSet, p: Params) -> Result<()> {
//!     let arr = Array::new("arr", algo, p.array, "our array");
//!     // ...
//!     Ok(())
//! }
//! argorithm_toolkit::export!(run => run);
//! ```
//!
//! The module then follows ABI version 1 (`sandbox/ABI.md`): `argorithm_alloc` and the entry
//! export are generated, parameters arrive as a JSON object and are decoded into `Params`, and
//! an `Err` is reported through `argorithm.fail`, which makes the server run the example.

mod abi;
#[cfg(target_arch = "wasm32")]
mod alloc;
mod array;
mod emit;
mod linked;
mod list;
mod map;
mod queues;
mod set;
mod string;
mod variable;
mod vector;

pub use abi::run_entry;
pub use array::{Array, Idx};
pub use emit::{py_str, StateSet};
pub use linked::ForwardList;
pub use list::List;
pub use map::Map;
pub use queues::{PriorityQueue, Queue, Stack};
pub use set::Set;
pub use string::ArString;
pub use variable::Variable;
pub use vector::Vector;

#[cfg(not(target_arch = "wasm32"))]
pub use emit::take_emitted;

/// Every module built with the toolkit allocates from its initial memory first (see `alloc`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: alloc::ArenaFirst = alloc::ArenaFirst::new();

/// What an ARgorithm returns when it rejects its input or misuses a structure (the Python
/// toolkit's `ARgorithmError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Self {
        Error(s.to_owned())
    }
}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error(s)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub mod prelude {
    pub use crate::{
        ArString, Array, Error, ForwardList, List, Map, PriorityQueue, Queue, Result, Set, Stack,
        StateSet, Variable, Vector,
    };
}

/// Exports `$func` (`fn(&mut StateSet, P) -> Result<()>`, `P: DeserializeOwned`) as the entry
/// function `$entry` of ABI version 1.
#[macro_export]
macro_rules! export {
    ($entry:ident => $func:path) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $entry(ptr: i32, len: i32) -> i32 {
            $crate::run_entry(ptr, len, $func)
        }
    };
}
