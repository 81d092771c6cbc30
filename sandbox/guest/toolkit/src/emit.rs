//! Emitting states to the host, and the small helpers every structure shares.
use serde::Serialize;
use std::cell::Cell;

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "argorithm")]
unsafe extern "C" {
    #[link_name = "emit"]
    fn host_emit(ptr: *const u8, len: usize);
    #[link_name = "fail"]
    fn host_fail(ptr: *const u8, len: usize);
}

#[cfg(target_arch = "wasm32")]
fn send(state: &str) {
    // SAFETY: the host only reads `len` bytes at `ptr` during the call.
    unsafe { host_emit(state.as_ptr(), state.len()) }
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn fail(message: &str) {
    // SAFETY: as for `send`.
    unsafe { host_fail(message.as_ptr(), message.len()) }
}

// Off wasm the states are collected, so the toolkit can be tested natively.
#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static EMITTED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(not(target_arch = "wasm32"))]
fn send(state: &str) {
    EMITTED.with(|e| e.borrow_mut().push(state.to_owned()));
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn fail(message: &str) {
    send(&format!("FAIL {message}"));
}

/// The states emitted so far on this thread (native builds only, for tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn take_emitted() -> Vec<String> {
    EMITTED.with(|e| std::mem::take(&mut *e.borrow_mut()))
}

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// Ids are a counter, not addresses, so the same run always gives the same trace.
pub(crate) fn next_id() -> String {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id.to_string()
    })
}

/// Appends `value` as JSON. serde_json writes UTF-8 only, which keeps the String valid.
pub(crate) fn json<T: Serialize + ?Sized>(out: &mut String, value: &T) {
    // SAFETY: serde_json only ever writes valid UTF-8.
    let bytes = unsafe { out.as_mut_vec() };
    serde_json::to_writer(bytes, value).expect("state values serialize");
}

/// Appends an unsigned integer as JSON (and as Python prints it) without going through
/// `core::fmt` or serde.
pub(crate) fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // SAFETY: ASCII digits.
    out.push_str(unsafe { std::str::from_utf8_unchecked(&digits[at..]) });
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it. Keys, names and comments
/// are nearly always plain, and going through serde for them was a tenth of a run.
pub(crate) fn json_str(out: &mut String, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Whether any byte is `"`, `\\` or a control character, eight bytes at a time (a byte loop
/// was a fifth of a run in wasm).
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        let quote = zero_byte(w ^ (ONES * u64::from(b'"')));
        let backslash = zero_byte(w ^ (ONES * u64::from(b'\\')));
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        if quote | backslash | control != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20)
}

thread_local! {
    /// One buffer reused by every state: a run emits thousands, and allocating each one in
    /// wasm costs more than building it.
    static SPARE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Room left at the start of a state's buffer for `{"state_type":"…","state_def":`, which is
/// only known at `emit`: writing it into the gap saves moving the whole state to make room.
const GAP: usize = 64;
const SPACES: &str = "                                                                ";

/// Builds a `state_def` object in the key order the Python toolkit uses, then the whole state
/// around it, in one buffer.
pub(crate) struct Def {
    text: String,
}

impl Def {
    pub fn new(id: &str, name: &str) -> Self {
        let mut def = Def::from_head("{\"id\":");
        json_str(&mut def.text, id);
        def.text.push_str(",\"variable_name\":");
        json_str(&mut def.text, name);
        def
    }

    /// A def that starts with `head`, the text of an earlier def (see `head`): structures
    /// whose first fields rarely change keep it instead of writing them for every state.
    pub fn from_head(head: &str) -> Self {
        let mut text = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
        text.clear();
        text.reserve(GAP + head.len() + 128);
        text.push_str(&SPACES[..GAP]);
        text.push_str(head);
        Def { text }
    }

    /// The object written so far, without its closing brace.
    pub fn head(&self) -> &str {
        &self.text[GAP..]
    }

    pub fn field<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> Self {
        self.key(key);
        json(&mut self.text, value);
        self
    }

    /// Adds a field whose JSON the caller writes into the buffer.
    pub fn with(mut self, key: &str, write: impl FnOnce(&mut String)) -> Self {
        self.key(key);
        write(&mut self.text);
        self
    }

    fn key(&mut self, key: &str) {
        self.text.push_str(",\"");
        self.text.push_str(key);
        self.text.push_str("\":");
    }

    /// `state_type` is one of the toolkit's own names, which never need escaping.
    pub fn emit(mut self, state_type: &'static str, comments: &str) {
        debug_assert!(!needs_escape(state_type.as_bytes()));
        const HEAD: &str = "{\"state_type\":\"";
        const TAIL: &str = "\",\"state_def\":";
        let len = HEAD.len() + state_type.len() + TAIL.len();
        let start = match GAP.checked_sub(len) {
            Some(start) => {
                // SAFETY: ASCII spaces are replaced by ASCII text.
                let bytes = unsafe { self.text.as_mut_vec() };
                let (head, rest) = bytes[start..GAP].split_at_mut(HEAD.len());
                let (name, tail) = rest.split_at_mut(state_type.len());
                head.copy_from_slice(HEAD.as_bytes());
                name.copy_from_slice(state_type.as_bytes());
                tail.copy_from_slice(TAIL.as_bytes());
                start
            }
            None => {
                self.text.replace_range(..GAP, &format!("{HEAD}{state_type}{TAIL}"));
                0
            }
        };
        self.text.push_str("},\"comments\":");
        json_str(&mut self.text, comments);
        self.text.push('}');
        send(&self.text[start..]);
        SPARE.with(|s| *s.borrow_mut() = std::mem::take(&mut self.text));
    }
}

pub(crate) fn emit_state(state_type: &'static str, state_def: Option<&str>, comments: &str) {
    debug_assert!(!needs_escape(state_type.as_bytes()));
    let mut s = String::with_capacity(64 + state_def.map_or(4, str::len) + comments.len());
    s.push_str("{\"state_type\":\"");
    s.push_str(state_type);
    s.push_str("\",\"state_def\":");
    s.push_str(state_def.unwrap_or("null"));
    s.push_str(",\"comments\":");
    json_str(&mut s, comments);
    s.push('}');
    send(&s);
}

/// The record of a run: the Python toolkit's `StateSet`. States go to the host as they are
/// made, so this only carries comments.
#[derive(Debug, Default)]
pub struct StateSet {
    _private: (),
}

impl StateSet {
    pub fn new() -> Self {
        StateSet { _private: () }
    }

    /// A `comment` state with no structure attached.
    pub fn add_comment(&self, comments: &str) {
        emit_state("comment", None, comments);
    }
}

/// `str(value)` as Python prints it, for comments built the way the Python toolkit builds them.
pub fn py_str<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => py_repr(&v),
        Err(_) => String::new(),
    }
}

/// `bool(value)` as Python decides it.
pub fn py_truthy<T: Serialize + ?Sized>(value: &T) -> bool {
    use serde_json::Value;
    match serde_json::to_value(value) {
        Ok(Value::Null) | Ok(Value::Bool(false)) | Err(_) => false,
        Ok(Value::Number(n)) => n.as_f64() != Some(0.0),
        Ok(Value::String(s)) => !s.is_empty(),
        Ok(Value::Array(items)) => !items.is_empty(),
        Ok(Value::Object(map)) => !map.is_empty(),
        Ok(Value::Bool(true)) => true,
    }
}

fn py_repr(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{s}'"),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(py_repr).collect::<Vec<_>>().join(", "))
        }
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter().map(|(k, v)| format!("'{k}': {}", py_repr(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{json_str, push_uint};

    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX] {
            let mut out = String::from("x");
            push_uint(&mut out, n);
            assert_eq!(out, format!("x{}", serde_json::to_string(&n).unwrap()));
        }
    }

    #[test]
    fn strings_are_escaped_exactly_as_serde_json_escapes_them() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for s in ["", "plain", "a \"quoted\" \\ path", "tab\tnew\nline\r", "ünïcödé ✓", &every_ascii] {
            let mut out = String::new();
            json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }
}
