//! Stack, Queue and PriorityQueue: a body and an element per operation.
use crate::emit::{next_id, Def, StateSet};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::VecDeque;

struct Named {
    id: String,
    name: String,
}

impl Named {
    fn new(name: &str) -> Self {
        Named { id: next_id(), name: name.to_owned() }
    }

    fn def<B: Serialize + ?Sized>(&self, body: &B) -> Def {
        Def::new(&self.id, &self.name).field("body", body)
    }
}

/// A LIFO stack (`stack_*` states); the body lists the bottom first.
pub struct Stack<T> {
    named: Named,
    body: Vec<T>,
}

impl<T: Serialize + Clone> Stack<T> {
    pub fn new(name: &str, _algo: &StateSet, comments: &str) -> Self {
        let s = Stack { named: Named::new(name), body: Vec::new() };
        s.named.def(&s.body).emit("stack_declare", comments);
        s
    }

    pub fn push(&mut self, element: T, comments: &str) {
        self.body.push(element);
        let element = self.body.last().expect("just pushed");
        self.named.def(&self.body).field("element", element).emit("stack_push", comments);
    }

    pub fn pop(&mut self, comments: &str) -> Result<T> {
        let element = self.body.pop().ok_or_else(|| Error::from("Stack is empty"))?;
        self.named.def(&self.body).field("element", &element).emit("stack_pop", comments);
        Ok(element)
    }

    pub fn top(&self, comments: &str) -> Result<T> {
        let top = self.body.last().cloned().ok_or_else(|| Error::from("Stack is empty"))?;
        self.named.def(&self.body).emit("stack_top", comments);
        Ok(top)
    }

    pub fn empty(&self) -> bool {
        self.body.is_empty()
    }

    pub fn size(&self) -> usize {
        self.body.len()
    }
}

/// A FIFO queue (`queue_*` states); the body lists the front first.
pub struct Queue<T> {
    named: Named,
    body: VecDeque<T>,
}

impl<T: Serialize + Clone> Queue<T> {
    pub fn new(name: &str, _algo: &StateSet, comments: &str) -> Self {
        let q = Queue { named: Named::new(name), body: VecDeque::new() };
        q.named.def(&q.body).emit("queue_declare", comments);
        q
    }

    pub fn push(&mut self, element: T, comments: &str) {
        self.body.push_back(element);
        let element = self.body.back().expect("just pushed");
        self.named.def(&self.body).field("element", element).emit("queue_push", comments);
    }

    pub fn pop(&mut self, comments: &str) -> Result<T> {
        let element = self.body.pop_front().ok_or_else(|| Error::from("queue is empty"))?;
        self.named.def(&self.body).field("element", &element).emit("queue_pop", comments);
        Ok(element)
    }

    pub fn front(&self, comments: &str) -> Result<T> {
        let front = self.body.front().cloned().ok_or_else(|| Error::from("queue is empty"))?;
        self.named.def(&self.body).emit("queue_front", comments);
        Ok(front)
    }

    pub fn back(&self, comments: &str) -> Result<T> {
        let back = self.body.back().cloned().ok_or_else(|| Error::from("queue is empty"))?;
        self.named.def(&self.body).emit("queue_back", comments);
        Ok(back)
    }

    pub fn empty(&self) -> bool {
        self.body.is_empty()
    }

    pub fn size(&self) -> usize {
        self.body.len()
    }
}

/// A min-heap (`priorityqueue_*` states). The body is the heap array in the exact order
/// Python's `heapq` keeps it, which is what the app draws.
pub struct PriorityQueue<T> {
    named: Named,
    heap: Vec<T>,
}

impl<T: Serialize + Clone + PartialOrd> PriorityQueue<T> {
    pub fn new(name: &str, _algo: &StateSet, comments: &str) -> Self {
        let q = PriorityQueue { named: Named::new(name), heap: Vec::new() };
        q.named.def(&q.heap).emit("priorityqueue_declare", comments);
        q
    }

    pub fn offer(&mut self, element: T, comments: &str) {
        self.heap.push(element.clone());
        let last = self.heap.len() - 1;
        sift_down(&mut self.heap, 0, last);
        self.named.def(&self.heap).field("element", &element).emit("priorityqueue_offer", comments);
    }

    pub fn poll(&mut self, comments: &str) -> Result<T> {
        let last = self.heap.pop().ok_or_else(|| Error::from("priority queue is empty"))?;
        let element = if self.heap.is_empty() {
            last
        } else {
            let top = std::mem::replace(&mut self.heap[0], last);
            sift_up(&mut self.heap, 0);
            top
        };
        self.named.def(&self.heap).field("element", &element).emit("priorityqueue_poll", comments);
        Ok(element)
    }

    pub fn peek(&self, comments: &str) -> Result<T> {
        let top = self.heap.first().cloned().ok_or_else(|| Error::from("priority queue is empty"))?;
        self.named.def(&self.heap).emit("priorityqueue_peek", comments);
        Ok(top)
    }

    pub fn empty(&self) -> bool {
        self.heap.is_empty()
    }

    pub fn size(&self) -> usize {
        self.heap.len()
    }
}

// heapq._siftdown and heapq._siftup, step for step, so bodies match the Python toolkit's.
fn sift_down<T: PartialOrd + Clone>(heap: &mut [T], start: usize, mut pos: usize) {
    let item = heap[pos].clone();
    while pos > start {
        let parent = (pos - 1) >> 1;
        if item < heap[parent] {
            heap[pos] = heap[parent].clone();
            pos = parent;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

fn sift_up<T: PartialOrd + Clone>(heap: &mut [T], mut pos: usize) {
    let end = heap.len();
    let start = pos;
    let item = heap[pos].clone();
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && !(heap[child] < heap[right]) {
            child = right;
        }
        heap[pos] = heap[child].clone();
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(heap, start, pos);
}
