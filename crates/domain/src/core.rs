//! [`Core`]: the ports every use-case service needs (store, clock, id generator, read cache),
//! and the recorders built from them for the audit trail and the email outbox.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::AuditRecorder;
use crate::edge::{Cache, CacheNamespace, NoCache};
use crate::notifications::OutboxWriter;
use crate::shared::{Clock, IdGenerator, OrganizationId};
use crate::store::Store;

/// The ports shared by every service. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The current time.
    pub clock: Arc<dyn Clock>,
    /// Fresh ids.
    pub ids: Arc<dyn IdGenerator>,
    /// The read cache, told about every committed catalog write ([`NoCache`] unless set).
    pub cache: Arc<dyn Cache>,
}

impl Core {
    /// Bundles the three ports, with no read cache.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, ids: Arc<dyn IdGenerator>) -> Self {
        Self { store, clock, ids, cache: Arc::new(NoCache) }
    }

    /// The same ports with this read cache.
    #[must_use]
    pub fn with_cache(mut self, cache: Arc<dyn Cache>) -> Self {
        self.cache = cache;
        self
    }

    /// Tells the read cache that the organization's catalog changed; call it after the write
    /// commits. A cache that cannot be told is logged, not returned: the write is done, and
    /// failing the request would invite a retry of a committed change (the cache adapter and
    /// the entries' time-to-live bound what a missed invalidation can serve).
    pub async fn catalog_changed(&self, organization: OrganizationId) {
        catalog_changed(&*self.cache, organization).await;
    }

    /// Tells the read cache that a booking or group session of the organization was created or
    /// cancelled (what its TAs are free for changed); call it after the write commits, as
    /// [`Core::catalog_changed`].
    pub async fn schedule_changed(&self, organization: OrganizationId) {
        invalidate(&*self.cache, CacheNamespace::schedule(organization)).await;
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A fresh typed id.
    pub fn new_id<I: From<Uuid>>(&self) -> I {
        I::from(self.ids.new_uuid())
    }

    /// A recorder of audit events.
    pub fn audit(&self) -> AuditRecorder {
        AuditRecorder::new(self.ids.clone(), self.clock.clone())
    }

    /// A writer of outbox messages.
    pub fn outbox(&self) -> OutboxWriter {
        OutboxWriter::new(self.ids.clone(), self.clock.clone())
    }
}

/// [`Core::catalog_changed`] for services that hold a cache but no [`Core`]. Slot searches
/// depend on the catalog too: their namespace is advanced with it.
pub async fn catalog_changed(cache: &dyn Cache, organization: OrganizationId) {
    invalidate(cache, CacheNamespace::catalog(organization)).await;
    invalidate(cache, CacheNamespace::schedule(organization)).await;
}

async fn invalidate(cache: &dyn Cache, namespace: CacheNamespace) {
    if let Err(error) = cache.invalidate(namespace).await {
        let (organization, kind) = (namespace.organization, namespace.kind);
        tracing::warn!(%organization, kind, error = %error, "the read cache missed an invalidation");
    }
}
