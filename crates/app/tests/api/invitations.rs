//! Calendar invitations end to end, on both backends: a lesson booked, moved and cancelled
//! sends the student three emails whose calendars (read by an independent parser) name one
//! event, the booking's, so that a calendar client creates it, moves it and removes it:
//! the same UID, SEQUENCE 0, 1, 1, METHOD REQUEST, REQUEST, CANCEL, the new time after the
//! move. The TA's copies name the same event.

use reqwest::StatusCode;
use serde_json::json;
use test_support::ical::Calendar;
use test_support::mail::ParsedMail;

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{booked, cancel, session};
use crate::helpers::{TestApp, apps};
use crate::reschedule::reschedule;

/// A title long enough to be folded, with every character iCalendar TEXT escapes (ASCII, so
/// that the subjects the emails are found by stay readable in the raw files).
const TITLE: &str = "Algebra, geometry; calculus \\ statistics: the complete course for the final exams of term 2";

/// The calendar of the email to `to` whose subject holds `subject`. The test apps write emails
/// to files, and `TestApp::email` returns the whole file.
async fn calendar(app: &TestApp, to: &str, subject: &str) -> Calendar {
    assert!(app.smtp.is_none(), "the raw email comes from the file outbox");
    let raw = app.email(to, subject, 0).await;
    let mail = ParsedMail::parse(&raw);
    let part = mail.part("text/calendar").unwrap_or_else(|| panic!("no calendar in the email `{subject}`: {raw}"));
    let content_type = part.header("content-type").unwrap().to_ascii_lowercase();
    let calendar = Calendar::parse(&part.body.replace('\n', "\r\n"));
    let method = calendar.value("METHOD").to_ascii_lowercase();
    assert_eq!(content_type, format!("text/calendar; method={method}; charset=utf-8"), "{subject}");
    calendar
}

#[tokio::test]
async fn a_lesson_booked_moved_and_cancelled_is_one_event_created_moved_and_removed() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/courses/{course}");
        let titled = app.patch(&path, Some(&academy.admin.access), json!({"title": TITLE})).await;
        assert_eq!(titled.status, StatusCode::OK, "{b:?}: {}", titled.text);
        let sam = academy.student("Sam").await;

        let lesson = booked(&app, &sam.access, session(&course, berlin(3, 10, 0), 60)).await;
        let admin = &academy.admin.access;
        let moved = reschedule(&app, admin, &lesson, json!({"startsAt": rfc3339(berlin(3, 14, 0))})).await;
        assert_eq!(moved.status, StatusCode::OK, "{b:?}: {}", moved.text);
        let cancelled = cancel(&app, admin, &lesson, json!({})).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{b:?}: {}", cancelled.text);

        let booked_cal = calendar(&app, &sam.email, "Booking confirmed").await;
        let moved_cal = calendar(&app, &sam.email, "Moved").await;
        let cancelled_cal = calendar(&app, &sam.email, "Cancelled:").await;
        let all = [&booked_cal, &moved_cal, &cancelled_cal];
        let methods: Vec<&str> = all.iter().map(|c| c.value("METHOD")).collect();
        assert_eq!(methods, ["REQUEST", "REQUEST", "CANCEL"], "{b:?}");
        let sequences: Vec<&str> = all.iter().map(|c| c.event().value("SEQUENCE")).collect();
        assert_eq!(sequences, ["0", "1", "1"], "{b:?}: a cancellation keeps the sequence");
        let statuses: Vec<&str> = all.iter().map(|c| c.event().value("STATUS")).collect();
        assert_eq!(statuses, ["CONFIRMED", "CONFIRMED", "CANCELLED"], "{b:?}");
        let uid = format!("booking-{}@engify", lesson["id"].as_str().unwrap());
        for calendar in all {
            let event = calendar.event();
            assert_eq!(event.value("UID"), uid, "{b:?}: one event, the booking's");
            assert_eq!(event.value("SUMMARY"), TITLE, "{b:?}");
            assert_eq!(event.property("ATTENDEE").value, format!("mailto:{}", sam.email), "{b:?}");
            assert_eq!(event.property("ORGANIZER").param("CN"), Some("Acme Tutoring"), "{b:?}: the organization");
        }
        assert_eq!(booked_cal.event().value("DTSTART"), rfc3339(berlin(3, 10, 0)), "{b:?}");
        assert_eq!(moved_cal.event().value("DTSTART"), rfc3339(berlin(3, 14, 0)), "{b:?}: the new time");
        assert_eq!(moved_cal.event().value("DTEND"), rfc3339(berlin(3, 15, 0)), "{b:?}");
        assert_eq!(cancelled_cal.event().value("DTSTART"), rfc3339(berlin(3, 14, 0)), "{b:?}");
        let stamps: Vec<&str> = all.iter().map(|c| c.event().value("DTSTAMP")).collect();
        assert!(stamps.is_sorted(), "{b:?}: each change is stamped when it happened: {stamps:?}");

        // The TA's copies name the same event, with the TA as the attendee.
        for (subject, method) in [("New booking", "REQUEST"), ("Moved", "REQUEST"), ("Cancelled:", "CANCEL")] {
            let copy = calendar(&app, &tas[0].email, subject).await;
            assert_eq!((copy.value("METHOD"), copy.event().value("UID")), (method, uid.as_str()), "{b:?}: {subject}");
            assert_eq!(copy.event().property("ATTENDEE").value, format!("mailto:{}", tas[0].email), "{b:?}");
        }
    }
}
