//! The read cache: the [`Cache`] port, holding serialized read results per organization and
//! namespace, and the generation rule that keeps it from ever serving a value older than the
//! last write.
//!
//! Every namespace has a generation number. A read that misses learns the current generation,
//! computes the value from the database, and stores it *for that generation*; a write, after it
//! commits, advances the generation. A value computed before a write can therefore never be
//! stored after it (its generation is stale: the store drops it), and nothing stored under an
//! older generation is ever returned.

use std::time::Duration;

use async_trait::async_trait;

use domain::shared::OrganizationId;
use domain::store::StoreError;

/// What a cached value belongs to: one organization's reads of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheNamespace {
    /// The organization.
    pub organization: OrganizationId,
    /// The kind of reads.
    pub kind: &'static str,
}

impl CacheNamespace {
    /// The catalog of an organization: courses, course TAs, TAs, products, group-session
    /// templates and availability. Any write to one of them invalidates the whole namespace.
    pub fn catalog(organization: OrganizationId) -> Self {
        Self { organization, kind: "catalog" }
    }

    /// The slot searches of an organization: they depend on its catalog (settings, courses,
    /// TAs, availability) and on every booking and group session of its TAs, so that any write
    /// to one of those invalidates the whole namespace.
    pub fn schedule(organization: OrganizationId) -> Self {
        Self { organization, kind: "schedule" }
    }
}

/// A namespace's generation number.
pub type Generation = u64;

/// The outcome of a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheLookup {
    /// The value stored under the current generation.
    Hit(Vec<u8>),
    /// Nothing for the current generation, which is given: pass it to [`Cache::put`].
    Miss(Generation),
}

/// Caches serialized read results, shared by every instance using the same backend.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Cache: Send + Sync {
    /// The value of `key` in `namespace` under the namespace's current generation (one round
    /// trip for a remote store).
    ///
    /// # Errors
    /// Only store failures (the caller reads from the database instead).
    async fn get(&self, namespace: CacheNamespace, key: &str) -> Result<CacheLookup, StoreError>;

    /// Stores `value` for `key`, computed under `generation`, for `ttl` — only if `generation`
    /// is still the namespace's current one (atomically: a concurrent invalidation wins).
    ///
    /// # Errors
    /// Only store failures.
    async fn put(
        &self,
        namespace: CacheNamespace,
        key: &str,
        generation: Generation,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<(), StoreError>;

    /// Advances the namespace's generation: nothing stored before is returned again, and no
    /// value computed before can be stored.
    ///
    /// # Errors
    /// Only store failures.
    async fn invalidate(&self, namespace: CacheNamespace) -> Result<(), StoreError>;
}

/// A cache that holds nothing: every lookup misses. For services built without a cache
/// (domain tests, tools).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCache;

#[async_trait]
impl Cache for NoCache {
    async fn get(&self, _: CacheNamespace, _: &str) -> Result<CacheLookup, StoreError> {
        Ok(CacheLookup::Miss(0))
    }

    async fn put(&self, _: CacheNamespace, _: &str, _: Generation, _: Vec<u8>, _: Duration) -> Result<(), StoreError> {
        Ok(())
    }

    async fn invalidate(&self, _: CacheNamespace) -> Result<(), StoreError> {
        Ok(())
    }
}
