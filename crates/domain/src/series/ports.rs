//! Persistence port of recurring series (their bookings are in the booking repository).

use async_trait::async_trait;

use super::model::BookingSeries;
use crate::shared::{OrganizationId, SeriesId};
use crate::store::StoreError;

/// Stores series and the occurrences they skipped.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SeriesRepository: Send + Sync {
    /// Records a series with its skipped occurrences (before its bookings, which refer to it).
    ///
    /// # Errors
    /// Only store failures.
    async fn insert(&self, series: &BookingSeries) -> Result<(), StoreError>;

    /// One series with its skipped occurrences.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: SeriesId) -> Result<Option<BookingSeries>, StoreError>;
}
