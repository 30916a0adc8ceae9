//! The read cache in process memory: a generation counter per namespace, and the values in a
//! [`moka`] cache bounded by their total size, each with the time-to-live given to `put`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use domain::store::StoreError;
use edge::{Cache, CacheLookup, CacheNamespace, Generation};
use moka::Expiry;

use super::lock;

/// The default bound on the cached values' total size: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// What an entry weighs besides its key and value bytes (bookkeeping, roughly).
const ENTRY_OVERHEAD: usize = 96;

type Key = (CacheNamespace, String);

#[derive(Clone)]
struct Entry {
    generation: Generation,
    value: Arc<[u8]>,
    ttl: Duration,
}

/// Expires each entry after the `ttl` it was put with.
struct PerEntryTtl;

impl Expiry<Key, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _: &Key, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(&self, _: &Key, entry: &Entry, _: Instant, _: Option<Duration>) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// The read cache of one process.
///
/// `get` returns a value only when it was stored under the namespace's current generation;
/// `put` checks the generation and inserts under the same lock `invalidate` takes, so a value
/// computed before an invalidation is never stored after it. Values are evicted by size
/// (least recently and frequently used first) and by their time-to-live; generations are a
/// few bytes per namespace and are kept.
pub struct MemoryCache {
    generations: Mutex<HashMap<CacheNamespace, Generation>>,
    entries: moka::sync::Cache<Key, Entry>,
}

impl MemoryCache {
    /// An empty cache holding at most about `max_bytes` of keys and values.
    pub fn new(max_bytes: u64) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &Key, entry: &Entry| {
                u32::try_from(key.1.len() + entry.value.len() + ENTRY_OVERHEAD).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .build();
        Self { generations: Mutex::new(HashMap::new()), entries }
    }

    /// The approximate weight of the values held, in bytes (for tests and metrics).
    pub fn weighted_size(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

impl Default for MemoryCache {
    /// An empty cache of [`DEFAULT_MAX_BYTES`].
    fn default() -> Self {
        Self::new(DEFAULT_MAX_BYTES)
    }
}

impl std::fmt::Debug for MemoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCache").field("entries", &self.entries.entry_count()).finish_non_exhaustive()
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn get(&self, namespace: CacheNamespace, key: &str) -> Result<CacheLookup, StoreError> {
        let current = lock(&self.generations).get(&namespace).copied().unwrap_or(0);
        let map_key = (namespace, key.to_owned());
        match self.entries.get(&map_key) {
            Some(entry) if entry.generation == current => Ok(CacheLookup::Hit(entry.value.to_vec())),
            Some(_) => {
                self.entries.invalidate(&map_key);
                Ok(CacheLookup::Miss(current))
            }
            None => Ok(CacheLookup::Miss(current)),
        }
    }

    async fn put(
        &self,
        namespace: CacheNamespace,
        key: &str,
        generation: Generation,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let generations = lock(&self.generations);
        if generations.get(&namespace).copied().unwrap_or(0) == generation && !ttl.is_zero() {
            let entry = Entry { generation, value: value.into(), ttl };
            self.entries.insert((namespace, key.to_owned()), entry);
        }
        Ok(())
    }

    async fn invalidate(&self, namespace: CacheNamespace) -> Result<(), StoreError> {
        let mut generations = lock(&self.generations);
        let generation = generations.entry(namespace).or_insert(0);
        *generation = generation.wrapping_add(1);
        Ok(())
    }
}
