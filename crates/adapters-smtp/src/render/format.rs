//! The facts every email shows, formatted once for the text and the HTML templates alike:
//! greeting and signer, links, dates and times in the organization's time zone, prices, and
//! token lifetimes in words.

use std::fmt::Write as _;

use chrono::{DateTime, Offset as _, TimeDelta, Utc};
use chrono_tz::Tz;
use domain::shared::{Cents, Currency, TimeZoneId};

/// `Hello Ada,` (or `Hello,` without a name).
pub fn greeting(recipient_name: &str) -> String {
    let name = recipient_name.trim();
    if name.is_empty() { "Hello,".to_owned() } else { format!("Hello {name},") }
}

/// Who signs the email: the organization when there is one, else Engify.
pub fn signer(organization_name: Option<&str>) -> String {
    organization_name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("Engify").to_owned()
}

/// `{public_base_url}{path}?token={token}`, the token percent-encoded where needed (base64url
/// tokens never need it) and a trailing `/` of the base URL ignored.
pub fn token_link(public_base_url: &str, path: &str, token: &str) -> String {
    format!("{}{path}?token={}", public_base_url.trim_end_matches('/'), percent_encode(token))
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn local(at: DateTime<Utc>, zone: TimeZoneId) -> DateTime<Tz> {
    at.with_timezone(&zone.tz())
}

/// The date of an instant in the zone: `Wed 2 Dec 2026`.
pub fn date(at: DateTime<Utc>, zone: TimeZoneId) -> String {
    local(at, zone).format("%a %-d %b %Y").to_string()
}

/// An instant in the zone: `Wed 2 Dec 2026, 23:59 (Europe/Berlin)`.
pub fn instant(at: DateTime<Utc>, zone: TimeZoneId) -> String {
    format!("{}, {} ({})", date(at, zone), local(at, zone).format("%H:%M"), zone.name())
}

/// A session's time in the zone: `Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)`.
///
/// When the offset changes during the session (a night across a DST switch), each time shows
/// its abbreviation so that `02:30 CEST–02:30 CET` is not read as an empty interval; a session
/// ending on a later date shows both dates.
pub fn time_range(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, zone: TimeZoneId) -> String {
    let (start, end) = (local(starts_at, zone), local(ends_at, zone));
    let offsets_differ = start.offset().fix() != end.offset().fix();
    let clock = if offsets_differ { "%H:%M %Z" } else { "%H:%M" };
    let (from, to) = (start.format(clock), end.format(clock));
    if start.date_naive() == end.date_naive() {
        format!("{}, {from}–{to} ({})", date(starts_at, zone), zone.name())
    } else {
        format!("{}, {from} – {}, {to} ({})", date(starts_at, zone), date(ends_at, zone), zone.name())
    }
}

/// A price in cents with its currency: `120.00 EUR`. Amounts are integer cents in every
/// currency (the API's money model), so two decimals are always shown.
pub fn price(amount: Cents, currency: Currency) -> String {
    let cents = amount.get();
    format!("{}.{:02} {currency}", cents / 100, cents % 100)
}

/// A count with its unit, singular for one: `1 session`, `4 sessions`.
pub fn count(n: usize, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

/// A token lifetime in words: `1 hour`, `48 hours`, `7 days`.
pub fn lifetime(duration: TimeDelta) -> String {
    let (days, hours, minutes) = (duration.num_days(), duration.num_hours(), duration.num_minutes());
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    if days > 2 && hours % 24 == 0 {
        plural(days, "day")
    } else if hours >= 1 && minutes % 60 == 0 {
        plural(hours, "hour")
    } else {
        plural(minutes, "minute")
    }
}
