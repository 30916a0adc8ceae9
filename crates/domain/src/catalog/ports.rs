//! Persistence ports of the catalog: courses, course-TA assignments, products.

use async_trait::async_trait;

use super::model::{Course, Product};
use crate::accounts::User;
use crate::shared::{CourseId, OrganizationId, PageRequest, ProductId, UserId};
use crate::store::StoreError;

/// Stores courses.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CourseRepository: Send + Sync {
    /// Inserts a course.
    ///
    /// # Errors
    /// MUST return `Conflict(CourseCodeTaken)` when the organization has a course with the code.
    async fn insert(&self, course: &Course) -> Result<(), StoreError>;

    /// The course of the organization with this id.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: CourseId) -> Result<Option<Course>, StoreError>;

    /// Courses ordered by code then id, at most `page.fetch_limit()` strictly after the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(&self, organization: OrganizationId, page: &PageRequest) -> Result<Vec<Course>, StoreError>;

    /// Replaces title, description and active flag.
    ///
    /// # Errors
    /// Only store failures.
    async fn update(&self, course: &Course) -> Result<(), StoreError>;
}

/// Stores which TAs teach which courses.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CourseTaRepository: Send + Sync {
    /// Assigns the TA to the course; returns whether it was not assigned before.
    ///
    /// # Errors
    /// `Conflict(MissingReference)` if the course or user is not in the organization.
    async fn assign(&self, organization: OrganizationId, course: CourseId, ta: UserId) -> Result<bool, StoreError>;

    /// Removes the assignment; returns whether there was one.
    ///
    /// # Errors
    /// Only store failures.
    async fn unassign(&self, organization: OrganizationId, course: CourseId, ta: UserId) -> Result<bool, StoreError>;

    /// Whether the TA is assigned to the course.
    ///
    /// # Errors
    /// Only store failures.
    async fn is_assigned(&self, organization: OrganizationId, course: CourseId, ta: UserId)
    -> Result<bool, StoreError>;

    /// The TAs assigned to the course, ordered by name then id.
    ///
    /// # Errors
    /// Only store failures.
    async fn tas(&self, organization: OrganizationId, course: CourseId) -> Result<Vec<User>, StoreError>;
}

/// Stores products.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProductRepository: Send + Sync {
    /// Inserts a product.
    ///
    /// # Errors
    /// MUST return `Conflict(SessionPriceExists)` when it is an active single-session product
    /// and the course already has one (enforced by the store, e.g. a partial unique index).
    async fn insert(&self, product: &Product) -> Result<(), StoreError>;

    /// The product of the organization with this id.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: ProductId) -> Result<Option<Product>, StoreError>;

    /// The products of a course, active first, then by creation time, then id.
    ///
    /// # Errors
    /// Only store failures.
    async fn list_for_course(&self, organization: OrganizationId, course: CourseId)
    -> Result<Vec<Product>, StoreError>;

    /// Replaces name, price and active flag.
    ///
    /// # Errors
    /// MUST return `Conflict(SessionPriceExists)` when the update would give the course a
    /// second active single-session product.
    async fn update(&self, product: &Product) -> Result<(), StoreError>;

    /// The course's active single-session product (its pay-per-session price), if any.
    ///
    /// # Errors
    /// Only store failures.
    async fn active_session_price(
        &self,
        organization: OrganizationId,
        course: CourseId,
    ) -> Result<Option<Product>, StoreError>;
}
