use crate::emit::{next_id, Def, StateSet};
use serde::Serialize;

/// A set (`set_*` states). The Python toolkit 0.2.3 could not serialize a set, so the legacy
/// system never sent one; here the body is a JSON array in insertion order.
pub struct Set<T> {
    id: String,
    name: String,
    body: Vec<T>,
}

impl<T: Serialize + Clone + PartialEq> Set<T> {
    pub fn new(name: &str, _algo: &StateSet, comments: &str) -> Self {
        let s = Set { id: next_id(), name: name.to_owned(), body: Vec::new() };
        s.def().emit("set_declare", comments);
        s
    }

    fn def(&self) -> Def {
        Def::new(&self.id, &self.name).field("body", &self.body)
    }

    pub fn len(&self) -> usize {
        self.body.len()
    }

    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// Adds `element` (`set_add`); adding a present element changes nothing but is shown.
    pub fn add(&mut self, element: T, comments: &str) {
        if !self.body.contains(&element) {
            self.body.push(element.clone());
        }
        self.def().field("element", &element).emit("set_add", comments);
    }

    /// Removes `element` (`set_remove`) and says whether it was there.
    pub fn remove(&mut self, element: &T, comments: &str) -> bool {
        let found = self.body.iter().position(|e| e == element).map(|i| self.body.remove(i)).is_some();
        self.def().field("element", element).emit("set_remove", comments);
        found
    }

    /// Whether `element` is present (`set_find`, with `found`).
    pub fn find(&self, element: &T, comments: &str) -> bool {
        let found = self.body.contains(element);
        self.def().field("element", element).field("found", &found).emit("set_find", comments);
        found
    }
}
