//! The persistence boundary: one [`Store`] gives every repository, and [`Store::begin`] opens a
//! [`Transaction`] that gives the same repositories inside one atomic unit of work.
//!
//! A use case that checks and writes (book a session, join a group, cancel) does all of it in
//! one transaction: the reads it decides on, the rows it writes, the ledger entries, the outbox
//! messages and the audit events commit together or not at all. Dropping a transaction without
//! [`Transaction::commit`] rolls it back.
//!
//! The store enforces the invariants marked **\[DB\]** in the domain contract by itself (unique
//! keys, the exclusion constraint on a TA's sessions, conditional updates for seats and bundle
//! credits), so that they hold under any concurrency; it reports a refused write as
//! [`StoreError::Conflict`], which the services translate into their error codes.

use async_trait::async_trait;

use crate::accounts::{AuthSessionRepository, OneTimeTokenRepository, UserRepository};
use crate::attendance::AttendanceRepository;
use crate::audit::AuditRepository;
use crate::availability::AvailabilityRepository;
use crate::booking::BookingRepository;
use crate::bundles::BundleRepository;
use crate::catalog::{CourseRepository, CourseTaRepository, ProductRepository};
use crate::group_sessions::{TemplateRepository, WaitlistRepository};
use crate::notifications::OutboxRepository;
use crate::reports::ReportRepository;
use crate::series::SeriesRepository;
use crate::tenancy::OrganizationRepository;
use crate::time_off::TimeOffRepository;

/// Which invariant of the store refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conflict {
    /// Another organization has this slug.
    SlugTaken,
    /// Another user has this email.
    EmailTaken,
    /// Another course of the organization has this code.
    CourseCodeTaken,
    /// The course already has an active single-session product.
    SessionPriceExists,
    /// The TA already has an active session intersecting the interval (with the buffer).
    TaOverlap,
    /// The student already holds an active seat intersecting the interval.
    StudentOverlap,
    /// The student already holds a seat in this booking.
    AlreadyJoined,
    /// The student is already on this waitlist.
    AlreadyWaitlisted,
    /// The booking has no free seat.
    CapacityExceeded,
    /// A bundle's remaining credit would leave `0..=total`.
    BundleBalance,
    /// A referenced row does not exist in the same organization (foreign key).
    MissingReference,
}

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An invariant enforced by the store refused the write; the transaction is rolled back.
    #[error("store refused the write: {0:?}")]
    Conflict(Conflict),
    /// A transient conflict between transactions (serialization failure, deadlock, busy
    /// database): the transaction is rolled back and the whole use case may run again.
    #[error("transient store failure: {0:#}")]
    Transient(anyhow::Error),
    /// The store cannot be reached (connection refused, pool exhausted, timeout).
    #[error("store unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    /// Anything else: a bug, corrupt data, an unexpected driver error.
    #[error("store failure: {0:#}")]
    Unexpected(anyhow::Error),
}

impl StoreError {
    /// The conflict, if the store refused the write because of an invariant.
    pub fn conflict(&self) -> Option<Conflict> {
        match self {
            StoreError::Conflict(c) => Some(*c),
            _ => None,
        }
    }
}

/// Access to every repository; implemented by the store (each call on its own) and by a
/// transaction (every call inside it).
pub trait Repositories: Send + Sync {
    /// Organizations.
    fn organizations(&self) -> &dyn OrganizationRepository;
    /// Users.
    fn users(&self) -> &dyn UserRepository;
    /// Authentication sessions and refresh tokens.
    fn auth_sessions(&self) -> &dyn AuthSessionRepository;
    /// One-time tokens.
    fn one_time_tokens(&self) -> &dyn OneTimeTokenRepository;
    /// Courses.
    fn courses(&self) -> &dyn CourseRepository;
    /// Course-TA assignments.
    fn course_tas(&self) -> &dyn CourseTaRepository;
    /// Products.
    fn products(&self) -> &dyn ProductRepository;
    /// TA availability.
    fn availability(&self) -> &dyn AvailabilityRepository;
    /// Bundle purchases and their ledger.
    fn bundles(&self) -> &dyn BundleRepository;
    /// Bookings and seats.
    fn bookings(&self) -> &dyn BookingRepository;
    /// Group-session templates.
    fn templates(&self) -> &dyn TemplateRepository;
    /// Waitlists of group sessions.
    fn waitlist(&self) -> &dyn WaitlistRepository;
    /// The email outbox.
    fn outbox(&self) -> &dyn OutboxRepository;
    /// The audit trail.
    fn audit(&self) -> &dyn AuditRepository;
    /// TA time off.
    fn time_off(&self) -> &dyn TimeOffRepository;
    /// Recurring series.
    fn series(&self) -> &dyn SeriesRepository;
    /// Attendance marks and digests.
    fn attendance(&self) -> &dyn AttendanceRepository;
    /// Reports over sessions (read only).
    fn reports(&self) -> &dyn ReportRepository;
}

/// The database: repositories for single reads and writes, and transactions for atomic units.
#[async_trait]
pub trait Store: Repositories {
    /// Opens a transaction. On PostgreSQL it is READ COMMITTED, with invariants held by
    /// constraints and row locks; on SQLite it takes the write lock at once (`BEGIN IMMEDIATE`).
    ///
    /// # Errors
    /// `Unavailable` when no connection can be had.
    async fn begin<'a>(&'a self) -> Result<Box<dyn Transaction + 'a>, StoreError>;

    /// One round trip to the database, for readiness checks.
    ///
    /// # Errors
    /// `Unavailable` when the database does not answer.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// An open unit of work. Dropping it without committing rolls it back.
#[async_trait]
pub trait Transaction: Repositories {
    /// Makes every write of the transaction durable and visible, atomically.
    ///
    /// # Errors
    /// `Transient` on a serialization failure at commit, `Conflict` for deferred constraints,
    /// `Unavailable` when the connection was lost (nothing was committed).
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Maps a refused write to a use-case error: `store_result.on_conflict(Conflict::EmailTaken, E::EmailTaken)`.
pub(crate) trait ConflictExt<T> {
    /// `Err(error)` when the store refused the write because of `conflict`, else the store error.
    fn on_conflict<E: From<StoreError>>(self, conflict: Conflict, error: E) -> Result<T, E>;
}

impl<T> ConflictExt<T> for Result<T, StoreError> {
    fn on_conflict<E: From<StoreError>>(self, conflict: Conflict, error: E) -> Result<T, E> {
        self.map_err(|e| if e.conflict() == Some(conflict) { error } else { E::from(e) })
    }
}
