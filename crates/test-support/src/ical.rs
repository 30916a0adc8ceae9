//! Reading iCalendar (RFC 5545) in tests.
//!
//! [`Calendar::parse`] first checks the raw text itself (every line ends with CRLF, holds at
//! most 75 octets and whole UTF-8 characters: [`check_lines`]), then parses it with `calcard`
//! (the iCalendar library of the Stalwart mail server), which shares no code with the
//! `icalendar` crate that writes Engify's calendars: what a test reads is what a calendar
//! client would read, folds joined and TEXT unescaped (`\,` → `,`, `\n` → a line break).

use calcard::icalendar::{ICalendar, ICalendarComponentType};

/// A parsed calendar: the `VCALENDAR`'s own properties and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// `PRODID`, `VERSION`, `METHOD`, … in order.
    pub properties: Vec<Property>,
    /// The `VEVENT`s, in order.
    pub events: Vec<Component>,
}

/// A component's properties, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Its properties.
    pub properties: Vec<Property>,
}

/// One property: its name (upper case), its parameters and its value, as text (a TEXT value
/// unescaped; a DATE-TIME as RFC 3339, `2026-12-02T09:00:00Z` when it was in UTC and without
/// the `Z` when it was not; an integer in decimal; several values joined by `,`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// `SUMMARY`, `DTSTART`, …
    pub name: String,
    /// `(name, value)`, names upper case, values unquoted.
    pub params: Vec<(String, String)>,
    /// The value.
    pub value: String,
}

impl Property {
    /// The value of the parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Component {
    /// The one property `name` (case-insensitive).
    ///
    /// # Panics
    /// When there is none, or more than one.
    pub fn property(&self, name: &str) -> &Property {
        one(&self.properties, name)
    }

    /// The value of the one property `name`.
    ///
    /// # Panics
    /// When there is none, or more than one.
    pub fn value(&self, name: &str) -> &str {
        &self.property(name).value
    }

    /// Whether it has a property `name`.
    pub fn has(&self, name: &str) -> bool {
        self.properties.iter().any(|p| p.name.eq_ignore_ascii_case(name))
    }
}

impl Calendar {
    /// Checks the raw lines, then parses `raw`: one `VCALENDAR`.
    ///
    /// # Panics
    /// When a line breaks the rules of [`check_lines`], or `calcard` finds no calendar.
    pub fn parse(raw: &str) -> Self {
        if let Err(broken) = check_lines(raw.as_bytes()) {
            panic!("{broken} in:\n{raw}");
        }
        let parsed = ICalendar::parse(raw).unwrap_or_else(|e| panic!("not a calendar ({e:?}):\n{raw}"));
        let mut calendar = Calendar { properties: Vec::new(), events: Vec::new() };
        for component in &parsed.components {
            let properties: Vec<Property> = component
                .entries
                .iter()
                .map(|entry| Property {
                    name: entry.name.as_str().to_ascii_uppercase(),
                    params: entry
                        .params
                        .iter()
                        .map(|p| {
                            (
                                p.name.as_str().to_ascii_uppercase(),
                                p.value.clone().into_text().unwrap_or_default().into_owned(),
                            )
                        })
                        .collect(),
                    value: entry
                        .values
                        .iter()
                        .map(|v| v.clone().into_text().unwrap_or_default().into_owned())
                        .collect::<Vec<_>>()
                        .join(","),
                })
                .collect();
            match component.component_type {
                ICalendarComponentType::VCalendar => calendar.properties = properties,
                ICalendarComponentType::VEvent => calendar.events.push(Component { properties }),
                ref other => panic!("unexpected component {other:?} in:\n{raw}"),
            }
        }
        calendar
    }

    /// The value of the calendar's one property `name`.
    ///
    /// # Panics
    /// When there is none, or more than one.
    pub fn value(&self, name: &str) -> &str {
        &one(&self.properties, name).value
    }

    /// Whether the calendar has a property `name`.
    pub fn has(&self, name: &str) -> bool {
        self.properties.iter().any(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The one event.
    ///
    /// # Panics
    /// When there is none, or more than one.
    pub fn event(&self) -> &Component {
        assert_eq!(self.events.len(), 1, "one VEVENT: {self:?}");
        &self.events[0]
    }
}

fn one<'a>(properties: &'a [Property], name: &str) -> &'a Property {
    let mut found = properties.iter().filter(|p| p.name.eq_ignore_ascii_case(name));
    let first = found.next().unwrap_or_else(|| panic!("no {name} in {properties:?}"));
    assert!(found.next().is_none(), "more than one {name} in {properties:?}");
    first
}

/// Checks the physical lines of an iCalendar text (RFC 5545 §3.1): each ends with CRLF (no bare
/// CR or LF anywhere), holds at most 75 octets, and is valid UTF-8 on its own, so that no fold
/// falls inside a multi-byte character; a continuation line starts with one space.
///
/// # Errors
/// The first broken rule, with the line's number (from 1).
pub fn check_lines(raw: &[u8]) -> Result<(), String> {
    if !raw.ends_with(b"\r\n") {
        return Err("the last line does not end with CRLF".to_owned());
    }
    // Each piece up to a LF (the last one's LF left out) must end with the CR of its CRLF.
    for (i, line) in raw[..raw.len() - 1].split(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let Some(line) = line.strip_suffix(b"\r") else {
            return Err(format!("line {number} ends with a bare LF"));
        };
        if line.contains(&b'\r') {
            return Err(format!("line {number} holds a bare CR"));
        }
        if line.len() > 75 {
            return Err(format!("line {number} is {} octets long (at most 75)", line.len()));
        }
        if std::str::from_utf8(line).is_err() {
            return Err(format!("line {number} is not valid UTF-8 on its own (a fold inside a character?)"));
        }
        if line.is_empty() {
            return Err(format!("line {number} is empty"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_must_end_with_crlf_fit_in_75_octets_and_hold_whole_characters() {
        assert_eq!(check_lines(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), Ok(()));
        assert!(check_lines(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR").unwrap_err().contains("CRLF"));
        assert!(check_lines(b"BEGIN:VCALENDAR\nEND:VCALENDAR\r\n").unwrap_err().contains("line 1 ends with a bare LF"));
        assert!(check_lines(b"A:b\rc\r\n").unwrap_err().contains("bare CR"));
        let long = format!("SUMMARY:{}\r\n", "a".repeat(68));
        assert!(check_lines(long.as_bytes()).unwrap_err().contains("76 octets"));
        assert_eq!(check_lines(format!("SUMMARY:{}\r\n", "a".repeat(67)).as_bytes()), Ok(()));
        // "é" is C3 A9: a fold between the two octets leaves neither line valid UTF-8.
        let split = b"SUMMARY:caf\xC3\r\n \xA9\r\n";
        assert!(check_lines(split).unwrap_err().contains("line 1 is not valid UTF-8"));
    }

    #[test]
    fn folds_are_joined_and_text_unescaped() {
        let raw = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u1\r\n\
                   SUMMARY:Alg\r\n ebra\\, I\\; a\\\\b\\nc\r\nDTSTART:20261202T090000Z\r\n\
                   ORGANIZER;CN=\"Acme, Inc\":mailto:a@example.com\r\nSEQUENCE:2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let calendar = Calendar::parse(raw);
        assert_eq!((calendar.value("VERSION"), calendar.value("METHOD")), ("2.0", "REQUEST"));
        let event = calendar.event();
        assert_eq!(event.value("SUMMARY"), "Algebra, I; a\\b\nc");
        assert_eq!(event.value("DTSTART"), "2026-12-02T09:00:00Z");
        assert_eq!(event.value("SEQUENCE"), "2");
        assert_eq!(event.property("ORGANIZER").param("cn"), Some("Acme, Inc"));
        assert_eq!(event.value("ORGANIZER"), "mailto:a@example.com");
        assert!(!event.has("DTEND"));
    }
}
