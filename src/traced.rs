//! A run's result as it is kept and answered: the trace, and where each state was made when
//! the run was asked for it.
use bytes::Bytes;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traced {
    /// The JSON array of states.
    pub trace: Bytes,
    /// The JSON array of line entries (`sandbox::Trace::lines_json`), one per state; only for a
    /// run asked for lines, and then always (empty entries for a program with no source).
    pub lines: Option<Bytes>,
}

impl Traced {
    pub fn of(trace: &sandbox::Trace, lines: bool) -> Self {
        let lines = lines.then(|| {
            // A WebAssembly module has no source: its states have no lines.
            trace.lines_json().unwrap_or_else(|| format!("[{}]", vec![r#"{"line":null,"frames":[]}"#; trace.len()].join(",")))
        });
        Traced { trace: Bytes::from(trace.to_json_array()), lines: lines.map(Bytes::from) }
    }

    /// Bytes held, for the caches' weights.
    pub fn bytes(&self) -> usize {
        self.trace.len() + self.lines.as_ref().map_or(0, Bytes::len)
    }
}
