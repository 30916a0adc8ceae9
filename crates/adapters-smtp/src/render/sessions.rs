//! Emails about one session: booking confirmations (student and TA copies), group seats,
//! waitlist promotions and cancellations. Each shows the course, the TA and the time in the
//! organization's zone.

use domain::notifications::{Audience, SessionDetails};

use super::RenderedEmail;
use super::format::{date, greeting, sign_off, time_range};

/// The lines that describe the session, the same in every email of this module.
fn session_block(session: &SessionDetails) -> String {
    format!(
        "Course:  {}\nTA:      {}\nWhen:    {}\nBooking: {}",
        session.course_title,
        session.ta_name,
        time_range(session.starts_at, session.ends_at, session.timezone),
        session.booking_id,
    )
}

/// `Algebra I on Wed 2 Dec 2026`, for subjects.
fn headline(session: &SessionDetails) -> String {
    format!("{} on {}", session.course_title, date(session.starts_at, session.timezone))
}

/// Greeting, an opening paragraph, the session, optional closing paragraphs, sign-off.
fn compose(recipient_name: &str, opening: &str, session: &SessionDetails, closing: &[String]) -> String {
    let mut text = format!("{}\n\n{opening}\n\n{}\n\n", greeting(recipient_name), session_block(session));
    for paragraph in closing {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    text.push_str(&sign_off(Some(&session.organization_name)));
    text.push('\n');
    text
}

/// Confirms an individual booking, to the student who booked or to the TA who teaches.
pub fn booking_confirmation(
    recipient_name: &str,
    session: &SessionDetails,
    audience: Audience,
    student_name: &str,
) -> RenderedEmail {
    match audience {
        Audience::Student => RenderedEmail {
            subject: format!("Booking confirmed: {}", headline(session)),
            text: compose(recipient_name, "Your session is booked.", session, &[]),
        },
        Audience::Ta => RenderedEmail {
            subject: format!("New booking: {} with {student_name}", headline(session)),
            text: compose(recipient_name, &format!("{student_name} booked a session with you."), session, &[]),
        },
    }
}

/// Confirms a seat in a group session.
pub fn group_join_confirmation(recipient_name: &str, session: &SessionDetails) -> RenderedEmail {
    RenderedEmail {
        subject: format!("Seat confirmed: {}", headline(session)),
        text: compose(recipient_name, "You have a seat in this group session.", session, &[]),
    }
}

/// Tells a waitlisted student that a seat opened up and is now theirs.
pub fn waitlist_promotion(recipient_name: &str, session: &SessionDetails) -> RenderedEmail {
    RenderedEmail {
        subject: format!("A seat opened up: {}", headline(session)),
        text: compose(
            recipient_name,
            "Good news: a seat became free in a group session you were waiting for, and it is now yours.",
            session,
            &["If you can no longer attend, please leave the session so that the next student gets the seat."
                .to_owned()],
        ),
    }
}

/// Tells a student or the TA that a session was cancelled, with the reason if one was given
/// and, for a student (`refunded` is `Some`), whether the payment or bundle credit came back.
pub fn cancellation(
    recipient_name: &str,
    session: &SessionDetails,
    reason: Option<&str>,
    refunded: Option<bool>,
) -> RenderedEmail {
    let mut closing = Vec::new();
    if let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        closing.push(format!("Reason: {reason}"));
    }
    match refunded {
        Some(true) => closing.push("Your payment or bundle credit for this session has been refunded.".to_owned()),
        Some(false) => closing.push(
            "The cancellation came too late for a refund: your payment or bundle credit for this \
             session is not returned."
                .to_owned(),
        ),
        None => {}
    }
    RenderedEmail {
        subject: format!("Cancelled: {}", headline(session)),
        text: compose(recipient_name, "This session has been cancelled.", session, &closing),
    }
}
