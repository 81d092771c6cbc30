use crate::shape::plain_state_after;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::ops::Range;

/// A successful run's states, kept as the JSON text the module emitted (after validation), one
/// after another in one buffer: the trace is never parsed into a tree and serialized again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The states separated by commas: the inside of the JSON array.
    text: String,
    /// Where each state ends in `text`.
    ends: Vec<usize>,
    /// Where each state was made, when the run was asked for it.
    lines: Option<Lines>,
}

/// The entries `{"line": n, "frames": [[function, line], ...]}` separated by commas, and how
/// many there are.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Lines {
    text: String,
    count: usize,
}

impl Trace {
    /// Room for `bytes` of state text and `states` states before the first reallocation:
    /// growing from empty copied a typical trace about twice over.
    pub(crate) fn with_capacity(bytes: usize, states: usize) -> Self {
        Trace { text: String::with_capacity(bytes), ends: Vec::with_capacity(states), lines: None }
    }

    /// Where each state was made, as one JSON array (one entry per state), for a run that was
    /// asked for it.
    pub fn lines_json(&self) -> Option<String> {
        self.lines.as_ref().map(|l| format!("[{}]", l.text))
    }

    /// Entries of `lines_json` so far (0 when lines were not asked for).
    pub fn line_count(&self) -> usize {
        self.lines.as_ref().map_or(0, |l| l.count)
    }

    /// Bytes of line entries so far.
    pub(crate) fn line_bytes(&self) -> usize {
        self.lines.as_ref().map_or(0, |l| l.text.len())
    }

    /// Appends a checked line entry.
    pub(crate) fn push_line(&mut self, entry: &str) {
        let lines = self.lines.get_or_insert_with(Lines::default);
        if lines.count > 0 {
            lines.text.push(',');
        }
        lines.text.push_str(entry);
        lines.count += 1;
    }

    /// Marks a run asked for lines, so that a trace of no states still has its (empty) lines.
    pub(crate) fn expect_lines(&mut self) {
        self.lines.get_or_insert_with(Lines::default);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each state's JSON text.
    pub fn states(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let s = &self.text[start..end];
                start = end + 1;
                s
            })
            .collect()
    }

    /// The trace as one JSON array.
    pub fn to_json_array(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 2);
        out.push('[');
        out.push_str(&self.text);
        out.push(']');
        out
    }

    /// Appends a checked state; returns where it starts in the text.
    pub(crate) fn push(&mut self, state: &str) -> usize {
        if !self.ends.is_empty() {
            self.text.push(',');
        }
        let start = self.text.len();
        self.text.push_str(state);
        self.ends.push(self.text.len());
        start
    }

    /// Bytes of state text so far.
    pub(crate) fn bytes(&self) -> usize {
        self.text.len()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateShape<'a> {
    #[allow(dead_code)]
    state_type: IgnoredString,
    #[serde(borrow)]
    state_def: &'a RawValue,
    #[allow(dead_code)]
    comments: IgnoredString,
}

/// Accepts any JSON string without allocating for it.
struct IgnoredString;

impl<'de> Deserialize<'de> for IgnoredString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IgnoredString;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, _: &str) -> Result<IgnoredString, E> {
                Ok(IgnoredString)
            }
        }
        d.deserialize_str(V)
    }
}

/// Where one state was made, as a run with lines sends it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct LineEntry {
    line: Option<u32>,
    frames: Vec<(String, u32)>,
}

/// Whether `text` is a JSON array of `states` line entries (`Trace::lines_json`): the check for
/// lines stored outside the server (a cache) before they reach a client.
pub fn is_lines_json(text: &str, states: usize) -> bool {
    serde_json::from_str::<Vec<LineEntry>>(text).is_ok_and(|lines| lines.len() == states)
}

/// Whether `text` is a JSON array of states of the emitted shape: the check for a trace that
/// was stored outside the server (a cache) before it reaches a client. Common traces take the
/// one-pass scanner; anything else is decided by serde_json.
pub fn is_trace_json(text: &str) -> bool {
    plain_trace(text.as_bytes()).unwrap_or_else(|| {
        serde_json::from_str::<Vec<&RawValue>>(text)
            .is_ok_and(|states| states.iter().all(|s| validate_state(s.get().as_bytes()).is_ok()))
    })
}

/// `Some(true)` for `[state, ...]` where every state passes the scanner; `None` to let serde
/// decide.
fn plain_trace(b: &[u8]) -> Option<bool> {
    let ws = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = ws(i + 1);
    if b.get(i) == Some(&b']') {
        return (ws(i + 1) == b.len()).then_some(true);
    }
    loop {
        (i, _) = crate::shape::plain_state_at(b, i)?;
        match b.get(i)? {
            b',' => i += 1,
            b']' => return (ws(i + 1) == b.len()).then_some(true),
            _ => return None,
        }
    }
}

/// Checks a run's states as they are emitted and appends them to its trace. It remembers the
/// last all-ASCII state_def, as a range of the trace's text (which only grows), so that the
/// next one is checked only past what the two share (see `json_value::object_after`).
#[derive(Default, Clone)]
pub(crate) struct StateChecker {
    def: Range<usize>,
    members: Vec<u32>,
    next_members: Vec<u32>,
}

impl StateChecker {
    pub(crate) fn push(&mut self, trace: &mut Trace, bytes: &[u8]) -> Result<(), String> {
        let prev = &trace.text.as_bytes()[self.def.clone()];
        let (plain, def) = match plain_state_after(bytes, prev, &self.members, &mut self.next_members) {
            Some((ascii, def)) => (Some(ascii), def.filter(|_| ascii)),
            None => (None, None),
        };
        let start = trace.push(checked_text(bytes, plain)?);
        if let Some(def) = def {
            self.def = start + def.start..start + def.end;
            std::mem::swap(&mut self.members, &mut self.next_members);
        }
        Ok(())
    }
}

/// Checks one emitted state against `{"state_type": string, "state_def": object|null,
/// "comments": string}` and returns its text, which is then known to be one JSON object.
pub(crate) fn validate_state(bytes: &[u8]) -> Result<&str, String> {
    checked_text(bytes, crate::shape::plain_state(bytes))
}

/// `bytes` as a state's text, given the scanner's verdict on them (`plain_state`).
fn checked_text(bytes: &[u8], plain: Option<bool>) -> Result<&str, String> {
    if plain == Some(true) {
        // SAFETY: the scanner saw only ASCII bytes, and ASCII is UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    if plain.is_none() {
        check_with_serde(text)?;
    }
    Ok(text)
}

/// How deeply a state may nest (the state object itself is level 1). serde_json skips a
/// borrowed `state_def` without counting its depth, and a client parsing the trace with a
/// recursive parser (Python's `json`, the player's JSON view) would overflow its stack on the
/// millions of levels a program can emit.
pub const MAX_STATE_DEPTH: usize = 128;

/// The general check, which also words the error.
pub(crate) fn check_with_serde(text: &str) -> Result<(), String> {
    if crate::json_value::deeper_than(text.as_bytes(), MAX_STATE_DEPTH) {
        return Err(format!("the state nests deeper than {MAX_STATE_DEPTH} levels"));
    }
    let shape: StateShape = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let def = shape.state_def.get();
    if !(def.starts_with('{') || def == "null") {
        return Err("state_def must be an object or null".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{is_trace_json, validate_state, StateChecker, Trace};
    use crate::testing::state_of_depth;
    use crate::shape::one_byte_mutations;

    /// Checking a state after another (resuming where their state_defs stop agreeing) judges
    /// exactly as checking it alone: every deletion and every replacement by a JSON-significant
    /// byte, at every position of a state, emitted after each of its neighbours in a trace.
    #[test]
    fn a_state_checked_after_another_is_judged_as_if_alone() {
        let states = [
            r#"{"state_type":"array_compare","state_def":{"id":"7","variable_name":"arr","body":[3,1,2],"index1":0,"index2":1},"comments":"c"}"#,
            r#"{"state_type":"array_swap","state_def":{"id":"7","variable_name":"arr","body":[1,3,2],"index1":0,"index2":1},"comments":"s"}"#,
            r#"{"state_type":"array_compare","state_def":{"id":"7","variable_name":"arr","body":[1,3,2],"index1":0,"index2":2},"comments":"c"}"#,
            r#"{"state_type":"comment","state_def":null,"comments":"between"}"#,
            r#"{"state_type":"map_set","state_def":{"id":"7","variable_name":"m","body":{"k":[1,{"x":null}]}},"comments":""}"#,
        ];
        let mut compared = 0;
        for (n, state) in states.iter().enumerate() {
            let mut variants = one_byte_mutations(state.as_bytes());
            variants.push(state.as_bytes().to_vec());
            for prev in states.iter().take(n + 1).skip(n.saturating_sub(2)) {
                let (mut checker, mut trace) = (StateChecker::default(), Trace::default());
                checker.push(&mut trace, prev.as_bytes()).expect("a well-formed neighbour");
                for v in &variants {
                    let alone = validate_state(v).map(str::to_owned);
                    let mut after = trace.clone();
                    let mut checker_after = checker.clone();
                    let verdict = checker_after.push(&mut after, v);
                    assert_eq!(verdict.is_ok(), alone.is_ok(), "{}", String::from_utf8_lossy(v));
                    if let Ok(text) = alone {
                        assert_eq!(after.states().last(), Some(&text.as_str()));
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "only {compared} variants were compared");
    }

    #[test]
    fn a_stored_trace_is_accepted_only_as_an_array_of_states() {
        let a = r#"{"state_type":"comment","state_def":null,"comments":"hi"}"#;
        let b = r#"{"state_type":"array_swap","state_def":{"id":"1","body":[2,1]},"comments":"\u00e9"}"#;
        for good in [format!("[{a},{b}]"), format!(" [ {a} , {a} ] "), "[]".to_owned(), format!("[{b}]")] {
            assert!(is_trace_json(&good), "{good}");
        }
        let extra = r#"{"state_type":"c","state_def":null,"comments":"","x":1}"#;
        for bad in [
            format!("[{a},{b}"),
            format!("[{a},]"),
            format!("[{a}] x"),
            a.to_string(),
            "[1]".to_owned(),
            format!("[{a},{extra}]"),
            format!("[{a},\"{a}\"]"),
            String::new(),
        ] {
            assert!(!is_trace_json(&bad), "{bad}");
        }
    }

    #[test]
    fn a_state_may_nest_128_levels_and_no_more() {
        for (depth, ok) in [(100, true), (101, true), (128, true), (129, false), (3_000_000, false)] {
            let state = state_of_depth(depth);
            assert_eq!(validate_state(state.as_bytes()).is_ok(), ok, "depth {depth}");
            let mut checker = StateChecker::default();
            let mut trace = Trace::default();
            let verdict = checker.push(&mut trace, state.as_bytes());
            assert_eq!(verdict.is_ok(), ok, "depth {depth}: {verdict:?}");
            if !ok {
                assert!(verdict.unwrap_err().contains("deeper than 128 levels"));
            }
            assert_eq!(is_trace_json(&format!("[{state}]")), ok, "a stored trace, depth {depth}");
        }
    }

    #[test]
    fn a_well_formed_state_is_kept_as_it_was_sent() {
        let s = br#"{"state_type":"comment","state_def":null,"comments":"hi"}"#;
        assert_eq!(validate_state(s).unwrap(), std::str::from_utf8(s).unwrap());
    }

    #[test]
    fn a_state_with_an_extra_key_is_refused() {
        let s = br#"{"state_type":"c","state_def":null,"comments":"","x":1}"#;
        assert!(validate_state(s).unwrap_err().contains("unknown field"));
    }

    #[test]
    fn a_state_def_that_is_not_an_object_is_refused() {
        let s = br#"{"state_type":"c","state_def":[1],"comments":""}"#;
        assert!(validate_state(s).unwrap_err().contains("object or null"));
    }

    #[test]
    fn a_state_missing_comments_is_refused() {
        let s = br#"{"state_type":"c","state_def":null}"#;
        assert!(validate_state(s).unwrap_err().contains("comments"));
    }
}
