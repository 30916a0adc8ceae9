//! Group-session use cases over the test world (see `crate::test_world`).

mod seats;
mod templates;
mod waitlist;

use crate::booking::{Booking, BookingStatus, Payment, Seat};
use crate::fixtures::*;
use crate::group_sessions::WaitlistEntry;
use crate::shared::{BundlePurchaseId, Interval};

/// A group session of the template (capacity 3) two days ahead, with these students seated
/// (paying per session).
pub(super) fn session_with(students: &[u128]) -> Booking {
    session_at(interval(in_hours(48), 60), students)
}

/// The same at another time.
pub(super) fn session_at(at: Interval, students: &[u128]) -> Booking {
    let mut session = group_session(600, at);
    for s in students {
        session.seats.push(Seat::new(session.id, user_id(*s), Payment::PerSession(session.price_per_student), now()));
    }
    session.seats_taken = u32::try_from(students.len()).unwrap();
    session.status = BookingStatus::for_group(session.seats_taken, session.capacity);
    session
}

/// A waitlist entry of `student` on the session, `n`-th in line.
pub(super) fn waiting(n: u128, student: u128, bundle: Option<u128>) -> WaitlistEntry {
    WaitlistEntry {
        id: id(700 + n),
        organization_id: org_id(),
        booking_id: id(600),
        student_id: user_id(student),
        bundle_purchase_id: bundle.map(id::<BundlePurchaseId>),
        created_at: now() + chrono::TimeDelta::seconds(i64::try_from(n).unwrap()),
    }
}
