//! A one-pass check of the common case of an emitted state: `{"state_type": "...",
//! "state_def": {...} or null, "comments": "..."}`, each key once, plain escapes only.
//!
//! Validating states was a fifth of a run's time with serde_json (which builds its errors and
//! visitors for the general case). This scanner only answers "certainly well-formed"; anything
//! it does not recognise (an error, a `\u` escape, deep nesting) goes to serde_json, which
//! decides and words the error, so the two can never disagree on what is accepted.

/// Deeper than this, serde_json decides (its own recursion limit is 128).
const MAX_DEPTH: u32 = 100;

/// True when `text` is certainly one state of the required shape.
pub(crate) fn is_plain_state(text: &[u8]) -> bool {
    let mut s = Scanner { b: text, i: 0 };
    s.state().is_some() && {
        s.ws();
        s.i == s.b.len()
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
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
                1 if self.peek()? == b'{' => self.value()?,
                1 => self.literal(b"null")?,
                _ => {
                    self.string()?;
                }
            }
        }
        self.eat(b'}')
    }

    /// One JSON value, iteratively: the open containers are a bit stack (1 = object).
    fn value(&mut self) -> Option<()> {
        let mut open: u128 = 0;
        let mut depth = 0u32;
        'value: loop {
            self.ws();
            match self.peek()? {
                c @ (b'{' | b'[') => {
                    self.i += 1;
                    self.ws();
                    let object = c == b'{';
                    if self.peek()? == if object { b'}' } else { b']' } {
                        self.i += 1;
                    } else {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                        open = open << 1 | u128::from(object);
                        if object {
                            self.member_key()?;
                        }
                        continue 'value;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            }
            // After a value: the next member, or the end of one or more containers.
            loop {
                if depth == 0 {
                    return Some(());
                }
                self.ws();
                let object = open & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        if object {
                            self.member_key()?;
                        }
                        continue 'value;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.i += 1;
                open >>= 1;
                depth -= 1;
            }
        }
    }

    /// `"key":` inside an object.
    fn member_key(&mut self) -> Option<()> {
        self.ws();
        self.string()?;
        self.eat(b':')
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..].starts_with(word).then(|| self.i += word.len())
    }

    /// A string at the cursor; returns its raw contents (escapes left as they are).
    fn string(&mut self) -> Option<&'a [u8]> {
        let b = self.b;
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let mut i = start;
        loop {
            // Eight bytes at a time; the lowest flagged byte is the next one that matters.
            let at = match b.get(i..i + 8) {
                Some(word) => match special_bytes(u64::from_le_bytes(word.try_into().ok()?)) {
                    0 => {
                        i += 8;
                        continue;
                    }
                    mask => i + (mask.trailing_zeros() / 8) as usize,
                },
                None => i + b.get(i..)?.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?,
            };
            match b[at] {
                b'"' => {
                    self.i = at + 1;
                    return Some(&b[start..at]);
                }
                b'\\' => match *b.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i = at + 2,
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}

/// The high bit of each byte of `w` that may be `"`, `\\` or a control character. A byte above
/// one that is may be flagged too (a borrow); the lowest flagged byte always is one.
fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero_byte(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(w ^ (ONES * u64::from(b'\\')));
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    quote | backslash | control
}

#[cfg(test)]
mod tests {
    use super::{is_plain_state, special_bytes};

    #[test]
    fn the_word_check_flags_exactly_the_bytes_that_end_or_escape_a_string() {
        for at in 0..8 {
            for b in 0..=255u8 {
                let mut word = *b"abcdefgh";
                word[at] = b;
                let needs_look = b == b'"' || b == b'\\' || b < 0x20;
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
        let bytes = b"{}[]\",:\\ -+.0159eEtrufalsn\t\x01";
        let mut checked = 0;
        for state in states {
            let original = state.as_bytes();
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
            for v in variants {
                let Ok(text) = std::str::from_utf8(&v) else { continue };
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
    fn nesting_past_the_limit_is_left_to_serde() {
        let deep = format!(
            r#"{{"state_type":"c","state_def":{{"a":{}1{}}},"comments":""}}"#,
            "[".repeat(150),
            "]".repeat(150)
        );
        assert!(!plain(&deep));
    }
}
