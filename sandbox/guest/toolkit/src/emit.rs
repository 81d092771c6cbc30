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

thread_local! {
    /// One buffer reused by every state: a run emits thousands, and allocating each one in
    /// wasm costs more than building it.
    static SPARE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    static PREFIX: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Builds a `state_def` object in the key order the Python toolkit uses, then the whole state
/// around it, in one buffer.
pub(crate) struct Def {
    text: String,
}

impl Def {
    pub fn new(id: &str, name: &str) -> Self {
        let mut text = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
        text.clear();
        text.push_str("{\"id\":");
        json(&mut text, id);
        text.push_str(",\"variable_name\":");
        json(&mut text, name);
        Def { text }
    }

    pub fn field<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> Self {
        self.text.push_str(",\"");
        self.text.push_str(key);
        self.text.push_str("\":");
        json(&mut self.text, value);
        self
    }

    /// Adds a field whose JSON the caller writes into the buffer.
    pub fn with(mut self, key: &str, write: impl FnOnce(&mut String)) -> Self {
        self.text.push_str(",\"");
        self.text.push_str(key);
        self.text.push_str("\":");
        write(&mut self.text);
        self
    }

    pub fn emit(mut self, state_type: &str, comments: &str) {
        PREFIX.with(|p| {
            let mut prefix = p.borrow_mut();
            prefix.clear();
            prefix.push_str("{\"state_type\":");
            json(&mut prefix, state_type);
            prefix.push_str(",\"state_def\":");
            self.text.insert_str(0, &prefix);
        });
        self.text.push_str("},\"comments\":");
        json(&mut self.text, comments);
        self.text.push('}');
        send(&self.text);
        SPARE.with(|s| *s.borrow_mut() = std::mem::take(&mut self.text));
    }
}

pub(crate) fn emit_state(state_type: &str, state_def: Option<&str>, comments: &str) {
    let mut s = String::with_capacity(64 + state_def.map_or(4, str::len) + comments.len());
    s.push_str("{\"state_type\":");
    json(&mut s, state_type);
    s.push_str(",\"state_def\":");
    s.push_str(state_def.unwrap_or("null"));
    s.push_str(",\"comments\":");
    json(&mut s, comments);
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
