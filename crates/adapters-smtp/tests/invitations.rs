//! The calendar invitations of session emails: which emails carry one and with which method;
//! the part's place (a third alternative) and content type; what the calendar says, read by a
//! parser independent of the writer (`test_support::ical`): the booking's UID, its sequence,
//! DTSTAMP when queued, the organization as organizer at the sender's address, the recipient
//! as attendee, the former TA's cancellation at the old time; the same bytes on every attempt;
//! intact through the file mailer (8bit) and over SMTP (transfer-encoded).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use std::time::Duration;

use adapters_ical::{Method, uid};
use adapters_smtp::compose::{TextEncoding, build_message};
use adapters_smtp::invitation::invitation;
use adapters_smtp::render::render_message;
use adapters_smtp::{Mailbox, SmtpConfig, SmtpMailer};
use common::{BASE_URL, message, one_of_each_kind, previous_slot, winter_session};
use domain::notifications::{Audience, EmailPayload, Mailer, OutboxMessage, RescheduleAudience, SessionDetails};
use domain::shared::BookingId;
use test_support::ical::Calendar;
use test_support::mail::ParsedMail;
use test_support::smtp::SmtpSink;

const FROM: &str = "Engify <no-reply@engify.example>";

fn from() -> Mailbox {
    FROM.parse().unwrap()
}

/// The email of `message` as the file mailer writes it (8bit: the calendar verbatim).
fn built(message: &OutboxMessage) -> String {
    let rendered = render_message(message, BASE_URL).unwrap();
    let email = build_message(&from(), message, &rendered, TextEncoding::EightBit).unwrap();
    String::from_utf8(email.formatted()).unwrap()
}

/// The calendar part's content type (lower case) and its calendar, when the email has one.
fn calendar_of(raw: &str) -> Option<(String, Calendar)> {
    let mail = ParsedMail::parse(raw);
    let part = mail.part("text/calendar")?;
    let content_type = part.header("content-type").unwrap().to_ascii_lowercase();
    // The parsed body has LF line ends; the raw calendar had CRLF (checked in
    // `every_attempt_builds_the_same_bytes_with_the_calendar_verbatim`).
    Some((content_type, Calendar::parse(&part.body.replace('\n', "\r\n"))))
}

fn rescheduled(audience: RescheduleAudience) -> EmailPayload {
    EmailPayload::BookingRescheduled { session: moved_session(), previous: previous_slot(), audience, reason: None }
}

/// [`winter_session`] after two moves.
fn moved_session() -> SessionDetails {
    SessionDetails { sequence: 2, ..winter_session() }
}

#[test]
fn each_session_email_carries_the_method_its_change_asks_for() {
    let mut cases: Vec<(EmailPayload, Option<(&str, &str)>)> = one_of_each_kind()
        .into_iter()
        .map(|payload| {
            let expected = match &payload {
                EmailPayload::BookingConfirmation { .. }
                | EmailPayload::GroupJoinConfirmation { .. }
                | EmailPayload::WaitlistPromotion { .. }
                | EmailPayload::BookingRescheduled { .. } => Some(("REQUEST", "CONFIRMED")),
                EmailPayload::Cancellation { .. } => Some(("CANCEL", "CANCELLED")),
                _ => None,
            };
            (payload, expected)
        })
        .collect();
    cases.extend([
        (
            EmailPayload::BookingConfirmation {
                session: winter_session(),
                audience: Audience::Ta,
                student_name: "Ada".into(),
            },
            Some(("REQUEST", "CONFIRMED")),
        ),
        (rescheduled(RescheduleAudience::Ta), Some(("REQUEST", "CONFIRMED"))),
        (rescheduled(RescheduleAudience::FormerTa), Some(("CANCEL", "CANCELLED"))),
        (
            EmailPayload::Cancellation { session: winter_session(), reason: Some("ill".into()), refunded: Some(true) },
            Some(("CANCEL", "CANCELLED")),
        ),
    ]);
    for (payload, expected) in cases {
        let kind = payload.kind();
        let raw = built(&message("zoe@example.com", "Zoë", payload));
        let types: Vec<String> = ParsedMail::parse(&raw).parts.iter().map(|p| p.content_type()).collect();
        match expected {
            None => {
                assert_eq!(types, ["text/plain", "text/html"], "{kind:?}: no invitation");
            }
            Some((method, status)) => {
                assert_eq!(types, ["text/plain", "text/html", "text/calendar"], "{kind:?}: a third alternative");
                let (content_type, calendar) = calendar_of(&raw).unwrap();
                let lower = method.to_ascii_lowercase();
                assert_eq!(content_type, format!("text/calendar; method={lower}; charset=utf-8"), "{kind:?}");
                assert_eq!(calendar.value("METHOD"), method, "{kind:?}: the same method as the content type");
                assert_eq!(calendar.event().value("STATUS"), status, "{kind:?}");
            }
        }
    }
}

#[test]
fn the_calendar_names_the_booking_its_sequence_the_organization_and_the_recipient() {
    let session = SessionDetails {
        booking_id: BookingId::from_uuid(uuid::Uuid::now_v7()),
        course_title: "Algèbre, niveau 2; \"avancé\" — 中文 🎓".into(),
        ..moved_session()
    };
    let payload = EmailPayload::BookingRescheduled {
        session: session.clone(),
        previous: previous_slot(),
        audience: RescheduleAudience::Student,
        reason: None,
    };
    let message = message("zoe@example.com", "Zoë Ångström", payload);
    let (_, calendar) = calendar_of(&built(&message)).unwrap();

    let event = calendar.event();
    assert_eq!(event.value("UID"), uid(session.booking_id), "one UID per booking");
    assert_eq!(event.value("SEQUENCE"), "2", "the booking's sequence");
    assert_eq!(event.value("DTSTAMP"), "2026-11-20T08:30:00Z", "when the email was queued");
    assert_eq!(event.value("DTSTART"), "2026-12-02T09:00:00Z", "the session as it is now, in UTC");
    assert_eq!(event.value("DTEND"), "2026-12-02T10:00:00Z");
    assert_eq!(event.value("SUMMARY"), session.course_title);
    assert_eq!(event.value("DESCRIPTION"), "TA: Grace Hopper\nNorthside Tutoring");
    let organizer = event.property("ORGANIZER");
    assert_eq!(
        (organizer.value.as_str(), organizer.param("CN")),
        ("mailto:no-reply@engify.example", Some("Northside Tutoring"))
    );
    let attendee = event.property("ATTENDEE");
    assert_eq!((attendee.value.as_str(), attendee.param("CN")), ("mailto:zoe@example.com", Some("Zoë Ångström")));
}

#[test]
fn the_former_ta_is_asked_to_remove_the_session_where_it_was() {
    let (_, current) =
        calendar_of(&built(&message("tara@example.com", "Tara", rescheduled(RescheduleAudience::Ta)))).unwrap();
    let (_, former) =
        calendar_of(&built(&message("alan@example.com", "Alan Turing", rescheduled(RescheduleAudience::FormerTa))))
            .unwrap();
    assert_eq!(former.value("METHOD"), "CANCEL");
    let event = former.event();
    assert_eq!(event.value("UID"), current.event().value("UID"), "the same event");
    assert_eq!(event.value("SEQUENCE"), "2", "the new sequence, above the one the former TA has");
    assert_eq!((event.value("DTSTART"), event.value("DTEND")), ("2026-10-24T12:00:00Z", "2026-10-24T13:30:00Z"));
    assert_eq!(event.value("DESCRIPTION"), "TA: Alan Turing\nNorthside Tutoring", "as they knew it");
    assert_eq!(event.property("ATTENDEE").value, "mailto:alan@example.com");
}

#[test]
fn every_attempt_builds_the_same_bytes_with_the_calendar_verbatim() {
    let message = message("zoe@example.com", "Zoë", rescheduled(RescheduleAudience::Student));
    let raw = built(&message);
    assert_eq!(built(&message), raw, "a resend is identical");
    let invite = invitation(&from(), &message).unwrap();
    assert_eq!(invite.method, Method::Request);
    assert!(raw.contains(&invite.calendar), "the 8bit part holds the calendar as written (CRLF, folds): {raw}");
    assert!(invite.calendar.contains("\r\nEND:VCALENDAR\r\n"));
}

#[tokio::test]
async fn over_smtp_a_calendar_with_long_non_ascii_lines_arrives_intact() {
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(SmtpConfig::new(sink.url(), from(), BASE_URL)).unwrap();
    let session = SessionDetails { course_title: "Géométrie 中文 🎓 ".repeat(8), ..winter_session() };
    let message = message("zoe@example.com", "Zoë", EmailPayload::GroupJoinConfirmation { session: session.clone() });
    mailer.send(&message).await.unwrap();

    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    let (content_type, calendar) = calendar_of(&received[0].data).unwrap();
    assert_eq!(content_type, "text/calendar; method=request; charset=utf-8");
    assert_eq!(calendar.event().value("SUMMARY"), session.course_title);
    let expected = invitation(&from(), &message).unwrap().calendar.replace("\r\n", "\n");
    let part = ParsedMail::parse(&received[0].data).part("text/calendar").unwrap().body.clone();
    assert_eq!(part, expected, "transfer-decoded, the calendar is the one written");
}
