use crate::emit::{next_id, Def, StateSet};
use crate::{Error, Result};

/// A string whose characters are shown as they are read (`string_*` states). Named
/// `ArString` so it does not shadow `std::string::String`.
pub struct ArString {
    id: String,
    name: String,
    body: String,
}

impl ArString {
    pub fn new(name: &str, _algo: &StateSet, body: &str, comments: &str) -> Self {
        let s = ArString { id: next_id(), name: name.to_owned(), body: body.to_owned() };
        s.def().emit("string_declare", comments);
        s
    }

    fn def(&self) -> Def {
        Def::new(&self.id, &self.name).field("body", &self.body)
    }

    pub fn len(&self) -> usize {
        self.body.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.body
    }

    /// The character at `index` (Python's `s[i]`).
    pub fn get(&self, index: usize) -> Result<char> {
        let c = self.body.chars().nth(index).ok_or_else(|| Error::from("index out of range"))?;
        self.show(index);
        Ok(c)
    }

    fn show(&self, index: usize) {
        let comments = format!("accessing character at {index}");
        self.def().field("index", &index).emit("string_iter", &comments);
    }

    /// Appends text (`string_append`).
    pub fn append(&mut self, text: &str, comments: &str) {
        self.body.push_str(text);
        self.def().field("element", text).emit("string_append", comments);
    }

    /// Iterates the characters, showing each, like Python's `for c in s`.
    pub fn iter(&self) -> impl Iterator<Item = char> + '_ {
        self.body.chars().enumerate().map(move |(i, c)| {
            self.show(i);
            c
        })
    }
}
