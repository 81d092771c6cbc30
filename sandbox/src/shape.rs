//! A one-pass check of the common case of an emitted state: `{"state_type": "...",
//! "state_def": {...} or null, "comments": "..."}`, each key once, plain escapes only.
//!
//! Validating states was a fifth of a run's time with serde_json (which builds its errors and
//! visitors for the general case). This scanner only answers "certainly well-formed"; anything
//! it does not recognise (an error, a `\u` escape, deep nesting) goes to serde_json, which
//! decides and words the error, so the two can never disagree on what is accepted. The
//! state_def inside is checked by `json_value`'s automaton.

use crate::json_value::{container, object_after, string_end};
use std::ops::Range;

/// `Some` when `text` is certainly one state of the required shape; then `Some(true)` when it
/// is all ASCII (so certainly UTF-8), `Some(false)` when a string held other bytes, which the
/// caller still checks as UTF-8.
pub(crate) fn plain_state(text: &[u8]) -> Option<bool> {
    let (end, ascii) = plain_state_at(text, 0)?;
    (end == text.len()).then_some(ascii)
}

/// The same check for the state that starts at `text[start]` (after optional whitespace):
/// where it ends (whitespace after it included), and whether it was all ASCII.
pub(crate) fn plain_state_at(text: &[u8], start: usize) -> Option<(usize, bool)> {
    scan_state(text, start, container).map(|(end, ascii, _)| (end, ascii))
}

/// `plain_state` for the next state of a run, given the run's last all-ASCII state_def `prev`
/// and where its members began (`prev_members`), as `json_value::object_after` takes them.
/// Also returns where this state's state_def is when it was checked that way; then `members`
/// holds where its members begin.
pub(crate) fn plain_state_after(
    text: &[u8],
    prev: &[u8],
    prev_members: &[u32],
    members: &mut Vec<u32>,
) -> Option<(bool, Option<Range<usize>>)> {
    let mut def = None;
    let (end, ascii, compact) = scan_state(text, 0, |b, at, non_ascii| {
        let end = object_after(b, at, prev, prev_members, members, non_ascii)?;
        def = Some(at..end);
        Some(end)
    })?;
    (end == text.len()).then_some((ascii, def.filter(|_| compact)))
}

/// The toolkits' compact form first, with `object` checking the state_def; anything else once
/// by the general scanner. Where the state ends, whether it was all ASCII, and whether it was
/// the compact form.
fn scan_state<'a>(
    text: &'a [u8],
    start: usize,
    object: impl FnOnce(&'a [u8], usize, &mut bool) -> Option<usize>,
) -> Option<(usize, bool, bool)> {
    let mut s = Scanner { b: text, i: start, non_ascii: false };
    let compact = s.compact_state(object).is_some();
    if !compact {
        s = Scanner { b: text, i: start, non_ascii: false };
        s.state()?;
    }
    s.ws();
    Some((s.i, !s.non_ascii, compact))
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    non_ascii: bool,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn state(&mut self) -> Option<()> {
        self.eat(b'{')?;
        let mut seen = [false; 3];
        for n in 0..3 {
            if n > 0 {
                self.eat(b',')?;
            }
            self.ws();
            let key = self.string()?;
            self.eat(b':')?;
            self.ws();
            let slot = match key {
                b"state_type" => 0,
                b"state_def" => 1,
                b"comments" => 2,
                _ => return None,
            };
            if std::mem::replace(&mut seen[slot], true) {
                return None;
            }
            match slot {
                1 if self.peek()? == b'{' => self.i = container(self.b, self.i, &mut self.non_ascii)?,
                1 => self.literal(b"null")?,
                _ => {
                    self.string()?;
                }
            }
        }
        self.eat(b'}')
    }

    /// The form every toolkit emits, keys in order and no whitespace: the keys are compared
    /// as whole byte strings instead of being scanned. A subset of what `state` accepts.
    /// `object` checks the state_def object, as `json_value::container` does.
    fn compact_state(&mut self, object: impl FnOnce(&'a [u8], usize, &mut bool) -> Option<usize>) -> Option<()> {
        self.literal(b"{\"state_type\":\"")?;
        self.i = string_end(self.b, self.i, &mut self.non_ascii)?;
        self.literal(b",\"state_def\":")?;
        match self.peek()? {
            b'{' => self.i = object(self.b, self.i, &mut self.non_ascii)?,
            _ => self.literal(b"null")?,
        }
        self.literal(b",\"comments\":\"")?;
        self.i = string_end(self.b, self.i, &mut self.non_ascii)?;
        self.literal(b"}")
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..].starts_with(word).then(|| self.i += word.len())
    }

    /// A string at the cursor; returns its raw contents (escapes left as they are).
    fn string(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        self.i = string_end(self.b, start, &mut self.non_ascii)?;
        Some(&self.b[start..self.i - 1])
    }
}

/// Every deletion of one byte of `original`, and every replacement of one by a byte that means
/// something to JSON (or is not UTF-8): the inputs of the scanner's differential tests.
#[cfg(test)]
pub(crate) fn one_byte_mutations(original: &[u8]) -> Vec<Vec<u8>> {
    let bytes = b"{}[]\",:\\ -+.0159eEtrufalsn\t\x01\xc3\xff";
    let mut variants = Vec::new();
    for at in 0..original.len() {
        let mut v = original.to_vec();
        v.remove(at);
        variants.push(v);
        for &b in bytes {
            let mut v = original.to_vec();
            v[at] = b;
            variants.push(v);
        }
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::{one_byte_mutations, plain_state};
    use crate::json_value::special_bytes;

    fn is_plain_state(text: &[u8]) -> bool {
        plain_state(text).is_some()
    }

    #[test]
    fn the_word_check_flags_exactly_the_bytes_that_end_or_escape_a_string() {
        for at in 0..8 {
            for b in 0..=255u8 {
                let mut word = *b"abcdefgh";
                word[at] = b;
                let needs_look = b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b);
                let mask = special_bytes(u64::from_le_bytes(word));
                let expected = if needs_look { 0x80 << (8 * at) } else { 0 };
                assert_eq!(mask, expected, "byte {b:#x} at {at} among letters");
            }
        }
    }
    use crate::trace::check_with_serde;

    /// The scanner may decline what serde_json accepts, never the reverse: every deletion and
    /// every replacement by a JSON-significant byte, at every position of real states.
    #[test]
    fn no_mutation_of_a_state_is_accepted_that_serde_json_refuses() {
        let states = [
            r#"{"state_type":"array_swap","state_def":{"id":"1","variable_name":"arr","body":[[1,-20],[3.5e-2,0]],"index1":[0,1],"index2":[1,0]},"comments":"as arr[0] > arr[1] , we swap them"}"#,
            r#"{"state_type":"map_set","state_def":{"id":"2","body":{"a\"b":true,"c":null,"d":false}},"comments":"tab\tand\\slash"}"#,
            r#"{"state_type":"comment","state_def":null,"comments":""}"#,
        ];
        let mut checked = 0;
        for state in states {
            let original = state.as_bytes();
            for v in one_byte_mutations(original) {
                let Ok(text) = std::str::from_utf8(&v) else {
                    assert_ne!(plain_state(&v), Some(true), "called invalid UTF-8 ASCII");
                    continue;
                };
                if is_plain_state(&v) {
                    assert!(check_with_serde(text).is_ok(), "accepted what serde refuses: {text}");
                    checked += 1;
                }
            }
            assert!(is_plain_state(original) && check_with_serde(state).is_ok(), "{state}");
        }
        assert!(checked > 100, "only {checked} accepted variants were compared");
    }

    fn plain(s: &str) -> bool {
        is_plain_state(s.as_bytes())
    }

    #[test]
    fn ordinary_states_are_recognised() {
        assert!(plain(r#"{"state_type":"comment","state_def":null,"comments":"hi"}"#));
        assert!(plain(
            r#" { "comments" : "a \"b\"\n" , "state_def" : {"id":"1","body":[1,-2.5e3,0,true,null,{"k":[]}],"x":{}}, "state_type":"array_swap" } "#
        ));
    }

    #[test]
    fn anything_unusual_is_left_to_serde() {
        for s in [
            r#"{"state_type":"c","state_def":null}"#,
            r#"{"state_type":"c","state_def":null,"comments":"","x":1}"#,
            r#"{"state_type":"c","state_type":"c","comments":""}"#,
            r#"{"state_type":"c","state_def":[1],"comments":""}"#,
            r#"{"state_type":"c","state_def":{"a":01},"comments":""}"#,
            r#"{"state_type":"c","state_def":{"a":1.},"comments":""}"#,
            r#"{"state_type":"c","state_def":{"a":[1,]},"comments":""}"#,
            r#"{"state_type":"c","state_def":{"a":1,},"comments":""}"#,
            r#"{"state_type":"c","state_def":{"a":tru},"comments":""}"#,
            r#"{"state_type":"\u0063","state_def":null,"comments":""}"#,
            "{\"state_type\":\"c\",\"state_def\":null,\"comments\":\"\t\"}",
            r#"{"state_type":"c","state_def":null,"comments":""} x"#,
            r#"{"state_type":"c","state_def":null,"comments":"""#,
            r#"{"state_type":1,"state_def":null,"comments":""}"#,
        ] {
            assert!(!plain(s), "{s}");
        }
    }

    #[test]
    fn text_outside_ascii_is_reported_for_a_utf8_check_and_refused_outside_strings() {
        let unicode = r#"{"state_type":"c","state_def":{"k":"ünï ✓"},"comments":"é"}"#;
        assert_eq!(plain_state(unicode.as_bytes()), Some(false));
        let ascii = r#"{"state_type":"c","state_def":{"k":"plain"},"comments":"e"}"#;
        assert_eq!(plain_state(ascii.as_bytes()), Some(true));
        assert!(!plain(r#"{"state_type":"c","state_def":{"k":ü},"comments":""}"#));
        assert!(!plain(r#"{"state_type":"c","state_def":{"k":1ü},"comments":""}"#));
    }

    #[test]
    fn nesting_past_the_limit_is_left_to_serde() {
        let deep = format!(
            r#"{{"state_type":"c","state_def":{{"a":{}1{}}},"comments":""}}"#,
            "[".repeat(150),
            "]".repeat(150)
        );
        assert!(!plain(&deep));
    }
}
