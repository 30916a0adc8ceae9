//! Persistence port of attendance: seat marks with their settlement round, a booking's TA
//! no-show and completion, the sessions waiting for marks, and the digests sent about them.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::booking::{Attendance, Booking};
use crate::shared::{BookingId, OrganizationId, PageRequest, UserId};
use crate::store::StoreError;

/// A seat's new mark and settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatMark {
    /// The student.
    pub student_id: UserId,
    /// The mark (`None` keeps the seat unmarked, e.g. when only the TA's no-show changed).
    pub attendance: Option<Attendance>,
    /// The seat's settlement round the change was decided on.
    pub from_round: u32,
    /// The round after it (`from_round`, or one more when the settlement changed).
    pub to_round: u32,
    /// Whether the seat's payment stands refunded after it (per-session payment or bundle
    /// credit, as [`crate::booking::Seat::refunded`]).
    pub refunded: bool,
}

/// A TA with sessions that ended without full attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnmarkedTa {
    /// The TA's organization.
    pub organization_id: OrganizationId,
    /// The TA.
    pub ta_id: UserId,
    /// How many such sessions.
    pub sessions: u32,
}

/// Stores attendance.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AttendanceRepository: Send + Sync {
    /// Writes the seat's mark, settlement round and per-session refund, only while its round is
    /// still `mark.from_round` (a conditional update); returns whether it was written.
    ///
    /// # Errors
    /// Only store failures.
    async fn mark_seat(
        &self,
        organization: OrganizationId,
        booking: BookingId,
        mark: &SeatMark,
    ) -> Result<bool, StoreError>;

    /// Writes the booking's TA no-show and when it was completed (`None`: not yet).
    ///
    /// # Errors
    /// Only store failures.
    async fn set_outcome(
        &self,
        organization: OrganizationId,
        booking: BookingId,
        ta_no_show: bool,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;

    /// The TA's sessions with at least one seat that ended by `ended_by`, are neither cancelled
    /// nor completed, oldest first (`startsAt` then id), at most `page.fetch_limit()` strictly
    /// after the cursor, with their seats.
    ///
    /// # Errors
    /// Only store failures.
    async fn unmarked(
        &self,
        organization: OrganizationId,
        ta: UserId,
        ended_by: DateTime<Utc>,
        page: &PageRequest,
    ) -> Result<Vec<Booking>, StoreError>;

    /// Across organizations, every TA with such sessions, and how many.
    ///
    /// # Errors
    /// Only store failures.
    async fn tas_with_unmarked(&self, ended_by: DateTime<Utc>) -> Result<Vec<UnmarkedTa>, StoreError>;

    /// Records the TA's digest of `local_date` (about `sessions` sessions); `false` when one was
    /// already recorded for that day (the store's key makes it once per TA per day).
    ///
    /// # Errors
    /// Only store failures.
    async fn record_digest(
        &self,
        ta: &UnmarkedTa,
        local_date: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}
