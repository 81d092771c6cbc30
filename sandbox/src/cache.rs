//! Compiled programs kept for later runs, least recently used first out, bounded by the memory
//! they hold rather than by their number: a few large modules must not take what thousands of
//! small ones would.
use lru::LruCache;
use std::sync::Arc;

/// What an entry weighs in the cache.
pub(crate) trait Weighed {
    fn size(&self) -> usize;
}

pub(crate) struct ProgramCache<V: Weighed> {
    entries: LruCache<[u8; 32], Arc<V>>,
    bytes: usize,
    budget: usize,
}

impl<V: Weighed> ProgramCache<V> {
    pub fn new(budget: usize) -> Self {
        ProgramCache { entries: LruCache::unbounded(), bytes: 0, budget }
    }

    pub fn get(&mut self, key: &[u8; 32]) -> Option<Arc<V>> {
        self.entries.get(key).cloned()
    }

    /// Keeps `compiled` unless it alone is over the budget (it is then compiled again at its
    /// next run), evicting the least recently used entries to make room.
    pub fn put(&mut self, key: [u8; 32], compiled: Arc<V>) {
        let size = compiled.size();
        if size > self.budget {
            return;
        }
        if let Some(old) = self.entries.pop(&key) {
            self.bytes -= old.size();
        }
        while self.bytes + size > self.budget {
            match self.entries.pop_lru() {
                Some((_, evicted)) => self.bytes -= evicted.size(),
                None => break,
            }
        }
        self.bytes += size;
        self.entries.put(key, compiled);
    }

    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        (self.entries.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::{ProgramCache, Weighed};
    use std::sync::Arc;

    struct Blob(usize);

    impl Weighed for Blob {
        fn size(&self) -> usize {
            self.0
        }
    }

    fn key(n: u8) -> [u8; 32] {
        [n; 32]
    }

    #[test]
    fn the_cache_holds_at_most_its_budget_and_drops_the_least_recently_used_first() {
        let mut cache = ProgramCache::new(100);
        cache.put(key(1), Arc::new(Blob(40)));
        cache.put(key(2), Arc::new(Blob(40)));
        assert!(cache.get(&key(1)).is_some(), "1 is now the most recently used");
        cache.put(key(3), Arc::new(Blob(40)));
        assert_eq!(cache.held(), (2, 80));
        assert!(cache.get(&key(2)).is_none(), "2 was the least recently used");
        assert!(cache.get(&key(1)).is_some() && cache.get(&key(3)).is_some());
    }

    #[test]
    fn an_entry_over_the_whole_budget_is_not_kept_and_evicts_nothing() {
        let mut cache = ProgramCache::new(100);
        cache.put(key(1), Arc::new(Blob(60)));
        cache.put(key(2), Arc::new(Blob(101)));
        assert_eq!(cache.held(), (1, 60));
        assert!(cache.get(&key(2)).is_none());
    }

    #[test]
    fn replacing_an_entry_counts_its_new_size_only() {
        let mut cache = ProgramCache::new(100);
        cache.put(key(1), Arc::new(Blob(60)));
        cache.put(key(1), Arc::new(Blob(30)));
        assert_eq!(cache.held(), (1, 30));
    }
}
