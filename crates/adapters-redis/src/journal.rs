//! [`JournaledCache`]: a cache that remembers the invalidations it could not deliver (Redis
//! was down when a write committed) and delivers them before it serves anything again, so that
//! a value cached before the write is never served after it — not even once Redis is back.
//!
//! While an organization's invalidation is pending, its lookups fail (the caller reads the
//! database) and its stores are skipped. Every call first retries the pending invalidations,
//! so they are delivered by the first request after Redis returns. Other instances never saw
//! the write's invalidation either; they skip the cache while Redis is down, and the writer's
//! retry reaches them through Redis within its first request after the outage. The window that
//! remains (Redis back, writer idle) is bounded by the entries' time-to-live.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use domain::store::StoreError;
use edge::{Cache, CacheLookup, CacheNamespace, Generation};

/// Wraps a cache with a journal of undelivered invalidations.
pub struct JournaledCache<C> {
    inner: C,
    pending: Mutex<HashSet<CacheNamespace>>,
}

impl<C> JournaledCache<C> {
    /// `inner`, with an empty journal.
    pub fn new(inner: C) -> Self {
        Self { inner, pending: Mutex::new(HashSet::new()) }
    }

    /// How many invalidations wait to be delivered.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<CacheNamespace>> {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<C> std::fmt::Debug for JournaledCache<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournaledCache").field("pending", &self.pending()).finish_non_exhaustive()
    }
}

impl<C: Cache> JournaledCache<C> {
    /// Delivers what it can of the journal; whether `namespace` is clear afterwards.
    async fn flush(&self, namespace: CacheNamespace) -> bool {
        let waiting: Vec<CacheNamespace> = self.lock().iter().copied().collect();
        for pending in waiting {
            if self.inner.invalidate(pending).await.is_err() {
                // Redis is still away: the rest would fail alike.
                break;
            }
            self.lock().remove(&pending);
        }
        !self.lock().contains(&namespace)
    }
}

#[async_trait]
impl<C: Cache> Cache for JournaledCache<C> {
    async fn get(&self, namespace: CacheNamespace, key: &str) -> Result<CacheLookup, StoreError> {
        if !self.flush(namespace).await {
            return Err(StoreError::Unavailable(anyhow::anyhow!("an invalidation of this namespace is pending")));
        }
        self.inner.get(namespace, key).await
    }

    async fn put(
        &self,
        namespace: CacheNamespace,
        key: &str,
        generation: Generation,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        if !self.flush(namespace).await {
            return Ok(());
        }
        self.inner.put(namespace, key, generation, value, ttl).await
    }

    async fn invalidate(&self, namespace: CacheNamespace) -> Result<(), StoreError> {
        match self.inner.invalidate(namespace).await {
            Ok(()) => {
                self.lock().remove(&namespace);
                Ok(())
            }
            Err(error) => {
                self.lock().insert(namespace);
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use domain::shared::OrganizationId;

    use super::*;
    use crate::memory::MemoryCache;

    /// A memory cache that can be switched off, as Redis behind a cut connection.
    struct Switchable {
        inner: MemoryCache,
        down: Arc<AtomicBool>,
    }

    impl Switchable {
        fn check(&self) -> Result<(), StoreError> {
            if self.down.load(Ordering::SeqCst) {
                Err(StoreError::Unavailable(anyhow::anyhow!("down")))
            } else {
                Ok(())
            }
        }
    }

    #[async_trait]
    impl Cache for Switchable {
        async fn get(&self, ns: CacheNamespace, key: &str) -> Result<CacheLookup, StoreError> {
            self.check()?;
            self.inner.get(ns, key).await
        }

        async fn put(
            &self,
            ns: CacheNamespace,
            key: &str,
            generation: Generation,
            value: Vec<u8>,
            ttl: Duration,
        ) -> Result<(), StoreError> {
            self.check()?;
            self.inner.put(ns, key, generation, value, ttl).await
        }

        async fn invalidate(&self, ns: CacheNamespace) -> Result<(), StoreError> {
            self.check()?;
            self.inner.invalidate(ns).await
        }
    }

    const TTL: Duration = Duration::from_secs(60);

    fn namespace(n: u128) -> CacheNamespace {
        CacheNamespace::catalog(OrganizationId::from_uuid(uuid::Uuid::from_u128(n)))
    }

    async fn cached(cache: &dyn Cache, ns: CacheNamespace, value: &str) {
        let CacheLookup::Miss(generation) = cache.get(ns, "k").await.unwrap() else { panic!("expected a miss") };
        cache.put(ns, "k", generation, value.as_bytes().to_vec(), TTL).await.unwrap();
    }

    #[tokio::test]
    async fn an_invalidation_lost_during_an_outage_is_delivered_before_the_old_value_is_served() {
        let down = Arc::new(AtomicBool::new(false));
        let cache = JournaledCache::new(Switchable { inner: MemoryCache::default(), down: down.clone() });
        let (ns, other) = (namespace(1), namespace(2));
        cached(&cache, ns, "old").await;
        cached(&cache, other, "theirs").await;

        down.store(true, Ordering::SeqCst);
        cache.invalidate(ns).await.unwrap_err();
        assert_eq!(cache.pending(), 1);
        assert!(cache.get(ns, "k").await.is_err());

        down.store(false, Ordering::SeqCst);
        // The first call after the outage, whatever its namespace, delivers the journal.
        assert_eq!(cache.get(other, "k").await.unwrap(), CacheLookup::Hit(b"theirs".to_vec()));
        assert_eq!(cache.pending(), 0);
        assert!(matches!(cache.get(ns, "k").await.unwrap(), CacheLookup::Miss(_)), "the old value is gone");
    }

    #[tokio::test]
    async fn while_an_invalidation_is_pending_its_namespace_is_neither_read_nor_written() {
        let down = Arc::new(AtomicBool::new(false));
        let inner = Switchable { inner: MemoryCache::default(), down: down.clone() };
        let cache = JournaledCache::new(inner);
        let ns = namespace(1);
        down.store(true, Ordering::SeqCst);
        cache.invalidate(ns).await.unwrap_err();
        down.store(false, Ordering::SeqCst);
        // Delivered on this call: the namespace is usable again at once.
        cached(&cache, ns, "fresh").await;
        assert_eq!(cache.get(ns, "k").await.unwrap(), CacheLookup::Hit(b"fresh".to_vec()));
    }
}
