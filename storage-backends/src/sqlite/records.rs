//! The ARgorithm records this process has read, kept in memory. A run's lookup through sqlx's
//! worker thread cost more than the sandboxed run itself, and records change only through this
//! process: the SQLite file has one server (several servers share MongoDB instead; see the
//! README), and every write here drops the entry it changes.
use crate::ArgorithmRecord;
use std::collections::HashMap;
use std::sync::Mutex;

/// Past this many, the cache starts over rather than tracking which entry is oldest.
const MAX_ENTRIES: usize = 4096;

#[derive(Default)]
pub(crate) struct RecordCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    records: HashMap<String, ArgorithmRecord>,
    /// Bumped by every write, so a read that raced a write cannot store what it read.
    generation: u64,
}

impl RecordCache {
    /// The cached record, or the generation to hand to `keep` after reading the database.
    pub fn get(&self, argorithm_id: &str) -> Result<ArgorithmRecord, u64> {
        let inner = self.inner.lock().expect("record cache lock");
        inner.records.get(argorithm_id).cloned().ok_or(inner.generation)
    }

    /// Keeps a record read from the database, unless a write happened since `get`.
    pub fn keep(&self, generation: u64, record: &ArgorithmRecord) {
        let mut inner = self.inner.lock().expect("record cache lock");
        if inner.generation != generation {
            return;
        }
        if inner.records.len() >= MAX_ENTRIES {
            inner.records.clear();
        }
        inner.records.insert(record.argorithm_id.clone(), record.clone());
    }

    /// Called after every write to `argorithm_id`, whether it succeeded or not.
    pub fn forget(&self, argorithm_id: &str) {
        let mut inner = self.inner.lock().expect("record cache lock");
        inner.generation += 1;
        inner.records.remove(argorithm_id);
    }
}

#[cfg(test)]
mod tests {
    use super::RecordCache;
    use crate::ArgorithmRecord;

    fn record(id: &str, description: &str) -> ArgorithmRecord {
        ArgorithmRecord {
            argorithm_id: id.into(),
            maintainer: "m@example.com".into(),
            filename: "f.wasm".into(),
            function: "run".into(),
            description: description.into(),
            parameters: serde_json::json!({}),
            example: serde_json::json!({}),
            module_hash: "00".into(),
            module_size: 1,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = RecordCache::default();
        let generation = cache.get("a").unwrap_err();
        cache.forget("a");
        cache.keep(generation, &record("a", "old"));
        assert!(cache.get("a").is_err(), "the stale read was kept");
    }

    #[test]
    fn a_write_drops_the_cached_record() {
        let cache = RecordCache::default();
        let generation = cache.get("a").unwrap_err();
        cache.keep(generation, &record("a", "old"));
        assert_eq!(cache.get("a").unwrap().description, "old");
        cache.forget("a");
        assert!(cache.get("a").is_err());
    }
}
