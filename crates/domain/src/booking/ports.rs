//! Persistence port of bookings and seats.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::model::{Booking, BookingFilter, BookingStatus, CancellationReason, Seat};
use crate::shared::{BookingId, Interval, OrganizationId, PageRequest, SeriesId, UserId};
use crate::store::StoreError;

/// Stores bookings with their seats.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait BookingRepository: Send + Sync {
    /// Inserts a booking and its seats.
    ///
    /// # Errors
    /// `buffer` is the organization's buffer in force (`bufferMinutes`): the TA stays blocked
    /// that long after the session, and the store keeps it with the booking for its own check.
    ///
    /// MUST return `Conflict(TaOverlap)` when another active booking of the TA intersects the
    /// interval widened by the buffer, enforced by the store itself (PostgreSQL: an exclusion
    /// constraint) so that concurrent requests for one slot create one booking;
    /// `Conflict(StudentOverlap)` when the store enforces student overlap and it is violated.
    /// Inside a transaction, a refused insert leaves the transaction to be rolled back.
    async fn insert(&self, booking: &Booking, buffer: TimeDelta) -> Result<(), StoreError>;

    /// The booking of the organization with this id, with its seats.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: BookingId) -> Result<Option<Booking>, StoreError>;

    /// Reads the booking and locks it until the transaction ends (PostgreSQL
    /// `SELECT … FOR UPDATE`), so that seat and waitlist changes of one session run one at a time.
    ///
    /// # Errors
    /// Only store failures.
    async fn lock(&self, organization: OrganizationId, id: BookingId) -> Result<Option<Booking>, StoreError>;

    /// Bookings matching the filter, ordered by `startsAt` then id, with their seats, at most
    /// `page.fetch_limit()` strictly after the cursor; seats MUST be read in one query for the
    /// whole page, not one per booking.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(
        &self,
        organization: OrganizationId,
        filter: &BookingFilter,
        page: &PageRequest,
    ) -> Result<Vec<Booking>, StoreError>;

    /// The intervals of the active bookings of these TAs that intersect `window`.
    ///
    /// # Errors
    /// Only store failures.
    async fn ta_busy(
        &self,
        organization: OrganizationId,
        tas: &[UserId],
        window: Interval,
    ) -> Result<Vec<(UserId, Interval)>, StoreError>;

    /// The TA's active bookings that intersect `window`, earliest first, with their seats.
    ///
    /// # Errors
    /// Only store failures.
    async fn active_for_ta(
        &self,
        organization: OrganizationId,
        ta: UserId,
        window: Interval,
    ) -> Result<Vec<Booking>, StoreError>;

    /// Every booking of a series (cancelled ones included), earliest first, with their seats.
    ///
    /// # Errors
    /// Only store failures.
    async fn of_series(&self, organization: OrganizationId, series: SeriesId) -> Result<Vec<Booking>, StoreError>;

    /// For these students, the intervals of the active bookings in which they hold a seat and
    /// that intersect `window` (one read for all, e.g. every waitlisted student at once).
    ///
    /// # Errors
    /// Only store failures.
    async fn student_busy(
        &self,
        organization: OrganizationId,
        students: &[UserId],
        window: Interval,
    ) -> Result<Vec<(UserId, Interval)>, StoreError>;

    /// For each of these TAs, how many active bookings start in `window` (TAs with none may be
    /// left out).
    ///
    /// # Errors
    /// Only store failures.
    async fn count_starting_in(
        &self,
        organization: OrganizationId,
        tas: &[UserId],
        window: Interval,
    ) -> Result<Vec<(UserId, u32)>, StoreError>;

    /// Takes a seat of an active group session in one atomic step: increments `seats_taken`
    /// only while it is below capacity, sets the status to `full` when the last seat goes, and
    /// inserts the seat. Returns the status after.
    ///
    /// # Errors
    /// `Conflict(CapacityExceeded)` when no seat is free, `Conflict(AlreadyJoined)` when the
    /// student already holds one (unique booking-student key); concurrent calls MUST never seat
    /// more students than the capacity.
    async fn add_seat(&self, organization: OrganizationId, seat: &Seat) -> Result<BookingStatus, StoreError>;

    /// Removes the student's seat, decrements `seats_taken` and reopens a `full` session;
    /// returns whether the student held a seat.
    ///
    /// # Errors
    /// Only store failures.
    async fn remove_seat(
        &self,
        organization: OrganizationId,
        booking: BookingId,
        student: UserId,
    ) -> Result<bool, StoreError>;

    /// Marks a per-session seat refunded.
    ///
    /// # Errors
    /// Only store failures.
    async fn mark_seat_refunded(
        &self,
        organization: OrganizationId,
        booking: BookingId,
        student: UserId,
    ) -> Result<(), StoreError>;

    /// Cancels the booking if it is active; returns whether this call cancelled it.
    ///
    /// # Errors
    /// Only store failures.
    async fn cancel(
        &self,
        organization: OrganizationId,
        id: BookingId,
        by: UserId,
        at: DateTime<Utc>,
        reason: Option<CancellationReason>,
    ) -> Result<bool, StoreError>;

    /// Moves the active booking `moved.id` to `moved`'s interval and TA, with its `sequence`
    /// and `reschedule_count` (see [`Booking::moved`]), its seats' intervals with it, as one
    /// unit; the TA is blocked until the new end plus `buffer`. Returns whether this call moved
    /// it (`false`: it is not active, e.g. cancelled concurrently).
    ///
    /// # Errors
    /// The booking's TA busy at the new time (buffer included), MUST be
    /// `StoreError::Conflict(Conflict::TaOverlap)`; a seated student busy at the new time,
    /// `Conflict::StudentOverlap`; the booking itself never counts. A refused move changes
    /// nothing.
    async fn reschedule(&self, moved: &Booking, buffer: TimeDelta) -> Result<bool, StoreError>;
}
