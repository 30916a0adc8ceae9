//! Who sees a booking, who may cancel it, and what a cancellation (or a leave) does to the
//! payment of each seat.

use chrono::{DateTime, TimeDelta, Utc};

use super::model::{Booking, SessionType};
use super::terms::{BookingPolicy, LateOutcome};
use crate::shared::{Actor, Role};

impl Booking {
    /// Whether the actor can see the booking: admins every booking of their organization, a TA
    /// the sessions they teach, a student the sessions they hold a seat in.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.organization_id == self.organization_id
            && match actor.role {
                Role::Admin => true,
                Role::Ta => self.ta_id == actor.user_id,
                Role::Student => self.seat_of(actor.user_id).is_some(),
            }
    }

    /// The booking as the actor may see it: admins and the booking's TA see every seat; a
    /// student only their own; another TA (group sessions are listed to every member) none.
    #[must_use]
    pub fn redacted_for(mut self, actor: &Actor) -> Self {
        match actor.role {
            Role::Admin => {}
            Role::Ta if self.ta_id == actor.user_id => {}
            Role::Ta => self.seats.clear(),
            Role::Student => self.seats.retain(|s| s.student_id == actor.user_id),
        }
        self
    }
}

/// Why a cancellation is refused, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRefusal {
    /// The actor cannot see the booking (`not_found`).
    NotVisible,
    /// A student tried to cancel a group session; they leave it instead (`forbidden`).
    Forbidden,
    /// Already cancelled (`already_cancelled`).
    AlreadyCancelled,
    /// It has started (`booking_in_past`).
    Started,
}

/// Who may cancel: an admin any booking, a TA their own, a student their own individual
/// booking; only active bookings that have not started.
///
/// # Errors
/// The first check that fails.
pub fn check_cancellation(actor: &Actor, booking: &Booking, now: DateTime<Utc>) -> Result<(), CancelRefusal> {
    if !booking.visible_to(actor) {
        Err(CancelRefusal::NotVisible)
    } else if actor.role == Role::Student && booking.session_type == SessionType::Group {
        Err(CancelRefusal::Forbidden)
    } else if !booking.is_active() {
        Err(CancelRefusal::AlreadyCancelled)
    } else if booking.has_started(now) {
        Err(CancelRefusal::Started)
    } else {
        Ok(())
    }
}

/// What happens to a seat's payment when it is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditOutcome {
    /// The bundle credit comes back (`refund` entry) or the per-session payment is refunded.
    Refund,
    /// The credit stays spent (`forfeit` entry); the per-session payment is kept.
    Forfeit,
}

/// The refund rule, under the booking's own policy: a TA or an admin cancelling always
/// refunds; a student giving the seat up at least `cancellation_window_hours` before the start
/// is refunded, later the policy's `late_cancellation` decides.
pub fn credit_outcome(
    by_role: Role,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    policy: &BookingPolicy,
) -> CreditOutcome {
    let early_enough = starts_at - now >= TimeDelta::hours(i64::from(policy.cancellation_window_hours));
    if by_role != Role::Student || early_enough {
        return CreditOutcome::Refund;
    }
    match policy.late_cancellation {
        LateOutcome::Refund => CreditOutcome::Refund,
        LateOutcome::Forfeit => CreditOutcome::Forfeit,
    }
}
