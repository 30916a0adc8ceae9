//! IANA time zones and the conversion of wall-clock times to instants.
//!
//! Conversion rules, used by availability and the slot grid alike:
//! - a wall-clock time that happens once maps to that instant;
//! - one that happens twice (autumn fall-back) maps to the earlier instant for a start and the
//!   later instant for an end, so an interval covers every instant the wall clock shows it;
//! - one that does not happen (spring-forward gap) maps to the first instant after the gap.

use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use super::validation::InvalidValue;

/// An IANA time zone such as `Europe/Berlin`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZoneId(Tz);

/// Which instant to take when a wall-clock time happens twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// The earlier instant (for the start of an interval).
    Earlier,
    /// The later instant (for the end of an interval).
    Later,
}

impl TimeZoneId {
    /// Coordinated Universal Time.
    pub const UTC: TimeZoneId = TimeZoneId(Tz::UTC);

    /// Parses an IANA name.
    ///
    /// # Errors
    /// When the name is not in the IANA database.
    pub fn parse(name: &str) -> Result<Self, InvalidValue> {
        name.trim()
            .parse::<Tz>()
            .map(Self)
            .map_err(|_| InvalidValue::new("must be an IANA time zone such as Europe/Berlin"))
    }

    /// Every name [`TimeZoneId::parse`] accepts, in the IANA database's order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The chrono-tz zone inside.
    pub const fn tz(&self) -> Tz {
        self.0
    }

    /// The calendar date of an instant in this zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The wall-clock date and time of an instant in this zone.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.0).naive_local()
    }

    /// Every instant at which the wall clock shows `local` (none in a gap, two in a fold).
    pub fn instants_of(&self, local: NaiveDateTime) -> Vec<DateTime<Utc>> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => vec![t.with_timezone(&Utc)],
            LocalResult::Ambiguous(a, b) => vec![a.with_timezone(&Utc), b.with_timezone(&Utc)],
            LocalResult::None => Vec::new(),
        }
    }

    /// The instant of a wall-clock time, resolved by the rules of this module.
    pub fn resolve(&self, local: NaiveDateTime, fold: Fold) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => match fold {
                Fold::Earlier => a.with_timezone(&Utc),
                Fold::Later => b.with_timezone(&Utc),
            },
            LocalResult::None => self.first_instant_after_gap(local),
        }
    }

    /// `[start, end)` of a calendar date in this zone.
    pub fn day_bounds(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.resolve(date.and_time(chrono::NaiveTime::MIN), Fold::Earlier);
        let next = date.succ_opt().unwrap_or(date);
        let end = self.resolve(next.and_time(chrono::NaiveTime::MIN), Fold::Earlier);
        (start, end)
    }

    fn first_instant_after_gap(&self, local: NaiveDateTime) -> DateTime<Utc> {
        // Gaps are whole minutes and at most a day long in the IANA database.
        let mut probe = local;
        for _ in 0..(24 * 60) {
            probe += TimeDelta::minutes(1);
            if let Some(t) = self.0.from_local_datetime(&probe).earliest() {
                return t.with_timezone(&Utc);
            }
        }
        // Unreachable with real zone data; fall back on the offset in force a day earlier.
        let offset_probe = local - TimeDelta::days(1);
        self.0.from_local_datetime(&offset_probe).earliest().map_or_else(
            || DateTime::<Utc>::from_naive_utc_and_offset(local, Utc),
            |t| t.with_timezone(&Utc) + TimeDelta::days(1),
        )
    }
}

impl fmt::Display for TimeZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for TimeZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeZoneId({})", self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn names_parse_and_unknown_names_are_refused() {
        assert_eq!(TimeZoneId::parse("Europe/Berlin").unwrap().name(), "Europe/Berlin");
        assert!(TimeZoneId::parse("Mars/Olympus").is_err());
        assert!(TimeZoneId::parse("").is_err());
    }

    #[test]
    fn spring_forward_gap_maps_to_the_end_of_the_gap() {
        let berlin = TimeZoneId::parse("Europe/Berlin").unwrap();
        // 2026-03-29 02:00 CET jumps to 03:00 CEST (01:00Z).
        assert!(berlin.instants_of(naive("2026-03-29 02:30")).is_empty());
        assert_eq!(berlin.resolve(naive("2026-03-29 02:30"), Fold::Earlier), utc("2026-03-29T01:00:00Z"));
    }

    #[test]
    fn fall_back_fold_picks_earlier_or_later() {
        let ny = TimeZoneId::parse("America/New_York").unwrap();
        // 2026-11-01 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
        let local = naive("2026-11-01 01:30");
        assert_eq!(ny.instants_of(local).len(), 2);
        assert_eq!(ny.resolve(local, Fold::Earlier), utc("2026-11-01T05:30:00Z"));
        assert_eq!(ny.resolve(local, Fold::Later), utc("2026-11-01T06:30:00Z"));
    }

    #[test]
    fn day_bounds_follow_dst_lengths() {
        let berlin = TimeZoneId::parse("Europe/Berlin").unwrap();
        let (s, e) = berlin.day_bounds(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(e - s, TimeDelta::hours(23));
        let (s, e) = berlin.day_bounds(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        assert_eq!(e - s, TimeDelta::hours(25));
        let kolkata = TimeZoneId::parse("Asia/Kolkata").unwrap();
        let (s, _) = kolkata.day_bounds(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(s, utc("2026-11-30T18:30:00Z"));
    }
}
