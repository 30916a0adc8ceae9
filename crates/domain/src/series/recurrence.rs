//! The recurrence rule of a series: the RFC 5545 RRULE subset of domain.md part 2 ("Recurring
//! series"), its canonical text, and its expansion into occurrences that keep the first
//! session's wall-clock time in the organization's time zone.
//!
//! The text is read by hand rather than by `rrule`'s parser: that parser takes the whole RFC
//! grammar (BYHOUR, WKST, `+1MO`, the BYWEEKDAY alias, floating or TZID UNTIL, …) and folds
//! repeated parts into a map, so refusing everything outside the subset would take more code
//! than reading its five parts. The calendar arithmetic (weeks starting Monday, INTERVAL, BYDAY,
//! COUNT) is `rrule`'s, run on wall-clock date-times; each wall-clock time is then resolved in
//! the organization's zone here, so that a DST gap stays an occurrence that cannot be booked
//! instead of being shifted to another hour.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc, Weekday};
use rrule::{NWeekday, RRule};

use crate::shared::validation::InvalidValue;
use crate::shared::zone::{Fold, TimeZoneId};

/// The most occurrences a series may have.
pub const MAX_OCCURRENCES: usize = 52;

/// How many wall-clock dates to ask `rrule` for: one more than allowed shows a rule that goes on
/// too long, whatever its UNTIL, without expanding it further.
const EXPANSION_LIMIT: u16 = MAX_OCCURRENCES as u16 + 1;
const INTERVALS: RangeInclusive<u32> = 1..=4;
const COUNTS: RangeInclusive<u32> = 2..=52;
const DAY_CODES: [(Weekday, &str); 7] = [
    (Weekday::Mon, "MO"),
    (Weekday::Tue, "TU"),
    (Weekday::Wed, "WE"),
    (Weekday::Thu, "TH"),
    (Weekday::Fri, "FR"),
    (Weekday::Sat, "SA"),
    (Weekday::Sun, "SU"),
];

/// How often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// Every INTERVAL-th day.
    Daily,
    /// Every INTERVAL-th week (weeks start on Monday).
    Weekly,
}

/// Where a recurrence ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceEnd {
    /// After this many occurrences (2..=52).
    Count(u32),
    /// At the last occurrence at or before this instant (`UNTIL=yyyymmddThhmmssZ`).
    Until(DateTime<Utc>),
    /// At the last occurrence on or before this date in the organization's time zone
    /// (`UNTIL=yyyymmdd`): a bare date names a whole local day, which no single UTC instant does.
    UntilDate(NaiveDate),
}

/// A parsed, validated recurrence (the spec's subset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    frequency: Frequency,
    interval: u32,
    /// Distinct, Monday first; empty for DAILY and for WEEKLY on the first session's weekday.
    by_day: Vec<Weekday>,
    end: RecurrenceEnd,
}

/// One occurrence of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    /// The session starts at this instant.
    At(DateTime<Utc>),
    /// The wall-clock time does not exist on this date (DST gap): it cannot be booked.
    Gap(NaiveDateTime),
}

/// Why a recurrence was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    /// The text is not the spec's RRULE subset.
    #[error("{0}")]
    Shape(InvalidValue),
    /// The rule is well formed but gives no usable series from this start (`invalid_recurrence`).
    #[error("{0}")]
    Rule(&'static str),
}

impl Recurrence {
    /// Parses `FREQ=DAILY|WEEKLY;INTERVAL=1..=4;BYDAY=MO,TU,…(weekly only);COUNT=2..=52 |
    /// UNTIL=<yyyymmddThhmmssZ or yyyymmdd>`: parts in any order, INTERVAL optional (1),
    /// case-insensitive, surrounding blanks and a leading `RRULE:` ignored.
    ///
    /// # Errors
    /// [`RecurrenceError::Shape`] for anything outside this subset: an unknown, repeated or
    /// empty part, no FREQ, BYDAY with DAILY, both or neither of COUNT and UNTIL, INTERVAL
    /// outside 1..=4, COUNT outside 2..=52, a malformed or repeated weekday, a malformed UNTIL.
    pub fn parse(text: &str) -> Result<Self, RecurrenceError> {
        parse_rule(text).map_err(RecurrenceError::Shape)
    }

    /// How often.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// Every how many days or weeks (1..=4).
    pub fn interval(&self) -> u32 {
        self.interval
    }

    /// The BYDAY weekdays, Monday first; empty when the rule has none.
    pub fn by_day(&self) -> &[Weekday] {
        &self.by_day
    }

    /// Where the recurrence ends.
    pub fn end(&self) -> RecurrenceEnd {
        self.end
    }

    /// The canonical text, e.g. `FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=10`
    /// (`Recurrence::parse` of it gives `self` back).
    pub fn to_rrule(&self) -> String {
        let frequency = match self.frequency {
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
        };
        let mut text = format!("FREQ={frequency};INTERVAL={}", self.interval);
        if !self.by_day.is_empty() {
            let codes: Vec<&str> = self.by_day.iter().map(|day| day_code(*day)).collect();
            text.push_str(";BYDAY=");
            text.push_str(&codes.join(","));
        }
        let end = match self.end {
            RecurrenceEnd::Count(count) => format!(";COUNT={count}"),
            RecurrenceEnd::Until(until) => until.format(";UNTIL=%Y%m%dT%H%M%SZ").to_string(),
            RecurrenceEnd::UntilDate(date) => date.format(";UNTIL=%Y%m%d").to_string(),
        };
        text + &end
    }

    /// The occurrences of a series whose first session starts at `first`, each at `first`'s
    /// wall-clock time in `zone` (RFC 5545 semantics with DTSTART = that local time): DAILY takes
    /// every INTERVAL-th date from `first`'s; WEEKLY the BYDAY weekdays (else `first`'s weekday)
    /// of every INTERVAL-th week from `first`'s week, weeks starting Monday, never before
    /// `first`, which counts only if it matches the rule. The first date gives `first` itself
    /// (even when its wall-clock time happens twice); another date's time that does not exist
    /// gives [`Occurrence::Gap`], one that happens twice the earlier instant. UNTIL is inclusive:
    /// an instant is compared with each occurrence's instant (a gap's: the end of the gap), a
    /// date with each occurrence's local date.
    ///
    /// # Errors
    /// [`RecurrenceError::Rule`] when UNTIL is before `first`, when no occurrence is left, or
    /// when there would be more than [`MAX_OCCURRENCES`].
    pub fn occurrences(&self, first: DateTime<Utc>, zone: TimeZoneId) -> Result<Vec<Occurrence>, RecurrenceError> {
        let first_local = zone.local(first);
        let until_is_before_first = match self.end {
            RecurrenceEnd::Count(_) => false,
            RecurrenceEnd::Until(until) => until < first,
            RecurrenceEnd::UntilDate(date) => date < first_local.date(),
        };
        if until_is_before_first {
            return Err(RecurrenceError::Rule("UNTIL is before the first session"));
        }
        let occurrences: Vec<Occurrence> = self
            .wall_clock_dates(first_local)
            .into_iter()
            .map(|date| {
                let local = date.and_time(first_local.time());
                (local, if local == first_local { Occurrence::At(first) } else { resolve(zone, local) })
            })
            .take_while(|(local, occurrence)| self.ends_after(*local, *occurrence, zone))
            .map(|(_, occurrence)| occurrence)
            .collect();
        if occurrences.len() > MAX_OCCURRENCES {
            Err(RecurrenceError::Rule("the recurrence has more than 52 occurrences"))
        } else if occurrences.is_empty() {
            Err(RecurrenceError::Rule("the recurrence has no occurrence"))
        } else {
            Ok(occurrences)
        }
    }

    /// The dates of the rule with DTSTART = `first_local` as a floating wall-clock time, up to
    /// [`EXPANSION_LIMIT`] of them. UNTIL is not given to `rrule`: RFC 5545 compares it with
    /// each occurrence's instant in the organization's zone, which this wall-clock expansion
    /// does not know, so [`Recurrence::occurrences`] applies it after resolving.
    fn wall_clock_dates(&self, first_local: NaiveDateTime) -> Vec<NaiveDate> {
        let frequency = match self.frequency {
            Frequency::Daily => rrule::Frequency::Daily,
            Frequency::Weekly => rrule::Frequency::Weekly,
        };
        // INTERVAL is 1..=4 by construction.
        let mut rule = RRule::new(frequency)
            .interval(u16::try_from(self.interval).unwrap_or(u16::MAX))
            .by_weekday(self.by_day.iter().map(|day| NWeekday::Every(*day)).collect());
        if let RecurrenceEnd::Count(count) = self.end {
            rule = rule.count(count);
        }
        // Whole seconds: `rrule` generates whole seconds and drops those before DTSTART.
        let start = first_local.with_nanosecond(0).unwrap_or(first_local).and_utc().with_timezone(&rrule::Tz::UTC);
        // `build` only refuses parts this subset does not have; no date is then no occurrence.
        rule.build(start).map_or_else(
            |_| Vec::new(),
            |set| set.all(EXPANSION_LIMIT).dates.iter().map(DateTime::date_naive).collect(),
        )
    }

    /// Whether the occurrence at wall-clock time `local` is not past the end of the rule
    /// (COUNT is applied by `rrule`).
    fn ends_after(&self, local: NaiveDateTime, occurrence: Occurrence, zone: TimeZoneId) -> bool {
        match self.end {
            RecurrenceEnd::Count(_) => true,
            RecurrenceEnd::Until(until) => {
                let at = match occurrence {
                    Occurrence::At(at) => at,
                    Occurrence::Gap(_) => zone.resolve(local, Fold::Earlier),
                };
                at <= until
            }
            RecurrenceEnd::UntilDate(date) => local.date() <= date,
        }
    }
}

/// The occurrence at a wall-clock time other than the first session's.
fn resolve(zone: TimeZoneId, local: NaiveDateTime) -> Occurrence {
    zone.instants_of(local).first().map_or(Occurrence::Gap(local), |at| Occurrence::At(*at))
}

fn parse_rule(text: &str) -> Result<Recurrence, InvalidValue> {
    let text = text.trim().to_ascii_uppercase();
    let body = text.strip_prefix("RRULE:").unwrap_or(&text);
    let (mut freq, mut interval, mut by_day, mut count, mut until) = (None, None, None, None, None);
    for part in body.split(';') {
        let (name, value) = part.split_once('=').ok_or(InvalidValue::new("each part must be NAME=VALUE"))?;
        let slot = match name {
            "FREQ" => &mut freq,
            "INTERVAL" => &mut interval,
            "BYDAY" => &mut by_day,
            "COUNT" => &mut count,
            "UNTIL" => &mut until,
            _ => return Err(InvalidValue::new("only FREQ, INTERVAL, BYDAY, COUNT and UNTIL are allowed")),
        };
        if slot.replace(value).is_some() {
            return Err(InvalidValue::new("each part may appear only once"));
        }
    }
    let frequency = match freq {
        Some("DAILY") => Frequency::Daily,
        Some("WEEKLY") => Frequency::Weekly,
        Some(_) => return Err(InvalidValue::new("FREQ must be DAILY or WEEKLY")),
        None => return Err(InvalidValue::new("FREQ is required")),
    };
    let interval = match interval {
        Some(value) => number_in(value, &INTERVALS, "INTERVAL must be a whole number from 1 to 4")?,
        None => 1,
    };
    let by_day = match (by_day, frequency) {
        (None, _) => Vec::new(),
        (Some(_), Frequency::Daily) => return Err(InvalidValue::new("BYDAY is allowed only with FREQ=WEEKLY")),
        (Some(value), Frequency::Weekly) => weekdays(value)?,
    };
    let end = match (count, until) {
        (Some(value), None) => {
            RecurrenceEnd::Count(number_in(value, &COUNTS, "COUNT must be a whole number from 2 to 52")?)
        }
        (None, Some(value)) => until_of(value)
            .ok_or(InvalidValue::new("UNTIL must be a UTC date-time yyyymmddThhmmssZ or a date yyyymmdd"))?,
        (Some(_), Some(_)) => return Err(InvalidValue::new("COUNT and UNTIL cannot both be given")),
        (None, None) => return Err(InvalidValue::new("COUNT or UNTIL is required")),
    };
    Ok(Recurrence { frequency, interval, by_day, end })
}

fn number_in(value: &str, range: &RangeInclusive<u32>, message: &'static str) -> Result<u32, InvalidValue> {
    digits(value, value.len()).filter(|n| range.contains(n)).ok_or(InvalidValue::new(message))
}

/// The distinct weekdays of a BYDAY list, Monday first.
fn weekdays(value: &str) -> Result<Vec<Weekday>, InvalidValue> {
    let mut days = Vec::new();
    for code in value.split(',') {
        let day = DAY_CODES
            .iter()
            .find(|(_, known)| *known == code)
            .map(|(day, _)| *day)
            .ok_or(InvalidValue::new("BYDAY must list weekdays among MO, TU, WE, TH, FR, SA, SU"))?;
        if days.contains(&day) {
            return Err(InvalidValue::new("BYDAY lists a weekday twice"));
        }
        days.push(day);
    }
    days.sort_by_key(Weekday::num_days_from_monday);
    Ok(days)
}

fn day_code(day: Weekday) -> &'static str {
    DAY_CODES[day.num_days_from_monday() as usize].1
}

/// `yyyymmddThhmmssZ` or `yyyymmdd`.
fn until_of(value: &str) -> Option<RecurrenceEnd> {
    match value.split_once('T') {
        None => date_of(value).map(RecurrenceEnd::UntilDate),
        Some((date, time)) => {
            let time = time.strip_suffix('Z')?;
            let (hours, rest) = time.split_at_checked(2)?;
            let (minutes, seconds) = rest.split_at_checked(2)?;
            let time = NaiveTime::from_hms_opt(digits(hours, 2)?, digits(minutes, 2)?, digits(seconds, 2)?)?;
            Some(RecurrenceEnd::Until(date_of(date)?.and_time(time).and_utc()))
        }
    }
}

/// `yyyymmdd`.
fn date_of(value: &str) -> Option<NaiveDate> {
    let (year, rest) = value.split_at_checked(4)?;
    let (month, day) = rest.split_at_checked(2)?;
    let year = i32::try_from(digits(year, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(month, 2)?, digits(day, 2)?)
}

/// `value` as a number when it is exactly `len` ASCII digits (no sign, unlike `str::parse`).
fn digits(value: &str, len: usize) -> Option<u32> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) { value.parse().ok() } else { None }
}
