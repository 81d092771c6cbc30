use crate::emit::{json, next_id, push_uint, py_str, Def, StateSet};
use crate::{Error, Result};
use serde::Serialize;
use std::cell::RefCell;

/// An index into an `Array`: a number for one dimension, a tuple for more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idx(Dims);

/// A one-dimensional index (nearly every one) is kept without a heap allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dims {
    One([usize; 1]),
    Many(Vec<usize>),
}

impl From<usize> for Idx {
    fn from(i: usize) -> Self {
        Idx(Dims::One([i]))
    }
}
impl From<(usize, usize)> for Idx {
    fn from((a, b): (usize, usize)) -> Self {
        Idx(Dims::Many(vec![a, b]))
    }
}
impl From<(usize, usize, usize)> for Idx {
    fn from((a, b, c): (usize, usize, usize)) -> Self {
        Idx::from(vec![a, b, c])
    }
}
impl<const N: usize> From<[usize; N]> for Idx {
    fn from(a: [usize; N]) -> Self {
        Idx::from(a.to_vec())
    }
}
impl From<Vec<usize>> for Idx {
    fn from(v: Vec<usize>) -> Self {
        match v.as_slice() {
            [one] => Idx(Dims::One([*one])),
            _ => Idx(Dims::Many(v)),
        }
    }
}

impl Idx {
    pub fn dims(&self) -> &[usize] {
        match &self.0 {
            Dims::One(one) => one,
            Dims::Many(many) => many,
        }
    }

    fn write(&self, out: &mut String) {
        match self.dims() {
            [one] => push_uint(out, *one as u64),
            many => json(out, many),
        }
    }

    /// As Python prints an int or a tuple.
    fn py(&self) -> String {
        match self.dims() {
            [one] => one.to_string(),
            many => format!(
                "({})",
                many.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// A fixed-size array of one or more dimensions (`array_*` states).
pub struct Array<T> {
    id: String,
    name: String,
    shape: Vec<usize>,
    data: Vec<T>,
    /// What every state's def starts with (id, name and the whole body): kept until the data
    /// changes, since most states (compare, read) do not change it. Empty when stale.
    head: RefCell<String>,
}

impl<T: Serialize + Clone> Array<T> {
    /// A one-dimensional array holding `data`.
    pub fn new(name: &str, _algo: &StateSet, data: Vec<T>, comments: &str) -> Self {
        let shape = vec![data.len()];
        Self::declare(name, shape, data, comments)
    }

    /// An array of the given shape, every element `fill` (Python's `shape=..., fill=...`).
    pub fn with_shape(name: &str, _algo: &StateSet, shape: &[usize], fill: T, comments: &str) -> Self {
        let count = shape.iter().product();
        Self::declare(name, shape.to_vec(), vec![fill; count], comments)
    }

    /// A two-dimensional array from its rows; every row must have the same length.
    pub fn from_rows(name: &str, _algo: &StateSet, rows: Vec<Vec<T>>, comments: &str) -> Result<Self> {
        let cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != cols) {
            return Err(Error::from("all rows of an array must have the same length"));
        }
        let shape = vec![rows.len(), cols];
        Ok(Self::declare(name, shape, rows.into_iter().flatten().collect(), comments))
    }

    fn declare(name: &str, shape: Vec<usize>, data: Vec<T>, comments: &str) -> Self {
        let a = Array { id: next_id(), name: name.to_owned(), shape, data, head: RefCell::default() };
        a.def().emit("array_declare", comments);
        a
    }

    /// The def every array state starts with: id, name and the whole body.
    fn def(&self) -> Def {
        let mut head = self.head.borrow_mut();
        if head.is_empty() {
            let def = Def::new(&self.id, &self.name).with("body", |out| self.write_body(out));
            head.push_str(def.head());
            return def;
        }
        Def::from_head(&head)
    }

    fn write_body(&self, out: &mut String) {
        fn nest<T: Serialize>(out: &mut String, shape: &[usize], data: &[T]) {
            match shape {
                [] | [_] => json(out, data),
                [n, rest @ ..] => {
                    out.push('[');
                    let step: usize = rest.iter().product();
                    for i in 0..*n {
                        if i > 0 {
                            out.push(',');
                        }
                        nest(out, rest, &data[i * step..(i + 1) * step]);
                    }
                    out.push(']');
                }
            }
        }
        nest(out, &self.shape, &self.data);
    }

    fn offset(&self, idx: &Idx) -> Result<usize> {
        if idx.dims().len() != self.shape.len() {
            return Err(Error(format!(
                "index {} has {} dimensions, the array has {}",
                idx.py(),
                idx.dims().len(),
                self.shape.len()
            )));
        }
        let mut off = 0;
        for (i, (&at, &size)) in idx.dims().iter().zip(&self.shape).enumerate() {
            if at >= size {
                return Err(Error(format!("index {} out of bounds in dimension {i}", idx.py())));
            }
            off = off * size + at;
        }
        Ok(off)
    }

    pub fn len(&self) -> usize {
        self.shape.first().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Reads an element (`array_iter`).
    pub fn get(&self, idx: impl Into<Idx>) -> Result<T> {
        let idx = idx.into();
        let at = self.offset(&idx)?;
        self.def().with("index", |o| idx.write(o)).emit("array_iter", "");
        Ok(self.data[at].clone())
    }

    /// Writes an element (`array_iter` with `value` and `last_value`).
    pub fn set(&mut self, idx: impl Into<Idx>, value: T) -> Result<()> {
        let idx = idx.into();
        let at = self.offset(&idx)?;
        let last = std::mem::replace(&mut self.data[at], value);
        self.head.get_mut().clear();
        let comments = format!("Writing {} at index {}", py_str(&self.data[at]), idx.py());
        self.def()
            .with("index", |o| idx.write(o))
            .field("value", &self.data[at])
            .field("last_value", &last)
            .emit("array_iter", &comments);
        Ok(())
    }

    /// Swaps two elements (`array_swap`).
    pub fn swap(&mut self, i: impl Into<Idx>, j: impl Into<Idx>, comments: &str) -> Result<()> {
        let (i, j) = (i.into(), j.into());
        let (a, b) = (self.offset(&i)?, self.offset(&j)?);
        self.data.swap(a, b);
        self.head.get_mut().clear();
        self.def().with("index1", |o| i.write(o)).with("index2", |o| j.write(o)).emit("array_swap", comments);
        Ok(())
    }

    /// Compares two elements with `f` (`array_compare`) and returns what `f` returns.
    pub fn compare<R>(
        &self,
        i: impl Into<Idx>,
        j: impl Into<Idx>,
        f: impl FnOnce(&T, &T) -> R,
        comments: &str,
    ) -> Result<R> {
        let (i, j) = (i.into(), j.into());
        let (a, b) = (self.offset(&i)?, self.offset(&j)?);
        self.def().with("index1", |o| i.write(o)).with("index2", |o| j.write(o)).emit("array_compare", comments);
        Ok(f(&self.data[a], &self.data[b]))
    }

    /// Iterates the elements in order, showing each (`array_iter`), like Python's `for x in arr`.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.data.len()).map(move |flat| {
            let mut idx = vec![0; self.shape.len()];
            let mut rest = flat;
            for (d, size) in self.shape.iter().enumerate().rev() {
                idx[d] = rest % size;
                rest /= size;
            }
            let idx = Idx::from(idx);
            self.def().with("index", |o| idx.write(o)).emit("array_iter", "");
            self.data[flat].clone()
        })
    }

    /// The elements without emitting anything.
    pub fn to_vec(&self) -> Vec<T> {
        self.data.clone()
    }
}
