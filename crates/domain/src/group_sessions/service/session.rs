//! The checks every seat and waitlist use case starts with: the group session exists, is one,
//! is active and has not started.

use chrono::{DateTime, Utc};

use crate::booking::{Booking, SessionType};
use crate::shared::{Actor, BookingId};
use crate::store::{Repositories, StoreError};

/// Why a booking cannot take seats or waitlist entries, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionRefusal {
    NotFound,
    NotAGroupSession,
    AlreadyCancelled,
    BookingInPast,
}

/// Maps [`SessionRefusal`] into a use-case error with the same four variants.
macro_rules! from_session_refusal {
    ($($error:ty),*) => {$(
        impl From<super::session::SessionRefusal> for $error {
            fn from(r: super::session::SessionRefusal) -> Self {
                match r {
                    super::session::SessionRefusal::NotFound => Self::NotFound,
                    super::session::SessionRefusal::NotAGroupSession => Self::NotAGroupSession,
                    super::session::SessionRefusal::AlreadyCancelled => Self::AlreadyCancelled,
                    super::session::SessionRefusal::BookingInPast => Self::BookingInPast,
                }
            }
        }
    )*};
}
pub(crate) use from_session_refusal;

/// Locks the booking for the rest of the transaction (seat and waitlist changes of one session
/// run one at a time). Group sessions are visible to every member; an individual booking the
/// actor cannot see stays `not_found` rather than revealing it exists.
pub(crate) async fn lock_group_session(
    repos: &dyn Repositories,
    actor: &Actor,
    id: BookingId,
) -> Result<Result<Booking, SessionRefusal>, StoreError> {
    let Some(booking) = repos.bookings().lock(actor.organization_id, id).await? else {
        return Ok(Err(SessionRefusal::NotFound));
    };
    if booking.session_type != SessionType::Group {
        let refusal =
            if booking.visible_to(actor) { SessionRefusal::NotAGroupSession } else { SessionRefusal::NotFound };
        return Ok(Err(refusal));
    }
    Ok(Ok(booking))
}

/// The session is active and has not started.
pub(crate) fn check_bookable(booking: &Booking, now: DateTime<Utc>) -> Result<(), SessionRefusal> {
    if !booking.is_active() {
        Err(SessionRefusal::AlreadyCancelled)
    } else if booking.has_started(now) {
        Err(SessionRefusal::BookingInPast)
    } else {
        Ok(())
    }
}
