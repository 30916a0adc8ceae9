//! A TA's availability: weekly working hours plus date overrides, in wall-clock time of an IANA
//! time zone.

use std::fmt;

use chrono::{NaiveDate, Weekday};

use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};
use crate::shared::{TimeZoneId, UserId};

/// A time of day in whole minutes, `00:00..=24:00` (`24:00` ends a range at midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WallTime(u16);

impl WallTime {
    /// Midnight at the start of a day.
    pub const MIDNIGHT: WallTime = WallTime(0);
    /// Midnight at the end of a day.
    pub const END_OF_DAY: WallTime = WallTime(24 * 60);

    /// Parses `HH:MM` (`00:00` to `24:00`).
    ///
    /// # Errors
    /// For any other text.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let invalid = || InvalidValue::new("must be a time HH:MM between 00:00 and 24:00");
        let (h, m) = raw.split_once(':').ok_or_else(invalid)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(invalid());
        }
        let h: u16 = h.parse().map_err(|_| invalid())?;
        let m: u16 = m.parse().map_err(|_| invalid())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(invalid());
        }
        Ok(Self(h * 60 + m))
    }

    /// A time from minutes since midnight.
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(Self(minutes))
    }

    /// Minutes since midnight.
    pub const fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A wall-clock range `[start, end)` inside one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeRange {
    start: WallTime,
    end: WallTime,
}

impl TimeRange {
    /// `[start, end)`.
    ///
    /// # Errors
    /// When `end <= start`.
    pub fn new(start: WallTime, end: WallTime) -> Result<Self, InvalidValue> {
        if end > start { Ok(Self { start, end }) } else { Err(InvalidValue::new("must end after it starts")) }
    }

    /// Where it starts.
    pub const fn start(&self) -> WallTime {
        self.start
    }

    /// Where it ends.
    pub const fn end(&self) -> WallTime {
        self.end
    }
}

/// Working hours on one day of every week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeeklyHours {
    /// The day of the week.
    pub weekday: Weekday,
    /// The hours.
    pub range: TimeRange,
}

/// Other hours on one date; no ranges means unavailable all day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateOverride {
    /// The date, in the availability's time zone.
    pub date: NaiveDate,
    /// The hours on that date, sorted.
    pub ranges: Vec<TimeRange>,
}

/// When a TA can teach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    ta_id: UserId,
    timezone: TimeZoneId,
    weekly: Vec<WeeklyHours>,
    overrides: Vec<DateOverride>,
}

/// A weekly entry as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawWeeklyHours {
    /// ISO weekday, Monday = 1 … Sunday = 7.
    pub weekday: i64,
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM`.
    pub end: String,
}

/// A range as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRange {
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM`.
    pub end: String,
}

/// An override as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOverride {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The hours; empty for a day off.
    pub intervals: Vec<RawRange>,
}

/// An availability as a client sent it (`PUT /tas/{taId}/availability`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAvailability {
    /// IANA time zone name.
    pub timezone: String,
    /// Weekly hours.
    pub weekly: Vec<RawWeeklyHours>,
    /// Date overrides.
    pub overrides: Vec<RawOverride>,
}

/// At most this many weekly entries.
pub const MAX_WEEKLY: usize = 70;
/// At most this many overrides.
pub const MAX_OVERRIDES: usize = 400;
/// At most this many ranges in one override.
pub const MAX_RANGES_PER_OVERRIDE: usize = 10;

fn parse_range(v: &mut Validator, path: &str, start: &str, end: &str) -> Option<TimeRange> {
    let s = v.field(format!("{path}.start"), WallTime::parse(start));
    let e = v.field(format!("{path}.end"), WallTime::parse(end));
    let (s, e) = (s?, e?);
    v.field(format!("{path}.end"), TimeRange::new(s, e))
}

fn iso_weekday(n: i64) -> Result<Weekday, InvalidValue> {
    // `Weekday::try_from` takes 0 (Monday) to 6 and refuses the rest.
    u8::try_from(n - 1)
        .ok()
        .and_then(|d| Weekday::try_from(d).ok())
        .ok_or_else(|| InvalidValue::new("must be an ISO weekday from 1 (Monday) to 7 (Sunday)"))
}

/// Where the entries that parsed were in the client's lists (the ones that did not are left
/// out, which shifts the indices); empty lists map every index to itself.
#[derive(Debug, Default)]
struct Positions {
    weekly: Vec<usize>,
    overrides: Vec<usize>,
    ranges: Vec<Vec<usize>>,
}

impl Positions {
    fn weekly(&self, checked: usize) -> usize {
        self.weekly.get(checked).copied().unwrap_or(checked)
    }

    fn override_(&self, checked: usize) -> usize {
        self.overrides.get(checked).copied().unwrap_or(checked)
    }

    fn range(&self, checked_override: usize, checked: usize) -> usize {
        self.ranges.get(checked_override).and_then(|r| r.get(checked)).copied().unwrap_or(checked)
    }
}

fn first_overlap(ranges: &[TimeRange]) -> Option<usize> {
    let mut sorted: Vec<(usize, TimeRange)> = ranges.iter().copied().enumerate().collect();
    sorted.sort_by_key(|(_, r)| *r);
    // Sorted by start, a range overlaps an earlier one exactly when it starts before the
    // previous one ends (half-open: touching ranges do not overlap).
    sorted.windows(2).find(|w| w[1].1.start < w[0].1.end).map(|w| w[1].0)
}

impl Availability {
    /// Mon–Fri 09:00–17:00 in `timezone`: what a new TA gets.
    pub fn default_for(ta_id: UserId, timezone: TimeZoneId) -> Self {
        let nine_to_five = TimeRange { start: WallTime(9 * 60), end: WallTime(17 * 60) };
        let weekly = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
            .into_iter()
            .map(|weekday| WeeklyHours { weekday, range: nine_to_five })
            .collect();
        Self { ta_id, timezone, weekly, overrides: Vec::new() }
    }

    /// Builds an availability from checked parts.
    ///
    /// # Errors
    /// When two ranges of one weekday or one override overlap, a date is overridden twice, or a
    /// list is longer than its limit.
    pub fn new(
        ta_id: UserId,
        timezone: TimeZoneId,
        mut weekly: Vec<WeeklyHours>,
        mut overrides: Vec<DateOverride>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        Self::check_shape(&mut v, &weekly, &overrides, &Positions::default());
        v.finish()?;
        weekly.sort_by_key(|w| (w.weekday.number_from_monday(), w.range));
        overrides.sort_by_key(|o| o.date);
        for o in &mut overrides {
            o.ranges.sort();
        }
        Ok(Self { ta_id, timezone, weekly, overrides })
    }

    /// Checks the lists' lengths and overlaps; `at` maps a checked entry back to its place in
    /// the client's lists, so that paths name what the client sent.
    fn check_shape(v: &mut Validator, weekly: &[WeeklyHours], overrides: &[DateOverride], at: &Positions) {
        if weekly.len() > MAX_WEEKLY {
            v.refuse("weekly", InvalidValue::owned(format!("must have at most {MAX_WEEKLY} entries")));
        }
        if overrides.len() > MAX_OVERRIDES {
            v.refuse("overrides", InvalidValue::owned(format!("must have at most {MAX_OVERRIDES} entries")));
        }
        for day in 0..7u8 {
            let Ok(weekday) = Weekday::try_from(day) else { continue };
            let indexed: Vec<(usize, TimeRange)> =
                weekly.iter().enumerate().filter(|(_, w)| w.weekday == weekday).map(|(i, w)| (i, w.range)).collect();
            let ranges: Vec<TimeRange> = indexed.iter().map(|(_, r)| *r).collect();
            if let Some(k) = first_overlap(&ranges) {
                v.refuse(
                    format!("weekly[{}]", at.weekly(indexed[k].0)),
                    InvalidValue::new("overlaps another range of the same day"),
                );
            }
        }
        let mut dates = std::collections::HashSet::new();
        for (checked, o) in overrides.iter().enumerate() {
            let i = at.override_(checked);
            if !dates.insert(o.date) {
                v.refuse(format!("overrides[{i}].date"), InvalidValue::new("is overridden twice"));
            }
            if o.ranges.len() > MAX_RANGES_PER_OVERRIDE {
                v.refuse(
                    format!("overrides[{i}].intervals"),
                    InvalidValue::owned(format!("must have at most {MAX_RANGES_PER_OVERRIDE} entries")),
                );
            }
            if let Some(k) = first_overlap(&o.ranges) {
                let k = at.range(checked, k);
                v.refuse(format!("overrides[{i}].intervals[{k}]"), InvalidValue::new("overlaps another range"));
            }
        }
    }

    /// Parses what a client sent, reporting every problem with its path.
    ///
    /// # Errors
    /// Every malformed or inconsistent field.
    pub fn parse(ta_id: UserId, raw: &RawAvailability) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let timezone = v.field("timezone", TimeZoneId::parse(&raw.timezone));
        let mut at = Positions::default();
        let mut weekly = Vec::with_capacity(raw.weekly.len());
        for (i, w) in raw.weekly.iter().enumerate() {
            let weekday = v.field(format!("weekly[{i}].weekday"), iso_weekday(w.weekday));
            let range = parse_range(&mut v, &format!("weekly[{i}]"), &w.start, &w.end);
            if let (Some(weekday), Some(range)) = (weekday, range) {
                weekly.push(WeeklyHours { weekday, range });
                at.weekly.push(i);
            }
        }
        let mut overrides = Vec::with_capacity(raw.overrides.len());
        for (i, o) in raw.overrides.iter().enumerate() {
            let date = v.field(
                format!("overrides[{i}].date"),
                NaiveDate::parse_from_str(&o.date, "%Y-%m-%d")
                    .map_err(|_| InvalidValue::new("must be a date YYYY-MM-DD")),
            );
            let (mut ranges, mut places) = (Vec::new(), Vec::new());
            for (k, r) in o.intervals.iter().enumerate() {
                if let Some(range) = parse_range(&mut v, &format!("overrides[{i}].intervals[{k}]"), &r.start, &r.end) {
                    ranges.push(range);
                    places.push(k);
                }
            }
            if let Some(date) = date {
                overrides.push(DateOverride { date, ranges });
                at.overrides.push(i);
                at.ranges.push(places);
            }
        }
        let Some(timezone) = timezone else { return Err(v.into_errors()) };
        if v.is_ok() {
            return Self::new(ta_id, timezone, weekly, overrides);
        }
        Self::check_shape(&mut v, &weekly, &overrides, &at);
        Err(v.into_errors())
    }

    /// The TA.
    pub const fn ta_id(&self) -> UserId {
        self.ta_id
    }

    /// The zone of the wall-clock times.
    pub const fn timezone(&self) -> TimeZoneId {
        self.timezone
    }

    /// Weekly hours, by weekday then start.
    pub fn weekly(&self) -> &[WeeklyHours] {
        &self.weekly
    }

    /// Overrides, by date.
    pub fn overrides(&self) -> &[DateOverride] {
        &self.overrides
    }

    /// The wall-clock ranges in force on `date`: its override if there is one, else the weekly
    /// hours of its weekday.
    pub fn ranges_on(&self, date: NaiveDate) -> Vec<TimeRange> {
        if let Ok(i) = self.overrides.binary_search_by_key(&date, |o| o.date) {
            return self.overrides[i].ranges.clone();
        }
        use chrono::Datelike;
        self.weekly.iter().filter(|w| w.weekday == date.weekday()).map(|w| w.range).collect()
    }
}
