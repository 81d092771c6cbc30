use crate::emit::{next_id, Def, StateSet};
use serde::Serialize;

/// A named scalar whose changes are shown: `variable_declare`, then `variable_highlight`.
pub struct Variable<T> {
    id: String,
    name: String,
    value: T,
}

impl<T: Serialize + Clone> Variable<T> {
    pub fn new(name: &str, _algo: &StateSet, value: T, comments: &str) -> Self {
        let v = Variable { id: next_id(), name: name.to_owned(), value };
        v.def().field("value", &v.value).emit("variable_declare", comments);
        v
    }

    fn def(&self) -> Def {
        Def::new(&self.id, &self.name)
    }

    pub fn value(&self) -> T {
        self.value.clone()
    }

    /// Python's `var.value = x`.
    pub fn set(&mut self, value: T) {
        let last = std::mem::replace(&mut self.value, value);
        self.def().field("value", &self.value).field("last_value", &last).emit("variable_highlight", "");
    }

    /// Shows the variable without changing it.
    pub fn highlight(&self, comments: &str) {
        self.def().field("value", &self.value).emit("variable_highlight", comments);
    }
}
