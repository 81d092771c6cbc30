use serde::Deserialize;
use serde_json::value::RawValue;

/// A successful run's states, kept as the JSON text the module emitted (after validation), one
/// after another in one buffer: the trace is never parsed into a tree and serialized again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The states separated by commas: the inside of the JSON array.
    text: String,
    /// Where each state ends in `text`.
    ends: Vec<usize>,
}

impl Trace {
    /// Room for `bytes` of state text and `states` states before the first reallocation:
    /// growing from empty copied a typical trace about twice over.
    pub(crate) fn with_capacity(bytes: usize, states: usize) -> Self {
        Trace { text: String::with_capacity(bytes), ends: Vec::with_capacity(states) }
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

    pub(crate) fn push(&mut self, state: &str) {
        if !self.ends.is_empty() {
            self.text.push(',');
        }
        self.text.push_str(state);
        self.ends.push(self.text.len());
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

/// Checks one emitted state against `{"state_type": string, "state_def": object|null,
/// "comments": string}` and returns its text, which is then known to be one JSON object.
pub(crate) fn validate_state(bytes: &[u8]) -> Result<&str, String> {
    let plain = crate::shape::plain_state(bytes);
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

/// The general check, which also words the error.
pub(crate) fn check_with_serde(text: &str) -> Result<(), String> {
    let shape: StateShape = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let def = shape.state_def.get();
    if !(def.starts_with('{') || def == "null") {
        return Err("state_def must be an object or null".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{is_trace_json, validate_state};

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
