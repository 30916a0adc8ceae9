//! Persistence port of TA availability.

use async_trait::async_trait;

use super::model::Availability;
use crate::shared::{OrganizationId, UserId};
use crate::store::StoreError;

/// Stores each TA's availability (one per TA).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AvailabilityRepository: Send + Sync {
    /// The TA's availability, if one was stored.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, ta: UserId) -> Result<Option<Availability>, StoreError>;

    /// The availabilities of several TAs in one read (missing ones are left out).
    ///
    /// # Errors
    /// Only store failures.
    async fn get_many(&self, organization: OrganizationId, tas: &[UserId]) -> Result<Vec<Availability>, StoreError>;

    /// Replaces the TA's availability.
    ///
    /// # Errors
    /// Only store failures.
    async fn put(&self, organization: OrganizationId, availability: &Availability) -> Result<(), StoreError>;
}
