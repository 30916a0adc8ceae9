//! The calendar invitation an email carries (iMIP, RFC 6047): which emails carry one, with
//! which method, and the iCalendar text (`adapters-ical`).
//!
//! A booking confirmation, a group-seat confirmation, a waitlist promotion and a reschedule
//! ask the recipient's calendar to create or update the booking's event (`METHOD:REQUEST`); a
//! cancellation, and the reschedule email to the former TA of a session that changed hands,
//! ask it to remove it (`METHOD:CANCEL`). All name the event by the booking (the same `UID`)
//! with the booking's `sequence`, so a client updates one event in place instead of adding
//! another. The organizer is the organization, at the address the email comes from; the
//! attendee is the recipient. Series emails carry none yet (docs/decisions.md).

use adapters_ical::{Method, Participant, SessionEvent, Status, calendar};
use domain::notifications::{EmailPayload, OutboxMessage, RescheduleAudience};
use lettre::message::Mailbox;

/// An email's calendar part: its method (also the `method` parameter of its content type) and
/// its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// `REQUEST` or `CANCEL`.
    pub method: Method,
    /// The iCalendar text (CRLF line ends).
    pub calendar: String,
}

/// The invitation of `message` sent from `from`, if its kind carries one.
///
/// Its `DTSTAMP` is when the message was queued: the moment of the change it reports, later for
/// each change of a booking (so that a client ranks two messages of the same `SEQUENCE`, such
/// as a move and then a cancellation), and the same on every attempt (a resend is identical).
pub fn invitation(from: &Mailbox, message: &OutboxMessage) -> Option<Invitation> {
    let (session, method) = match &message.payload {
        EmailPayload::BookingConfirmation { session, .. }
        | EmailPayload::GroupJoinConfirmation { session }
        | EmailPayload::WaitlistPromotion { session } => (session, Method::Request),
        EmailPayload::BookingRescheduled { session, audience, .. } => {
            let handed_over = *audience == RescheduleAudience::FormerTa;
            (session, if handed_over { Method::Cancel } else { Method::Request })
        }
        EmailPayload::Cancellation { session, .. } => (session, Method::Cancel),
        // Series emails list many sessions: their invitations (one event per booking) are the
        // next step. A no-show refund changes nothing in a calendar (the session took place
        // in it); the others are about no session.
        EmailPayload::SeriesConfirmation { .. }
        | EmailPayload::SeriesCancellation { .. }
        | EmailPayload::TaNoShowRefund { .. }
        | EmailPayload::EmailVerification { .. }
        | EmailPayload::PasswordReset { .. }
        | EmailPayload::TaInvitation { .. }
        | EmailPayload::BundleReceipt { .. }
        | EmailPayload::AttendanceDigest { .. }
        | EmailPayload::LinkErased { .. } => return None,
    };
    let status = match method {
        Method::Request => Status::Confirmed,
        Method::Cancel => Status::Cancelled,
    };
    let mut event = SessionEvent::of(session, message.created_at, status);
    // The former TA's calendar holds the session where it was, with them teaching: the
    // cancellation describes that event (same UID, the new sequence).
    if let EmailPayload::BookingRescheduled { previous, audience: RescheduleAudience::FormerTa, .. } = &message.payload
    {
        event.starts_at = previous.starts_at;
        event.ends_at = previous.ends_at;
        event.ta_name = &previous.ta_name;
    }
    event.organizer = Some(Participant { name: &session.organization_name, email: from.email.as_ref() });
    event.attendee = Some(Participant { name: &message.recipient_name, email: message.recipient.as_str() });
    Some(Invitation { method, calendar: calendar(Some(method), &[event]) })
}
