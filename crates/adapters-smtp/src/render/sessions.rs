//! Emails about one session: booking confirmations (student and TA copies), group seats,
//! waitlist promotions, cancellations and reschedules (student, current TA and former TA
//! copies). Each shows the course, the TA and the time in the organization's zone. Builds the
//! template context: `session` (`course`, `ta`, `when`, `booking`), `headline` (`Algebra I on
//! Wed 2 Dec 2026`, for subjects) and per kind `audience`/`student`, `reason`/`refund`, or
//! `audience`/`previous`/`time_changed`/`ta_changed`/`reason`.

use domain::notifications::{Audience, PreviousSlot, RescheduleAudience, SessionDetails};
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
    let reason = shown_reason(reason);
    let refund = refunded.map(|r| if r { "refunded" } else { "forfeited" });
    context! { reason => reason, refund => refund, ..session_only(session) }
}

/// Tells a seated student (`audience` = `student`), the TA who teaches the session now (`ta`)
/// or the TA who taught it before it moved to another TA (`former_ta`) that a session moved.
/// `session` is the session as it is now; `previous` is where it was (`when` in the
/// organization's zone, `ta`, and `headline` with the previous date, for the former TA's
/// subject); `time_changed` and `ta_changed` say what moved; `reason` as for a cancellation.
pub fn booking_rescheduled(
    session: &SessionDetails,
    previous: &PreviousSlot,
    audience: RescheduleAudience,
    reason: Option<&str>,
) -> Value {
    let audience = match audience {
        RescheduleAudience::Student => "student",
        RescheduleAudience::Ta => "ta",
        RescheduleAudience::FormerTa => "former_ta",
    };
    let zone = session.timezone;
    context! {
        audience => audience,
        previous => context! {
            when => time_range(previous.starts_at, previous.ends_at, zone),
            ta => previous.ta_name.as_str(),
            headline => format!("{} on {}", session.course_title, date(previous.starts_at, zone)),
        },
        time_changed => (previous.starts_at, previous.ends_at) != (session.starts_at, session.ends_at),
        ta_changed => previous.ta_name != session.ta_name,
        reason => shown_reason(reason),
        ..session_only(session)
    }
}

/// The reason to show: trimmed, and none when blank.
fn shown_reason(reason: Option<&str>) -> Option<&str> {
    reason.map(str::trim).filter(|r| !r.is_empty())
}
