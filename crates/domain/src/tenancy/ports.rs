//! Persistence port of organizations.

use async_trait::async_trait;

use super::model::{Organization, Slug};
use crate::shared::OrganizationId;
use crate::store::StoreError;

/// Stores organizations.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OrganizationRepository: Send + Sync {
    /// Inserts a new organization.
    ///
    /// # Errors
    /// MUST return `StoreError::Conflict(Conflict::SlugTaken)` when the slug is in use (the
    /// store enforces slug uniqueness itself, so that concurrent sign-ups cannot both win).
    async fn insert(&self, org: &Organization) -> Result<(), StoreError>;

    /// The organization with this id.
    ///
    /// # Errors
    /// Only store failures; a missing organization is `Ok(None)`.
    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError>;

    /// The organization with this slug.
    ///
    /// # Errors
    /// Only store failures.
    async fn find_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError>;

    /// Replaces name, time zone, currency and settings.
    ///
    /// # Errors
    /// Only store failures.
    async fn update(&self, org: &Organization) -> Result<(), StoreError>;
}
