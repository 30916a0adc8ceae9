//! What `calendar` writes, read back by an independent parser (`calcard`, through
//! `test_support::ical`, which checks the raw lines first): CRLF and 75-octet folds that never
//! split a character, escaped text, the calendar's and the event's required properties, UTC
//! times, and the same bytes for the same input.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use adapters_ical::{Method, PRODID, Participant, SessionEvent, Status, calendar, uid};
use chrono::{DateTime, Utc};
use domain::notifications::SessionDetails;
use domain::shared::{BookingId, TimeZoneId};
use test_support::ical::Calendar;

fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

/// A title long enough to fold several times, with 2-, 3- and 4-octet characters, and every
/// character TEXT escapes.
const TITLE: &str = "Algèbre linéaire, géométrie; 中文数学 \\ 🎓🎓🎓 — a course whose title runs \
                     over several folded lines: ééééé 中中中中中 🎓🎓🎓🎓🎓 and more";

fn session() -> SessionDetails {
    SessionDetails {
        booking_id: BookingId::from_uuid(uuid::Uuid::parse_str("0190f3c2-7b1e-7cc0-8a4e-4f1d2b3c4d5e").unwrap()),
        course_title: TITLE.to_owned(),
        ta_name: "Hopper, Grace; \"Amazing\"\r\nRear Admiral".to_owned(),
        starts_at: utc("2026-12-02T10:00:00+01:00"),
        ends_at: utc("2026-12-02T11:00:00+01:00"),
        timezone: TimeZoneId::parse("Europe/Berlin").unwrap(),
        organization_name: "Northside \"Tutoring\", Ltd; Berlin".to_owned(),
        sequence: 3,
    }
}

fn invitation(session: &SessionDetails, method: Method, status: Status) -> String {
    let event = SessionEvent {
        organizer: Some(Participant { name: &session.organization_name, email: "no-reply@engify.example" }),
        attendee: Some(Participant { name: "Zoë Ångström, \"Z\"", email: "zoe@example.com" }),
        ..SessionEvent::of(session, utc("2026-11-20T08:30:00.250Z"), status)
    };
    calendar(Some(method), &[event])
}

#[test]
fn an_invitation_holds_one_event_with_every_property_a_client_needs() {
    let session = session();
    let raw = invitation(&session, Method::Request, Status::Confirmed);
    let calendar = Calendar::parse(&raw);

    assert_eq!(calendar.value("VERSION"), "2.0");
    assert_eq!(calendar.value("PRODID"), PRODID);
    assert!(PRODID.starts_with("-//Engify//Engify ") && PRODID.ends_with("//EN"), "{PRODID}");
    assert_eq!(calendar.value("METHOD"), "REQUEST");
    let event = calendar.event();
    assert_eq!(event.value("UID"), "booking-0190f3c2-7b1e-7cc0-8a4e-4f1d2b3c4d5e@engify");
    assert_eq!(event.value("UID"), uid(session.booking_id));
    assert_eq!(event.value("SEQUENCE"), "3");
    assert_eq!(event.value("DTSTAMP"), "2026-11-20T08:30:00Z", "the given instant, in whole seconds");
    assert_eq!(event.value("DTSTART"), "2026-12-02T09:00:00Z", "in UTC");
    assert_eq!(event.value("DTEND"), "2026-12-02T10:00:00Z");
    assert_eq!(event.value("STATUS"), "CONFIRMED");
    assert_eq!(event.value("SUMMARY"), TITLE, "the title comes back whole, unescaped");
    assert_eq!(
        event.value("DESCRIPTION"),
        "TA: Hopper, Grace; \"Amazing\"\nRear Admiral\nNorthside \"Tutoring\", Ltd; Berlin",
        "the TA and organization, line breaks kept"
    );
    let organizer = event.property("ORGANIZER");
    assert_eq!(organizer.value, "mailto:no-reply@engify.example");
    assert_eq!(organizer.param("CN"), Some("Northside 'Tutoring', Ltd; Berlin"), "quotes cannot be in a parameter");
    let attendee = event.property("ATTENDEE");
    assert_eq!(attendee.value, "mailto:zoe@example.com");
    assert_eq!(attendee.param("CN"), Some("Zoë Ångström, 'Z'"));
    assert_eq!(
        (attendee.param("PARTSTAT"), attendee.param("RSVP"), attendee.param("ROLE")),
        (Some("ACCEPTED"), Some("FALSE"), Some("REQ-PARTICIPANT"))
    );
}

#[test]
fn times_are_written_in_utc_and_text_escaped_in_the_raw_lines() {
    let raw = invitation(&session(), Method::Request, Status::Confirmed);
    let unfolded = raw.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split_terminator("\r\n").collect();
    for (name, value) in
        [("DTSTART", "20261202T090000Z"), ("DTEND", "20261202T100000Z"), ("DTSTAMP", "20261120T083000Z")]
    {
        assert!(lines.contains(&format!("{name}:{value}").as_str()), "{name} in UTC: {raw}");
    }
    let summary = lines.iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
    assert!(summary.starts_with("SUMMARY:Algèbre linéaire\\, géométrie\\; 中文数学 \\\\ 🎓"), "{summary}");
    let description = lines.iter().find(|l| l.starts_with("DESCRIPTION:")).unwrap();
    assert!(description.contains("Grace\\; \"Amazing\"\\nRear Admiral\\n"), "{description}");
    assert!(lines.contains(&"ORGANIZER;CN=\"Northside 'Tutoring', Ltd; Berlin\":mailto:no-reply@engify.example"));
    assert!(raw.lines().filter(|l| l.len() > 70).count() >= 3, "the title and description were folded: {raw}");
    assert!(raw.starts_with("BEGIN:VCALENDAR\r\n") && raw.ends_with("END:VCALENDAR\r\n"));
}

#[test]
fn a_cancellation_says_cancel_and_cancelled_under_the_same_uid_and_sequence() {
    let session = session();
    let request = Calendar::parse(&invitation(&session, Method::Request, Status::Confirmed));
    let cancel = Calendar::parse(&invitation(&session, Method::Cancel, Status::Cancelled));
    assert_eq!(cancel.value("METHOD"), "CANCEL");
    assert_eq!(cancel.event().value("STATUS"), "CANCELLED");
    for name in ["UID", "SEQUENCE", "DTSTART", "DTEND"] {
        assert_eq!(cancel.event().value(name), request.event().value(name), "{name}");
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let session = session();
    let first = invitation(&session, Method::Request, Status::Confirmed);
    assert_eq!(invitation(&session, Method::Request, Status::Confirmed), first);
    let moved = SessionDetails { sequence: 4, starts_at: utc("2026-12-03T09:00:00Z"), ..session };
    assert_ne!(invitation(&moved, Method::Request, Status::Confirmed), first);
}

#[test]
fn a_feed_has_no_method_and_one_event_per_session_with_its_own_uid() {
    let first = session();
    let second = SessionDetails {
        booking_id: BookingId::from_uuid(uuid::Uuid::now_v7()),
        course_title: "Geometry".to_owned(),
        sequence: 0,
        ..session()
    };
    let stamp = utc("2026-11-21T00:00:00Z");
    let events =
        [SessionEvent::of(&first, stamp, Status::Confirmed), SessionEvent::of(&second, stamp, Status::Cancelled)];
    let calendar = Calendar::parse(&calendar(None, &events));
    assert!(!calendar.has("METHOD"), "a subscribed calendar carries no METHOD");
    assert_eq!(calendar.events.len(), 2);
    let uids: Vec<&str> = calendar.events.iter().map(|e| e.value("UID")).collect();
    assert_eq!(uids, [uid(first.booking_id), uid(second.booking_id)]);
    assert_eq!(calendar.events[1].value("STATUS"), "CANCELLED");
    for event in &calendar.events {
        assert!(!event.has("ORGANIZER") && !event.has("ATTENDEE"));
        assert!(event.has("DTSTAMP"));
    }
}

#[test]
fn names_without_letters_leave_out_the_cn() {
    let session = session();
    let event = SessionEvent {
        attendee: Some(Participant { name: " \r\n ", email: "zoe@example.com" }),
        ..SessionEvent::of(&session, utc("2026-11-20T08:30:00Z"), Status::Confirmed)
    };
    let calendar = Calendar::parse(&calendar(Some(Method::Request), &[event]));
    assert_eq!(calendar.event().property("ATTENDEE").param("CN"), None);
}
#[test]
fn folds_fall_between_characters_wherever_the_limit_lands() {
    // Shifting the title one octet at a time puts the 75th octet of a line inside a 2-, 3- and
    // 4-octet character in turn; `Calendar::parse` checks every line is whole UTF-8.
    for shift in 0..12 {
        let title = format!("{}{}", "x".repeat(shift), "é中🎓".repeat(30));
        let session = SessionDetails { course_title: title.clone(), ..session() };
        let calendar = Calendar::parse(&invitation(&session, Method::Request, Status::Confirmed));
        assert_eq!(calendar.event().value("SUMMARY"), title, "shift {shift}");
    }
}

#[test]
fn no_line_is_longer_than_75_octets_whatever_the_length() {
    // 150 octets (`SUMMARY:` and 142) is where icalendar 0.17.17 alone writes a 76-octet line.
    for length in 60..240 {
        let session = SessionDetails { course_title: "x".repeat(length), ..session() };
        let calendar = Calendar::parse(&invitation(&session, Method::Cancel, Status::Cancelled));
        assert_eq!(calendar.event().value("SUMMARY").len(), length);
    }
}
