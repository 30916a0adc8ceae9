//! Emails about one session: booking confirmations (student and TA copies), group seats,
//! waitlist promotions and cancellations. Each shows the course, the TA and the time in the
//! organization's zone. Builds the template context: `session` (`course`, `ta`, `when`,
//! `booking`), `headline` (`Algebra I on Wed 2 Dec 2026`, for subjects) and per kind
//! `audience`/`student`, or `reason`/`refund`.

use domain::notifications::{Audience, SessionDetails};
use minijinja::{Value, context};

use super::format::{date, time_range};

/// The context every email of this module has.
pub fn session_only(session: &SessionDetails) -> Value {
    context! {
        session => context! {
            course => session.course_title.as_str(),
            ta => session.ta_name.as_str(),
            when => time_range(session.starts_at, session.ends_at, session.timezone),
            booking => session.booking_id.to_string(),
        },
        headline => format!("{} on {}", session.course_title, date(session.starts_at, session.timezone)),
    }
}

/// Confirms an individual booking, to the student who booked (`audience` = `student`) or to
/// the TA who teaches (`ta`, naming the `student`).
pub fn booking_confirmation(session: &SessionDetails, audience: Audience, student_name: &str) -> Value {
    let audience = match audience {
        Audience::Student => "student",
        Audience::Ta => "ta",
    };
    context! { audience => audience, student => student_name, ..session_only(session) }
}

/// Tells a student or the TA that a session was cancelled, with the `reason` if one was given
/// (else none) and, for a student, whether the payment or bundle credit came back (`refund` is
/// `refunded` or `forfeited`; none for the TA).
pub fn cancellation(session: &SessionDetails, reason: Option<&str>, refunded: Option<bool>) -> Value {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let refund = refunded.map(|r| if r { "refunded" } else { "forfeited" });
    context! { reason => reason, refund => refund, ..session_only(session) }
}
