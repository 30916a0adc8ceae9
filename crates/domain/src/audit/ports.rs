//! Persistence port of the audit trail.

use async_trait::async_trait;

use super::model::{AuditEvent, AuditFilter};
use crate::shared::{OrganizationId, PageRequest};
use crate::store::StoreError;

/// The append-only audit trail.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AuditRepository: Send + Sync {
    /// Appends an event. Inside a transaction it commits with the change it records.
    ///
    /// # Errors
    /// Only store failures. Events are never updated or deleted.
    async fn append(&self, event: &AuditEvent) -> Result<(), StoreError>;

    /// Events of the organization matching `filter`, newest first (`at` descending, then id
    /// descending), at most `page.fetch_limit()` of them, strictly after the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(
        &self,
        organization: OrganizationId,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}
