//! The business metrics port: what the use cases count as it happens (logins refused, bookings
//! made and cancelled, group seats taken and left), for an adapter to export. A use case
//! records an event after its transaction commits, so a refused or rolled-back request is never
//! counted, and a replayed idempotent request (which runs no use case) is not counted twice.

/// Something worth counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessEvent {
    /// A login refused for its credentials (wrong password, unknown email or academy).
    LoginFailed,
    /// A login refused because the email is locked.
    LoginLocked,
    /// An individual booking made.
    BookingCreated,
    /// A booking cancelled.
    BookingCancelled,
    /// A booking moved in place (a reschedule, or a reassignment for a TA's time off).
    BookingRescheduled,
    /// A group seat taken by a student.
    SeatTaken,
    /// A group seat given up by its student.
    SeatLeft,
}

/// Where business events go. Recording never fails and never blocks: an exporter that cannot
/// keep up drops, it does not slow a use case.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait BusinessMetrics: Send + Sync {
    /// Counts one event.
    fn record(&self, event: BusinessEvent);
}

/// Counts nothing: for tests and for binaries that export no metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMetrics;

impl BusinessMetrics for NoMetrics {
    fn record(&self, _event: BusinessEvent) {}
}
