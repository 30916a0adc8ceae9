//! A recurring series of individual bookings: its rule and first session, who takes and teaches
//! it, and the occurrences it could not book.

use chrono::{DateTime, Utc};

use super::recurrence::Recurrence;
use crate::scheduling::SessionDuration;
use crate::shared::{Actor, CourseId, ErrorCode, OrganizationId, Role, SeriesId, UserId};

/// An occurrence a series did not book, and why (the code an individual booking would get).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkippedOccurrence {
    /// When it would have started (for a wall-clock time in a DST gap: the first instant after
    /// the gap).
    pub starts_at: DateTime<Utc>,
    /// Why it was not booked.
    pub code: ErrorCode,
}

/// A series of individual sessions of one student with one TA, booked in one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingSeries {
    /// Its id (each of its bookings carries it as `series_id`).
    pub id: SeriesId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The course.
    pub course_id: CourseId,
    /// The student.
    pub student_id: UserId,
    /// The TA of every session.
    pub ta_id: UserId,
    /// The rule.
    pub recurrence: Recurrence,
    /// The first occurrence's start (its wall-clock time is every session's).
    pub starts_at: DateTime<Utc>,
    /// Every session's length.
    pub duration: SessionDuration,
    /// The occurrences not booked (`allowPartial`), earliest first.
    pub skipped: Vec<SkippedOccurrence>,
    /// Who booked it (the student, or an admin for them).
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl BookingSeries {
    /// Whether `actor` may see the series: admins, its TA, its student.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.organization_id == self.organization_id
            && match actor.role {
                Role::Admin => true,
                Role::Ta => actor.is(self.ta_id),
                Role::Student => actor.is(self.student_id),
            }
    }
}
