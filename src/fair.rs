//! Sandbox slots shared fairly between clients. A client holds at most `per_client` slots at
//! once; its other requests wait in a queue of its own, and a freed slot goes to the next client
//! in turn that has someone waiting and is under its share, so one client's flood of requests
//! waits behind everyone else's instead of in front of them.
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Why no slot was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A slot is free, but the client already holds its share: 429.
    OverShare,
    /// Every slot is taken: 503.
    Busy,
}

/// A queued request: its ticket and where its slot is handed over.
type Waiter<K> = (u64, oneshot::Sender<Slot<K>>);

pub struct FairSlots<K: Eq + Hash + Clone> {
    inner: Arc<Mutex<Inner<K>>>,
    per_client: usize,
    /// Requests one client may have waiting at once (each is a parked request on a connection,
    /// which `MAX_CONNECTIONS` bounds); more are refused at once.
    max_waiting: usize,
    wait: Duration,
}

struct Inner<K: Eq + Hash + Clone> {
    free: usize,
    held: HashMap<K, usize>,
    waiting: HashMap<K, VecDeque<Waiter<K>>>,
    /// Clients with someone waiting, in the order they are served.
    turn: VecDeque<K>,
    next_ticket: u64,
}

/// A held slot; dropping it gives it to the next client in turn.
pub struct Slot<K: Eq + Hash + Clone> {
    /// None once the slot was given back by other means (`hand_over`).
    inner: Option<Arc<Mutex<Inner<K>>>>,
    client: K,
    per_client: usize,
}

impl<K: Eq + Hash + Clone> FairSlots<K> {
    /// `slots` at once in all, `per_client` (at least 1) of them per client, waiting up to `wait`.
    pub fn new(slots: usize, per_client: usize, wait: Duration) -> Self {
        let slots = slots.max(1);
        let inner = Inner { free: slots, held: HashMap::new(), waiting: HashMap::new(), turn: VecDeque::new(), next_ticket: 0 };
        FairSlots { inner: Arc::new(Mutex::new(inner)), per_client: per_client.clamp(1, slots), max_waiting: (slots * 16).max(64), wait }
    }

    /// A slot for `client`, now or after the clients ahead of it, within the wait.
    pub async fn acquire(&self, client: K) -> Result<Slot<K>, Refusal> {
        let (ticket, receiver) = {
            let mut inner = self.inner.lock();
            let held = inner.held.get(&client).copied().unwrap_or(0);
            if inner.free > 0 && held < self.per_client {
                inner.free -= 1;
                *inner.held.entry(client.clone()).or_default() += 1;
                return Ok(self.slot(client));
            }
            let queue_len = inner.waiting.get(&client).map_or(0, VecDeque::len);
            if queue_len >= self.max_waiting {
                return Err(inner.refusal(&client, self.per_client));
            }
            let ticket = inner.next_ticket;
            inner.next_ticket += 1;
            let (sender, receiver) = oneshot::channel();
            let queue = inner.waiting.entry(client.clone()).or_default();
            queue.push_back((ticket, sender));
            if queue.len() == 1 {
                inner.turn.push_back(client.clone());
            }
            (ticket, receiver)
        };
        // Leaving the queue when the wait is over or the caller gives up (its client went
        // away), so that no slot is handed to nobody.
        let mut leave = Leave { inner: &self.inner, client: &client, ticket, armed: true };
        match tokio::time::timeout(self.wait, receiver).await {
            Ok(Ok(slot)) => {
                leave.armed = false;
                Ok(slot)
            }
            _ => {
                drop(leave);
                Err(self.inner.lock().refusal(&client, self.per_client))
            }
        }
    }

    fn slot(&self, client: K) -> Slot<K> {
        Slot { inner: Some(self.inner.clone()), client, per_client: self.per_client }
    }

    /// Slots held now, by every client together (for tests and metrics).
    pub fn in_use(&self, total: usize) -> usize {
        total - self.inner.lock().free
    }
}

impl<K: Eq + Hash + Clone> Inner<K> {
    /// Why `client` gets no slot: its share (429) when one is free, else a full sandbox (503).
    fn refusal(&self, client: &K, per_client: usize) -> Refusal {
        let held = self.held.get(client).copied().unwrap_or(0);
        if self.free > 0 && held >= per_client {
            Refusal::OverShare
        } else {
            Refusal::Busy
        }
    }
}

struct Leave<'a, K: Eq + Hash + Clone> {
    inner: &'a Mutex<Inner<K>>,
    client: &'a K,
    ticket: u64,
    armed: bool,
}

impl<K: Eq + Hash + Clone> Drop for Leave<'_, K> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut inner = self.inner.lock();
        if let Some(queue) = inner.waiting.get_mut(self.client) {
            queue.retain(|(t, _)| *t != self.ticket);
            if queue.is_empty() {
                inner.waiting.remove(self.client);
                inner.turn.retain(|c| c != self.client);
            }
        }
    }
}

impl<K: Eq + Hash + Clone> Drop for Slot<K> {
    fn drop(&mut self) {
        let Some(shared) = self.inner.take() else { return };
        let mut inner = shared.lock();
        release(&mut inner, &self.client);
        hand_over(&mut inner, &shared, self.per_client);
    }
}

fn release<K: Eq + Hash + Clone>(inner: &mut Inner<K>, client: &K) {
    if let Some(held) = inner.held.get_mut(client) {
        *held -= 1;
        if *held == 0 {
            inner.held.remove(client);
        }
    }
    inner.free += 1;
}

/// Gives free slots to waiting clients, in turn, skipping those at their share.
fn hand_over<K: Eq + Hash + Clone>(inner: &mut Inner<K>, shared: &Arc<Mutex<Inner<K>>>, per_client: usize) {
    let mut tried = 0;
    while inner.free > 0 && tried < inner.turn.len() {
        let Some(client) = inner.turn.pop_front() else { break };
        let held = inner.held.get(&client).copied().unwrap_or(0);
        if held >= per_client {
            inner.turn.push_back(client);
            tried += 1;
            continue;
        }
        let Some(queue) = inner.waiting.get_mut(&client) else { continue };
        let Some((_, sender)) = queue.pop_front() else { continue };
        let more = !queue.is_empty();
        if more {
            inner.turn.push_back(client.clone());
        } else {
            inner.waiting.remove(&client);
        }
        inner.free -= 1;
        *inner.held.entry(client.clone()).or_default() += 1;
        let slot = Slot { inner: Some(shared.clone()), client, per_client };
        if let Err(mut slot) = sender.send(slot) {
            // Its request was dropped just now: the slot comes back here, under the lock this
            // function already holds, not through its Drop.
            slot.inner = None;
            release(inner, &slot.client);
        }
        tried = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(total: usize, per_client: usize) -> FairSlots<&'static str> {
        FairSlots::new(total, per_client, Duration::from_millis(200))
    }

    #[tokio::test]
    async fn a_client_holds_no_more_than_its_share() {
        let fair = slots(2, 1);
        let _a = fair.acquire("a").await.unwrap();
        assert_eq!(fair.acquire("a").await.err(), Some(Refusal::OverShare), "a waits, then is told it holds its share");
        let _b = fair.acquire("b").await.expect("b gets the other slot at once");
        assert_eq!(fair.in_use(2), 2);
    }

    #[tokio::test]
    async fn a_freed_slot_goes_to_the_next_client_in_turn() {
        let fair = Arc::new(FairSlots::new(1, 1, Duration::from_secs(5)));
        let first = fair.acquire("a").await.unwrap();
        let (f1, f2, f3) = (fair.clone(), fair.clone(), fair.clone());
        let a_again = tokio::spawn(async move { f1.acquire("a").await.map(|_| "a") });
        tokio::task::yield_now().await;
        let b = tokio::spawn(async move { f2.acquire("b").await.map(|_| "b") });
        tokio::task::yield_now().await;
        let a_third = tokio::spawn(async move { f3.acquire("a").await.map(|_| "a") });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(first);
        // a asked first, so a's next request is served; then b, ahead of a's third.
        assert_eq!(a_again.await.unwrap(), Ok("a"));
        assert_eq!(b.await.unwrap(), Ok("b"));
        assert_eq!(a_third.await.unwrap(), Ok("a"));
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_no_slot_behind() {
        let fair = Arc::new(FairSlots::new(1, 1, Duration::from_secs(5)));
        let first = fair.acquire("a").await.unwrap();
        let f = fair.clone();
        let gone = tokio::spawn(async move { f.acquire("b").await.map(|_| ()) });
        tokio::time::sleep(Duration::from_millis(20)).await;
        gone.abort();
        let _ = gone.await;
        drop(first);
        assert_eq!(fair.in_use(1), 0, "the slot was not handed to the request that left");
        assert!(fair.acquire("c").await.is_ok());
    }

    #[tokio::test]
    async fn a_flooding_client_is_refused_at_once_past_its_queue() {
        let fair = Arc::new(slots(1, 1));
        let _held = fair.acquire("a").await.unwrap();
        let waiting: Vec<_> = (0..64).map(|_| { let f = fair.clone(); tokio::spawn(async move { f.acquire("a").await.map(|_| ()) }) }).collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = std::time::Instant::now();
        assert_eq!(fair.acquire("a").await.err(), Some(Refusal::Busy), "every slot is taken: 503, not 429");
        assert!(started.elapsed() < Duration::from_millis(50), "refused without waiting");
        for w in waiting {
            assert_eq!(w.await.unwrap(), Err(Refusal::Busy));
        }
        let fair = Arc::new(slots(2, 1));
        let _held = fair.acquire("a").await.unwrap();
        let waiting: Vec<_> = (0..64).map(|_| { let f = fair.clone(); tokio::spawn(async move { f.acquire("a").await.map(|_| ()) }) }).collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(fair.acquire("a").await.err(), Some(Refusal::OverShare), "a slot is free, a holds its share: 429");
        for w in waiting {
            assert_eq!(w.await.unwrap(), Err(Refusal::OverShare));
        }
    }
}
