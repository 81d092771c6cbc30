//! ForwardList: a singly linked list whose nodes are shown one by one (`ll_*`, `llnode_*`).
//!
//! The Python toolkit emits `llnode_delete` from a node's destructor, so a node disappears
//! exactly when its last reference goes, and the nodes still in the list are deleted, head
//! first, when the list itself goes. The arena below reproduces those moments.
use crate::emit::{next_id, Def, StateSet};
use crate::{Error, Result};
use serde::Serialize;

struct Node<T> {
    id: String,
    value: T,
    next: Option<usize>,
}

pub struct ForwardList<T: Serialize> {
    id: String,
    name: String,
    nodes: Vec<Node<T>>,
    head: Option<usize>,
    size: usize,
}

impl<T: Serialize + Clone + PartialEq> ForwardList<T> {
    /// Python's ForwardList ignores its `comments` when declaring; so does this.
    pub fn new(name: &str, _algo: &StateSet, _comments: &str) -> Self {
        let l = ForwardList { id: next_id(), name: name.to_owned(), nodes: Vec::new(), head: None, size: 0 };
        Def::new(&l.id, &l.name).field("head", "none").emit("ll_declare", "");
        l
    }

    fn node_name(&self, n: Option<usize>) -> &str {
        n.map_or("none", |n| self.nodes[n].id.as_str())
    }

    fn new_node(&mut self, value: T) -> usize {
        let id = next_id();
        Def::new(&id, &id).field("value", &value).field("next", "none").emit("llnode_declare", "");
        self.nodes.push(Node { id, value, next: None });
        self.nodes.len() - 1
    }

    fn set_next(&mut self, n: usize, next: Option<usize>) {
        let last = std::mem::replace(&mut self.nodes[n].next, next);
        if last.is_none() && next.is_none() {
            return;
        }
        let node = &self.nodes[n];
        Def::new(&node.id, &node.id)
            .field("value", &node.value)
            .field("next", self.node_name(next))
            .field("last_next", self.node_name(last))
            .emit("llnode_next", "next pointer updated");
    }

    fn set_head(&mut self, head: Option<usize>) {
        let last = std::mem::replace(&mut self.head, head);
        Def::new(&self.id, &self.name)
            .field("head", self.node_name(head))
            .field("last_head", self.node_name(last))
            .emit("ll_head", "head pointer shifts");
    }

    fn delete(&self, n: usize) {
        let id = &self.nodes[n].id;
        Def::new(id, id).emit("llnode_delete", "Node was deleted");
    }

    pub fn len(&self) -> usize {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    pub fn push_front(&mut self, value: T) {
        let n = self.new_node(value);
        if self.head.is_some() {
            self.set_next(n, self.head);
        }
        self.set_head(Some(n));
        self.size += 1;
    }

    /// Inserts so the value ends up at `index`; past the end it is appended.
    pub fn insert(&mut self, value: T, index: usize) {
        if self.size == 0 || index == 0 {
            return self.push_front(value);
        }
        let mut temp = self.head.expect("non-empty");
        if self.size < index {
            while let Some(next) = self.nodes[temp].next {
                temp = next;
            }
            let n = self.new_node(value);
            self.set_next(temp, Some(n));
        } else {
            for _ in 1..index {
                temp = self.nodes[temp].next.expect("index within size");
            }
            let n = self.new_node(value);
            self.set_next(n, self.nodes[temp].next);
            self.set_next(temp, Some(n));
        }
        self.size += 1;
    }

    pub fn pop_front(&mut self) -> Result<T> {
        let old = self.head.ok_or_else(|| Error::from("Empty list"))?;
        self.set_head(self.nodes[old].next);
        self.delete(old);
        self.size -= 1;
        Ok(self.nodes[old].value.clone())
    }

    pub fn front(&self) -> Result<T> {
        let head = self.head.ok_or_else(|| Error::from("Empty list"))?;
        Ok(self.nodes[head].value.clone())
    }

    /// Removes every node holding `value`.
    pub fn remove(&mut self, value: &T) -> Result<()> {
        let mut head = self.head.ok_or_else(|| Error::from("Empty list"))?;
        while self.nodes[head].value == *value {
            self.set_head(self.nodes[head].next);
            self.delete(head);
            self.size -= 1;
            match self.head {
                Some(h) => head = h,
                None => return Ok(()),
            }
        }
        let mut curr = Some(head);
        while let Some(c) = curr {
            if let Some(next) = self.nodes[c].next {
                if self.nodes[next].value == *value {
                    self.set_next(c, self.nodes[next].next);
                    self.delete(next);
                    self.size -= 1;
                    continue;
                }
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

impl<T: Serialize> Drop for ForwardList<T> {
    fn drop(&mut self) {
        let mut at = self.head;
        while let Some(n) = at {
            let id = &self.nodes[n].id;
            Def::new(id, id).emit("llnode_delete", "Node was deleted");
            at = self.nodes[n].next;
        }
    }
}
