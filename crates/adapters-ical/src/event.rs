//! A session as a calendar event: the facts [`calendar`](crate::calendar) writes, with no
//! iCalendar syntax in them. Borrowed from the caller's data, so that building one for an
//! email or for each row of a feed copies nothing.

use chrono::{DateTime, Utc};
use domain::notifications::SessionDetails;
use domain::shared::BookingId;

/// What an invitation asks of the recipient's calendar client (RFC 5546 §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Create the event, or update it in place when its `UID` is known: a booking made, a
    /// seat given, a session moved.
    Request,
    /// Remove the event: a session cancelled, or one handed over to another TA.
    Cancel,
}

impl Method {
    /// `REQUEST` or `CANCEL`, as in `METHOD` and in the `method` parameter of the email's
    /// `text/calendar` part.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// The event's `STATUS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `CONFIRMED`: the session takes place.
    Confirmed,
    /// `CANCELLED`: it does not (for this recipient).
    Cancelled,
}

impl Status {
    /// `CONFIRMED` or `CANCELLED`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "CONFIRMED",
            Status::Cancelled => "CANCELLED",
        }
    }
}

/// A person or organization in an event: its name (`CN`) and its address (`mailto:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant<'a> {
    /// The name shown; empty for none.
    pub name: &'a str,
    /// The email address.
    pub email: &'a str,
}

/// One session as a calendar event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionEvent<'a> {
    /// The booking: the event's `UID` derives from it ([`uid`]).
    pub booking_id: BookingId,
    /// The booking's `sequence` (0 at booking, one more per move): the `SEQUENCE`. A client
    /// applies a message whose sequence is at least the one it has, the later `DTSTAMP` winning
    /// between equals (RFC 5546 §2.1.5).
    pub sequence: u32,
    /// When this version of the event came to be (the `DTSTAMP`): for an invitation, when its
    /// email was queued. Never the time of writing, so that rewriting gives the same bytes.
    pub stamp: DateTime<Utc>,
    /// When it starts (`DTSTART`, written in UTC).
    pub starts_at: DateTime<Utc>,
    /// When it ends (`DTEND`, written in UTC).
    pub ends_at: DateTime<Utc>,
    /// The course title: the `SUMMARY`, what a calendar shows.
    pub course_title: &'a str,
    /// The TA's name, in the `DESCRIPTION`.
    pub ta_name: &'a str,
    /// The organization's name, in the `DESCRIPTION`.
    pub organization_name: &'a str,
    /// Whether it takes place.
    pub status: Status,
    /// Who organizes it (`ORGANIZER`): for an invitation, the organization with the address
    /// the email comes from. RFC 5546 requires one in a `REQUEST` or `CANCEL`.
    pub organizer: Option<Participant<'a>>,
    /// Who it is for (`ATTENDEE`): for an invitation, its recipient.
    pub attendee: Option<Participant<'a>>,
}

impl<'a> SessionEvent<'a> {
    /// The session an email describes, as it was when `stamp` happened; no organizer or
    /// attendee yet.
    pub fn of(session: &'a SessionDetails, stamp: DateTime<Utc>, status: Status) -> Self {
        Self {
            booking_id: session.booking_id,
            sequence: session.sequence,
            stamp,
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            course_title: &session.course_title,
            ta_name: &session.ta_name,
            organization_name: &session.organization_name,
            status,
            organizer: None,
            attendee: None,
        }
    }
}

/// The `UID` of a booking's event, `booking-{booking id}@engify`. It is derived from the
/// booking id, which never changes, so every invitation and every feed names the booking's
/// event alike without storing anything; a booking id is a random v7 UUID, unique in any
/// recipient's calendar.
pub fn uid(booking_id: BookingId) -> String {
    format!("booking-{booking_id}@engify")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uid_derives_from_the_booking_id() {
        let id = BookingId::from_uuid(uuid::Uuid::nil());
        assert_eq!(uid(id), "booking-00000000-0000-0000-0000-000000000000@engify");
    }

    #[test]
    fn methods_and_statuses_have_their_rfc_names() {
        assert_eq!((Method::Request.as_str(), Method::Cancel.as_str()), ("REQUEST", "CANCEL"));
        assert_eq!((Status::Confirmed.as_str(), Status::Cancelled.as_str()), ("CONFIRMED", "CANCELLED"));
    }
}
