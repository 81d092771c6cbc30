//! `GET /argorithms/list` answered from a body built once per change. Clients call the list
//! first, and building it costs a storage read and a serialization per record; with a thousand
//! records that was ~14 ms per request. Every write through this server marks the body stale;
//! with MongoDB, where other replicas write too, it is also rebuilt after `ttl`.
use bytes::Bytes;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct ListCache {
    current: Mutex<Option<(Bytes, Instant, u64)>>,
    /// Bumped by every write, so a body built while a write happened is not kept.
    generation: AtomicU64,
    ttl: Option<Duration>,
}

impl ListCache {
    pub fn new(ttl: Option<Duration>) -> Self {
        ListCache { current: Mutex::new(None), generation: AtomicU64::new(0), ttl }
    }

    /// The kept body, if it is still current.
    pub fn get(&self) -> Option<Bytes> {
        let current = self.current.lock();
        let (body, built, generation) = current.as_ref()?;
        let fresh = self.ttl.is_none_or(|ttl| built.elapsed() < ttl);
        (fresh && *generation == self.generation.load(Ordering::Acquire)).then(|| body.clone())
    }

    /// The generation a body about to be built belongs to.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `body`, built from storage as it was at `generation`, unless a write came since.
    pub fn keep(&self, body: Bytes, generation: u64) {
        if generation == self.generation.load(Ordering::Acquire) {
            *self.current.lock() = Some((body, Instant::now(), generation));
        }
    }

    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        *self.current.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::ListCache;
    use bytes::Bytes;
    use std::time::Duration;

    #[test]
    fn a_body_built_before_a_write_is_not_kept() {
        let cache = ListCache::new(None);
        let generation = cache.generation();
        cache.invalidate();
        cache.keep(Bytes::from_static(b"[]"), generation);
        assert!(cache.get().is_none());
        let generation = cache.generation();
        cache.keep(Bytes::from_static(b"[1]"), generation);
        assert_eq!(cache.get().as_deref(), Some(&b"[1]"[..]));
        cache.invalidate();
        assert!(cache.get().is_none());
    }

    #[test]
    fn with_a_ttl_a_body_expires() {
        let cache = ListCache::new(Some(Duration::ZERO));
        let generation = cache.generation();
        cache.keep(Bytes::from_static(b"[]"), generation);
        assert!(cache.get().is_none());
    }
}
