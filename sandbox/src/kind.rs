use crate::error::ModuleError;

/// The kinds of program the sandbox runs, told apart by the uploaded file's name, as the
/// legacy clients name their files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramKind {
    /// A WebAssembly module following ABI version 1 (`ABI.md`).
    Wasm,
    /// A legacy ARgorithmToolkit file, run on CPython compiled to WebAssembly.
    Python,
}

impl ProgramKind {
    pub fn of_file(name: &str) -> Result<Self, ModuleError> {
        if name.ends_with(".wasm") {
            Ok(ProgramKind::Wasm)
        } else if name.ends_with(".py") {
            Ok(ProgramKind::Python)
        } else {
            Err(ModuleError::Unsupported(format!(
                "config field `file` ({name:?}) must name a .wasm WebAssembly module or a .py Python ARgorithm"
            )))
        }
    }
}
