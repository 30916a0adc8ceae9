//! Fixtures shared by the tests of this crate: instants, sessions and outbox messages.

#![allow(dead_code, reason = "each test binary uses part of it")]

use chrono::{DateTime, Utc};
use domain::notifications::{
    Audience, EmailPayload, OutboxMessage, PreviousSlot, RescheduleAudience, SeriesDetails, SessionDetails,
};
use domain::shared::{
    BookingId, Cents, Currency, Email, OrganizationId, OutboxMessageId, Secret, SeriesId, TimeZoneId,
};
use uuid::Uuid;

pub const BASE_URL: &str = "https://app.engify.example";
/// A base64url token, as `RandomTokens` makes them.
pub const TOKEN: &str = "q3Jx-8_Zk0vT2mW9yL1nR5sA7dF4gH6jK8lP0oI2uYe";

pub fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

pub fn berlin() -> TimeZoneId {
    TimeZoneId::parse("Europe/Berlin").unwrap()
}

/// Algebra I with Grace Hopper, at the given UTC instants, shown in Berlin time.
pub fn session(starts_at: &str, ends_at: &str) -> SessionDetails {
    SessionDetails {
        booking_id: BookingId::from_uuid(Uuid::nil()),
        course_title: "Algebra I".to_owned(),
        ta_name: "Grace Hopper".to_owned(),
        starts_at: utc(starts_at),
        ends_at: utc(ends_at),
        timezone: berlin(),
        organization_name: "Northside Tutoring".to_owned(),
        sequence: 0,
    }
}

/// Wed 2 Dec 2026, 10:00–11:00 in Berlin (CET, UTC+1).
pub fn winter_session() -> SessionDetails {
    session("2026-12-02T09:00:00Z", "2026-12-02T10:00:00Z")
}

/// Where [`winter_session`] was before it moved: Sat 24 Oct 2026, 14:00–15:30 in Berlin
/// (CEST, UTC+2), with Alan Turing.
pub fn previous_slot() -> PreviousSlot {
    PreviousSlot {
        starts_at: utc("2026-10-24T12:00:00Z"),
        ends_at: utc("2026-10-24T13:30:00Z"),
        ta_name: "Alan Turing".to_owned(),
    }
}

pub fn paris() -> TimeZoneId {
    TimeZoneId::parse("Europe/Paris").unwrap()
}

/// Algebra I with Grace Hopper on Wednesdays, 18:00–19:00 in Paris, across the switch to
/// summer time of Sun 28 Mar 2027: Wed 24 Mar (CET, UTC+1), then Wed 31 Mar and Wed 7 Apr
/// (CEST, UTC+2). Wed 14 Apr 18:00 was skipped (`ta_unavailable`), and so was Wed 21 Apr
/// (`bundle_exhausted`).
pub fn series_details() -> SeriesDetails {
    SeriesDetails {
        series_id: SeriesId::from_uuid(Uuid::nil()),
        course_title: "Algebra I".to_owned(),
        ta_name: "Grace Hopper".to_owned(),
        organization_name: "Northside Tutoring".to_owned(),
        timezone: paris(),
        sessions: vec![
            (utc("2027-03-24T17:00:00Z"), utc("2027-03-24T18:00:00Z")),
            (utc("2027-03-31T16:00:00Z"), utc("2027-03-31T17:00:00Z")),
            (utc("2027-04-07T16:00:00Z"), utc("2027-04-07T17:00:00Z")),
        ],
        skipped: vec![
            (utc("2027-04-14T16:00:00Z"), "ta_unavailable".to_owned()),
            (utc("2027-04-21T16:00:00Z"), "bundle_exhausted".to_owned()),
        ],
    }
}

pub fn message(recipient: &str, name: &str, payload: EmailPayload) -> OutboxMessage {
    OutboxMessage::new(
        OutboxMessageId::from_uuid(Uuid::now_v7()),
        OrganizationId::from_uuid(Uuid::now_v7()),
        Email::parse(recipient).unwrap(),
        name,
        payload,
        utc("2026-11-20T08:30:00Z"),
    )
}

/// One payload of each kind, in `EmailKind::ALL`'s order.
pub fn one_of_each_kind() -> Vec<EmailPayload> {
    let s = winter_session;
    vec![
        EmailPayload::EmailVerification { token: Secret::new(TOKEN) },
        EmailPayload::PasswordReset { token: Secret::new(TOKEN) },
        EmailPayload::TaInvitation { organization_name: "Northside Tutoring".into(), token: Secret::new(TOKEN) },
        EmailPayload::BundleReceipt {
            organization_name: "Northside Tutoring".into(),
            course_title: "Algebra I".into(),
            product_name: "Ten sessions".into(),
            sessions: 10,
            price: Cents::new(12_000).unwrap(),
            currency: Currency::EUR,
            valid_to: utc("2027-06-01T21:59:00Z"),
            timezone: berlin(),
        },
        EmailPayload::BookingConfirmation { session: s(), audience: Audience::Student, student_name: "Ada".into() },
        EmailPayload::GroupJoinConfirmation { session: s() },
        EmailPayload::WaitlistPromotion { session: s() },
        EmailPayload::Cancellation { session: s(), reason: None, refunded: None },
        EmailPayload::BookingRescheduled {
            session: s(),
            previous: previous_slot(),
            audience: RescheduleAudience::Student,
            reason: None,
        },
        EmailPayload::SeriesConfirmation {
            series: series_details(),
            audience: Audience::Student,
            student_name: "Ada".into(),
        },
        EmailPayload::SeriesCancellation { series: series_details(), reason: None, refunded: None },
        EmailPayload::TaNoShowRefund { session: s() },
        EmailPayload::AttendanceDigest {
            organization_name: "Northside Tutoring".into(),
            timezone: berlin(),
            total: 3,
            sessions: vec![(utc("2026-11-30T09:00:00Z"), utc("2026-11-30T10:00:00Z"), "Algebra I".into())],
        },
    ]
}
