//! How one run is made, besides its program and parameters: plain data, apart from the
//! runtimes that read it.
use crate::epoch::Cancel;

/// How one run is made, besides its program and parameters.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Stops the run within one epoch tick once set.
    pub cancel: Cancel,
    /// Keep where each state was made (`Trace::lines_json`): the line of the author's file, and
    /// the author's frames. Python programs only; a module's trace has no lines.
    pub lines: bool,
}
