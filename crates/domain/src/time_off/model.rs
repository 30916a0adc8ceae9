//! A window of time off, its limits, and what recording it did to the TA's sessions.

use chrono::{DateTime, TimeDelta, Utc};

use crate::shared::text::bounded_text;
use crate::shared::validation::InvalidValue;
use crate::shared::{BookingId, Interval, OrganizationId, TimeOffId, UserId};

/// The longest window one request records (longer absences are several windows).
pub const MAX_TIME_OFF: TimeDelta = TimeDelta::days(90);

bounded_text!(
    /// Why a TA is away (up to 500 characters), shown to admins and to that TA only.
    TimeOffReason, 0..=500, Multi
);

/// The half-open window `[from, to)` of a time off.
///
/// # Errors
/// When `to` is not after `from`, or the window is longer than [`MAX_TIME_OFF`].
pub fn time_off_window(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Interval, InvalidValue> {
    let window = Interval::new(from, to).map_err(|_| InvalidValue::new("must be after `from`"))?;
    if window.duration() > MAX_TIME_OFF {
        return Err(InvalidValue::new("a time off lasts at most 90 days"));
    }
    Ok(window)
}

/// A window in which a TA takes no session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOff {
    /// Its id.
    pub id: TimeOffId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The TA who is away.
    pub ta_id: UserId,
    /// When (half-open, at most [`MAX_TIME_OFF`]).
    pub window: Interval,
    /// Why, if said.
    pub reason: Option<TimeOffReason>,
    /// Who recorded it (an admin or the TA).
    pub created_by: UserId,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// What became of a session of the TA in the window when the time off was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AffectedOutcome {
    /// Moved to another TA assigned to the course, free at the same time.
    Reassigned,
    /// Left with the TA on time off: no reassignment was asked, or no TA was free.
    Unresolved,
}

impl AffectedOutcome {
    /// `reassigned` or `unresolved`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AffectedOutcome::Reassigned => "reassigned",
            AffectedOutcome::Unresolved => "unresolved",
        }
    }
}

/// One session of the TA in the window: what became of it and who teaches it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Affected {
    /// The booking.
    pub booking_id: BookingId,
    /// Moved or not.
    pub outcome: AffectedOutcome,
    /// Its TA after the request (the new one when reassigned).
    pub ta_id: UserId,
}

/// A recorded time off and the sessions it touches, earliest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedTimeOff {
    /// The time off.
    pub time_off: TimeOff,
    /// The TA's sessions in the window that had not started, earliest first.
    pub affected: Vec<Affected>,
}

impl TimeOff {
    /// The time off as `viewer` may see it: the reason is for admins and the TA only.
    #[must_use]
    pub fn redacted_for(mut self, viewer: &crate::shared::Actor) -> Self {
        if viewer.role != crate::shared::Role::Admin && !viewer.is(self.ta_id) {
            self.reason = None;
        }
        self
    }
}
