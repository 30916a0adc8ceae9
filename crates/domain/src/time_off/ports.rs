//! Persistence port of TA time off.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::TimeOff;
use crate::shared::{Interval, OrganizationId, PageRequest, TimeOffId, UserId};
use crate::store::StoreError;

/// Stores windows of time off.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait TimeOffRepository: Send + Sync {
    /// Records a window. The caller first locks the TA (`UserRepository::lock`) in the same
    /// transaction: a session written for that TA takes the same row `FOR KEY SHARE` (its
    /// foreign key) before the store checks its time off, so the session either committed
    /// before (and the caller reads it next) or is refused by the store after (migration 009).
    ///
    /// # Errors
    /// Only store failures.
    async fn insert(&self, time_off: &TimeOff) -> Result<(), StoreError>;

    /// One window.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: TimeOffId) -> Result<Option<TimeOff>, StoreError>;

    /// Deletes a window; returns whether it existed.
    ///
    /// # Errors
    /// Only store failures.
    async fn delete(&self, organization: OrganizationId, id: TimeOffId) -> Result<bool, StoreError>;

    /// The TA's windows that end after `from` and start before `to` (each bound when given),
    /// ordered by start then id, at most `page.fetch_limit()` strictly after the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(
        &self,
        organization: OrganizationId,
        ta: UserId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &PageRequest,
    ) -> Result<Vec<TimeOff>, StoreError>;

    /// The windows of these TAs that intersect `span`, in one read.
    ///
    /// # Errors
    /// Only store failures.
    async fn overlapping(
        &self,
        organization: OrganizationId,
        tas: &[UserId],
        span: Interval,
    ) -> Result<Vec<(UserId, Interval)>, StoreError>;
}
