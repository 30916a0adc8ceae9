//! Persistence ports of group-session templates and waitlists.

use async_trait::async_trait;

use super::model::{GroupSessionTemplate, WaitlistEntry, WaitlistPosition};
use crate::shared::{BookingId, CourseId, OrganizationId, PageRequest, TemplateId, UserId, WaitlistEntryId};
use crate::store::StoreError;

/// Stores group-session templates.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait TemplateRepository: Send + Sync {
    /// Inserts a template.
    ///
    /// # Errors
    /// `Conflict(MissingReference)` if the course or TA is not in the organization.
    async fn insert(&self, template: &GroupSessionTemplate) -> Result<(), StoreError>;

    /// The template of the organization with this id.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(
        &self,
        organization: OrganizationId,
        id: TemplateId,
    ) -> Result<Option<GroupSessionTemplate>, StoreError>;

    /// Templates (of one course, if given) ordered by title then id, at most
    /// `page.fetch_limit()` strictly after the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(
        &self,
        organization: OrganizationId,
        course: Option<CourseId>,
        page: &PageRequest,
    ) -> Result<Vec<GroupSessionTemplate>, StoreError>;
}

/// Stores the waitlists of group sessions.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WaitlistRepository: Send + Sync {
    /// Adds a student to a waitlist.
    ///
    /// # Errors
    /// MUST return `Conflict(AlreadyWaitlisted)` when the student is already on it (unique
    /// booking-student key).
    async fn insert(&self, entry: &WaitlistEntry) -> Result<(), StoreError>;

    /// The waitlist of a session, first in first (`created_at` then id).
    ///
    /// # Errors
    /// Only store failures.
    async fn list(&self, organization: OrganizationId, booking: BookingId) -> Result<Vec<WaitlistEntry>, StoreError>;

    /// The student's entry on a session's waitlist and its position.
    ///
    /// # Errors
    /// Only store failures.
    async fn find(
        &self,
        organization: OrganizationId,
        booking: BookingId,
        student: UserId,
    ) -> Result<Option<WaitlistPosition>, StoreError>;

    /// Removes an entry; returns whether it was there.
    ///
    /// # Errors
    /// Only store failures.
    async fn remove(&self, organization: OrganizationId, id: WaitlistEntryId) -> Result<bool, StoreError>;

    /// Empties a session's waitlist (when it is cancelled); returns how many entries left.
    ///
    /// # Errors
    /// Only store failures.
    async fn clear(&self, organization: OrganizationId, booking: BookingId) -> Result<u32, StoreError>;
}
