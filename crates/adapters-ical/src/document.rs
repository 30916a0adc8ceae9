//! Writing a `VCALENDAR` of session events with the `icalendar` crate. The crate builds the
//! structure, escapes TEXT values and quotes parameters; everything it would otherwise choose
//! (UID, DTSTAMP, PRODID) is set here, the values are cleaned of what RFC 5545 cannot carry,
//! and its folding is redone by [`fold`](crate::fold).

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, Property};

use crate::event::{Method, Participant, SessionEvent, uid};
use crate::fold::refold;

/// Our product identifier (`PRODID`), in the formal public identifier form RFC 5545 suggests.
pub const PRODID: &str = concat!("-//Engify//Engify ", env!("CARGO_PKG_VERSION"), "//EN");

/// The text of a calendar holding `events`, in order.
///
/// With a `method` it is a scheduling message (RFC 5546), as an invitation email carries
/// (`METHOD:REQUEST` or `METHOD:CANCEL`); without one it is a plain calendar, as a feed is
/// (a subscribed calendar must not carry `METHOD`). Lines end with CRLF and are folded at 75
/// octets; the same arguments always give the same text.
pub fn calendar(method: Option<Method>, events: &[SessionEvent<'_>]) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(Property::new("PRODID", PRODID));
    calendar.append_property(Property::new("VERSION", "2.0"));
    calendar.append_property(Property::new("CALSCALE", "GREGORIAN"));
    if let Some(method) = method {
        calendar.append_property(Property::new("METHOD", method.as_str()));
    }
    for event in events {
        calendar.push(vevent(event));
    }
    refold(&calendar.to_string())
}

fn vevent(e: &SessionEvent<'_>) -> Event {
    let mut event = Event::new();
    event
        .uid(&uid(e.booking_id))
        .sequence(e.sequence)
        .add_property("DTSTAMP", utc(e.stamp))
        .add_property("DTSTART", utc(e.starts_at))
        .add_property("DTEND", utc(e.ends_at))
        .add_property("SUMMARY", text(e.course_title))
        .add_property("DESCRIPTION", text(&format!("TA: {}\n{}", e.ta_name, e.organization_name)))
        .add_property("STATUS", e.status.as_str());
    if let Some(organizer) = e.organizer {
        event.append_property(address("ORGANIZER", organizer));
    }
    if let Some(attendee) = e.attendee {
        // The recipient booked the session or teaches it: they are in already (ACCEPTED), and
        // no reply is expected (RSVP=FALSE), since nobody reads replies sent to the organizer.
        let mut property = address("ATTENDEE", attendee);
        property.add_parameter("ROLE", "REQ-PARTICIPANT").add_parameter("PARTSTAT", "ACCEPTED");
        property.add_parameter("RSVP", "FALSE");
        event.append_multi_property(property);
    }
    event.done()
}

/// A UTC DATE-TIME (`20261202T090000Z`): whole seconds, and no `TZID`, so no `VTIMEZONE` is
/// needed and every client places the event alike.
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `ORGANIZER` or `ATTENDEE`: `mailto:` the address, the name as `CN` when there is one.
fn address(name: &str, who: Participant<'_>) -> Property {
    let mut property = Property::new(name, format!("mailto:{}", who.email));
    let cn = parameter(who.name);
    if !cn.is_empty() {
        property.add_parameter("CN", &cn);
    }
    property
}

/// A TEXT value as RFC 5545 allows it: control characters cannot appear (§3.3.11), so a CR LF
/// or a lone CR becomes a line break (which `icalendar` writes as `\n`) and the others, bar the
/// tab, are dropped. `icalendar` escapes `\`, `;` and `,`.
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// A parameter value (a name in `CN`): it can hold neither control characters nor a double
/// quote, even quoted (§3.1, QSAFE-CHAR), so line breaks become spaces, quotes become
/// apostrophes and other controls are dropped. `icalendar` quotes a value holding `:`, `;` or
/// `,`.
fn parameter(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .filter_map(|c| match c {
            '"' => Some('\''),
            '\r' | '\n' => Some(' '),
            '\t' => Some(c),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    cleaned.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_line_breaks_and_drops_other_controls() {
        assert_eq!(text("a\r\nb\rc\nd\te\u{0}f\u{7f}g\u{1b}h"), "a\nb\nc\nd\tefgh");
        assert_eq!(text("Algèbre, 中文; \\ 🎓"), "Algèbre, 中文; \\ 🎓");
    }

    #[test]
    fn parameters_lose_quotes_and_line_breaks() {
        assert_eq!(parameter(" Ada \"the\" Countess\r\nof\tLovelace\u{0} "), "Ada 'the' Countess  of\tLovelace");
        assert_eq!(parameter("\n"), "");
    }

    #[test]
    fn utc_times_have_whole_seconds_and_a_z() {
        let at = DateTime::parse_from_rfc3339("2026-12-02T09:00:00.123456+01:00").unwrap().to_utc();
        assert_eq!(utc(at), "20261202T080000Z");
    }
}
