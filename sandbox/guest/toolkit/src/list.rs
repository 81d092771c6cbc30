//! List: a doubly linked list (`dll_*`, `dllnode_*` states).
//!
//! As in the Python toolkit, a node is deleted when its last reference goes. Nodes that are
//! still linked to each other form reference cycles there, which Python does not collect while
//! the trace is recorded, so only a lone remaining node is deleted when the list goes.
use crate::emit::{next_id, Def, StateSet};
use crate::{Error, Result};
use serde::Serialize;

struct Node<T> {
    id: String,
    value: T,
    next: Option<usize>,
    prev: Option<usize>,
}

pub struct List<T: Serialize> {
    id: String,
    name: String,
    nodes: Vec<Node<T>>,
    head: Option<usize>,
    tail: Option<usize>,
    size: usize,
}

#[derive(Clone, Copy)]
enum Link {
    Next,
    Prev,
}

impl<T: Serialize + Clone + PartialEq> List<T> {
    /// Python's List ignores its `comments` when declaring; so does this.
    pub fn new(name: &str, _algo: &StateSet, _comments: &str) -> Self {
        let l = List { id: next_id(), name: name.to_owned(), nodes: Vec::new(), head: None, tail: None, size: 0 };
        l.list_def().emit("dll_declare", "");
        l
    }

    fn node_name(&self, n: Option<usize>) -> &str {
        n.map_or("none", |n| self.nodes[n].id.as_str())
    }

    fn list_def(&self) -> Def {
        Def::new(&self.id, &self.name)
            .field("head", self.node_name(self.head))
            .field("tail", self.node_name(self.tail))
    }

    fn node_def(&self, n: usize) -> Def {
        let node = &self.nodes[n];
        Def::new(&node.id, &node.id)
            .field("value", &node.value)
            .field("next", self.node_name(node.next))
            .field("prev", self.node_name(node.prev))
    }

    fn new_node(&mut self, value: T) -> usize {
        let id = next_id();
        self.nodes.push(Node { id, value, next: None, prev: None });
        let n = self.nodes.len() - 1;
        self.node_def(n).emit("dllnode_declare", "");
        n
    }

    fn set_link(&mut self, n: usize, link: Link, to: Option<usize>) {
        let slot = match link {
            Link::Next => &mut self.nodes[n].next,
            Link::Prev => &mut self.nodes[n].prev,
        };
        let last = std::mem::replace(slot, to);
        if last.is_none() && to.is_none() {
            return;
        }
        let (key, state, comments) = match link {
            Link::Next => ("last_next", "dllnode_next", "next pointer updated"),
            Link::Prev => ("last_prev", "dllnode_prev", "prev pointer updated"),
        };
        self.node_def(n).field(key, self.node_name(last)).emit(state, comments);
    }

    fn set_head(&mut self, head: Option<usize>) {
        let last = std::mem::replace(&mut self.head, head);
        let last = self.node_name(last).to_owned();
        self.list_def().field("last_head", &last).emit("dll_head", "head pointer shifts");
    }

    fn set_tail(&mut self, tail: Option<usize>) {
        let last = std::mem::replace(&mut self.tail, tail);
        let last = self.node_name(last).to_owned();
        self.list_def().field("last_tail", &last).emit("dll_tail", "tail pointer shifts");
    }

    fn delete(&self, n: usize) {
        let id = &self.nodes[n].id;
        Def::new(id, id).emit("dllnode_delete", "Node was deleted");
    }

    pub fn len(&self) -> usize {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    pub fn push_front(&mut self, value: T) {
        let n = self.new_node(value);
        match self.head {
            Some(head) => {
                self.set_link(n, Link::Next, Some(head));
                self.set_link(head, Link::Prev, Some(n));
                self.set_head(Some(n));
            }
            None => {
                self.set_head(Some(n));
                self.set_tail(Some(n));
            }
        }
        self.size += 1;
    }

    pub fn push_back(&mut self, value: T) {
        let n = self.new_node(value);
        match self.tail {
            Some(tail) => {
                self.set_link(n, Link::Prev, Some(tail));
                self.set_link(tail, Link::Next, Some(n));
                self.set_tail(Some(n));
            }
            None => {
                self.set_head(Some(n));
                self.set_tail(Some(n));
            }
        }
        self.size += 1;
    }

    /// Inserts so the value ends up at `index`; `None` or past the end appends.
    pub fn insert(&mut self, value: T, index: Option<usize>) {
        match index {
            _ if self.size == 0 || index == Some(0) => self.push_front(value),
            None => self.push_back(value),
            Some(i) if self.size < i => self.push_back(value),
            Some(i) => {
                let mut temp = self.head.expect("non-empty");
                for _ in 1..i {
                    temp = self.nodes[temp].next.expect("index within size");
                }
                let n = self.new_node(value);
                let after = self.nodes[temp].next;
                self.set_link(n, Link::Next, after);
                self.set_link(n, Link::Prev, Some(temp));
                if let Some(after) = after {
                    self.set_link(after, Link::Prev, Some(n));
                }
                self.set_link(temp, Link::Next, Some(n));
                self.size += 1;
            }
        }
    }

    pub fn pop_front(&mut self) -> Result<T> {
        let old = self.head.ok_or_else(|| Error::from("Empty list"))?;
        self.set_head(self.nodes[old].next);
        match self.head {
            Some(h) => self.set_link(h, Link::Prev, None),
            None => self.set_tail(None),
        }
        self.delete(old);
        self.size -= 1;
        Ok(self.nodes[old].value.clone())
    }

    pub fn pop_back(&mut self) -> Result<T> {
        let old = self.tail.ok_or_else(|| Error::from("Empty list"))?;
        self.set_tail(self.nodes[old].prev);
        match self.tail {
            Some(t) => self.set_link(t, Link::Next, None),
            None => self.set_head(None),
        }
        self.delete(old);
        self.size -= 1;
        Ok(self.nodes[old].value.clone())
    }

    pub fn front(&self) -> Result<T> {
        let n = self.head.ok_or_else(|| Error::from("Empty list"))?;
        Ok(self.nodes[n].value.clone())
    }

    pub fn back(&self) -> Result<T> {
        let n = self.tail.ok_or_else(|| Error::from("Empty list"))?;
        Ok(self.nodes[n].value.clone())
    }

    /// Removes every node holding `value`, as the Python toolkit's `List.remove` does
    /// (including its habit of clearing the list when one node would remain).
    pub fn remove(&mut self, value: &T) -> Result<()> {
        let mut curr = Some(self.head.ok_or_else(|| Error::from("Empty list"))?);
        while let Some(c) = curr {
            if self.nodes[c].value == *value {
                self.size -= 1;
                if self.size == 1 {
                    self.set_head(None);
                    self.set_tail(None);
                    self.size = 0;
                    return Ok(());
                }
                let (prev, next) = (self.nodes[c].prev, self.nodes[c].next);
                match prev {
                    Some(p) => self.set_link(p, Link::Next, next),
                    None => {
                        self.set_head(next);
                        match next {
                            Some(h) => self.set_link(h, Link::Prev, None),
                            None => self.set_tail(None),
                        }
                    }
                }
                match next {
                    Some(n) => {
                        if prev.is_some() {
                            self.set_link(n, Link::Prev, prev);
                        }
                    }
                    None => {
                        if prev.is_some() {
                            self.set_tail(prev);
                            self.set_link(prev.expect("checked"), Link::Next, None);
                        }
                    }
                }
                curr = next;
                self.delete(c);
                continue;
            }
            curr = self.nodes[c].next;
        }
        Ok(())
    }

    /// The values from head to tail, without emitting anything.
    pub fn to_vec(&self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.size);
        let mut at = self.head;
        while let Some(n) = at {
            out.push(self.nodes[n].value.clone());
            at = self.nodes[n].next;
        }
        out
    }
}

impl<T: Serialize> Drop for List<T> {
    fn drop(&mut self) {
        if let (Some(h), Some(t)) = (self.head, self.tail) {
            if h == t {
                let id = &self.nodes[h].id;
                Def::new(id, id).emit("dllnode_delete", "Node was deleted");
            }
        }
    }
}
