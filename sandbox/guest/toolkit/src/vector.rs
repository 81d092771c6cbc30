use crate::emit::{next_id, py_str, Def, StateSet};
use crate::{Error, Result};
use serde::Serialize;

/// A growable array (`vector_*` states).
pub struct Vector<T> {
    id: String,
    name: String,
    body: Vec<T>,
}

impl<T: Serialize + Clone + PartialEq> Vector<T> {
    pub fn new(name: &str, _algo: &StateSet, data: Vec<T>, comments: &str) -> Self {
        let v = Vector { id: next_id(), name: name.to_owned(), body: data };
        v.def().emit("vector_declare", comments);
        v
    }

    fn def(&self) -> Def {
        Def::new(&self.id, &self.name).field("body", &self.body)
    }

    fn check(&self, index: usize) -> Result<()> {
        if index >= self.body.len() {
            return Err(Error(format!("index {index} out of range for a vector of {}", self.body.len())));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.body.len()
    }

    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// Inserts at `index`, or at the end when `None` (Python's `insert(value, index=None)`).
    pub fn insert(&mut self, value: T, index: Option<usize>) -> Result<()> {
        let index = index.unwrap_or(self.body.len());
        if index > self.body.len() {
            return Err(Error(format!("index {index} out of range for a vector of {}", self.body.len())));
        }
        self.body.insert(index, value);
        self.def().field("element", &self.body[index]).field("index", &index).emit("vector_insert", "");
        Ok(())
    }

    /// Removes the element at `index` (Python's `remove(index=i)`).
    pub fn remove_at(&mut self, index: usize) -> Result<T> {
        self.check(index)?;
        let value = self.body.remove(index);
        self.def().field("index", &index).emit("vector_remove", "");
        Ok(value)
    }

    /// Removes the first element equal to `value` (Python's `remove(value)`).
    pub fn remove(&mut self, value: &T) -> Result<()> {
        let index = self
            .body
            .iter()
            .position(|v| v == value)
            .ok_or_else(|| Error::from("value not found in vector"))?;
        self.remove_at(index).map(|_| ())
    }

    pub fn get(&self, index: usize) -> Result<T> {
        self.check(index)?;
        self.def().field("index", &index).emit("vector_iter", "");
        Ok(self.body[index].clone())
    }

    pub fn set(&mut self, index: usize, value: T) -> Result<()> {
        self.check(index)?;
        let last = std::mem::replace(&mut self.body[index], value);
        let comments = format!("Writing {} at index {index}", py_str(&self.body[index]));
        self.def()
            .field("index", &index)
            .field("value", &self.body[index])
            .field("last_value", &last)
            .emit("vector_iter", &comments);
        Ok(())
    }

    pub fn compare<R>(&self, i: usize, j: usize, f: impl FnOnce(&T, &T) -> R, comments: &str) -> Result<R> {
        self.check(i)?;
        self.check(j)?;
        self.def().field("index1", &i).field("index2", &j).emit("vector_compare", comments);
        Ok(f(&self.body[i], &self.body[j]))
    }

    pub fn swap(&mut self, i: usize, j: usize, comments: &str) -> Result<()> {
        self.check(i)?;
        self.check(j)?;
        self.body.swap(i, j);
        self.def().field("index1", &i).field("index2", &j).emit("vector_swap", comments);
        Ok(())
    }

    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.body.len()).map(move |i| {
            self.def().field("index", &i).emit("vector_iter", "");
            self.body[i].clone()
        })
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.body.clone()
    }
}
