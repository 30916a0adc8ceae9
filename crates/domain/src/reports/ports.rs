//! Persistence port of reports: aggregates the store computes over a window of sessions.

use async_trait::async_trait;

use super::model::{ReportFilter, SessionCursor, SessionReportRow, TaReportRow};
use crate::shared::OrganizationId;
use crate::store::StoreError;

/// Reads reports, each page or list in one statement.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReportRepository: Send + Sync {
    /// The organization's sessions that are not cancelled and match `filter`, ordered by
    /// `startsAt` then id, at most `limit` strictly after `after`. Seats, attendance counts
    /// and the amount MUST be aggregated per session by the store (one statement per page,
    /// never one per session), the amount following the rule of [`crate::reports`].
    ///
    /// # Errors
    /// Only store failures.
    async fn sessions_page(
        &self,
        organization: OrganizationId,
        filter: &ReportFilter,
        after: Option<SessionCursor>,
        limit: u32,
    ) -> Result<Vec<SessionReportRow>, StoreError>;

    /// One row per TA with at least one session that is not cancelled and matches `filter`,
    /// ordered by the TA's name then id.
    ///
    /// # Errors
    /// Only store failures.
    async fn tas(&self, organization: OrganizationId, filter: &ReportFilter) -> Result<Vec<TaReportRow>, StoreError>;
}
