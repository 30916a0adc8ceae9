//! Slot search: candidate start times on the organization's `slotStepMinutes` grid (in its
//! local time) that pass every scheduling rule for at least one TA.
//!
//! The grid is the set of instants whose organization-local time of day is a multiple of the
//! step from midnight: across DST the local times stay on the grid (a repeated local time
//! yields both instants, a skipped one none), and a half-hour-offset zone gets a grid at
//! local hours, not UTC hours.

use chrono::{DateTime, TimeDelta, Utc};

use super::duration::SessionDuration;
use super::rules::{TaCalendar, check_window};
use crate::shared::error::{InvalidValue, ValidationErrors, Validator};
use crate::shared::time::minutes;
use crate::shared::{Interval, TimeZoneId, UserId};
use crate::tenancy::OrgSettings;

/// The longest window one search may cover.
pub const MAX_SEARCH_DAYS: i64 = 31;

/// What a client asks for (`GET /courses/{id}/slots`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotQuery {
    window: Interval,
    duration: SessionDuration,
    ta_id: Option<UserId>,
}

impl SlotQuery {
    /// Starts in `[from, to)` for sessions of `duration_minutes`, optionally with one TA.
    ///
    /// # Errors
    /// `to` not after `from`, a window over 31 days, or a duration off the grid.
    pub fn new(
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        duration_minutes: i64,
        ta_id: Option<UserId>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let window = v.field("to", Interval::new(from, to).map_err(|_| InvalidValue::new("must be after from")));
        if let Some(w) = &window
            && w.duration() > TimeDelta::days(MAX_SEARCH_DAYS)
        {
            v.refuse("to", InvalidValue::new("must be at most 31 days after from"));
        }
        let duration = v.field("durationMinutes", SessionDuration::from_minutes(duration_minutes));
        match (window, duration) {
            (Some(window), Some(duration)) if v.is_ok() => Ok(Self { window, duration, ta_id }),
            _ => Err(v.into_errors()),
        }
    }

    /// `[from, to)`.
    pub const fn window(&self) -> Interval {
        self.window
    }

    /// The session length.
    pub const fn duration(&self) -> SessionDuration {
        self.duration
    }

    /// The one TA asked for, if any.
    pub const fn ta_id(&self) -> Option<UserId> {
        self.ta_id
    }

    /// The span a calendar must cover for this query: the window, plus the session length
    /// after it, plus the buffer on both sides.
    pub fn calendar_span(&self, buffer: TimeDelta) -> Interval {
        let extended =
            Interval::new(self.window.start(), self.window.end() + self.duration.as_delta()).unwrap_or(self.window);
        extended.padded(buffer)
    }
}

/// A bookable start and the TAs free for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// When the session would start.
    pub starts_at: DateTime<Utc>,
    /// When it would end.
    pub ends_at: DateTime<Utc>,
    /// The TAs that pass every rule for it, sorted by id.
    pub ta_ids: Vec<UserId>,
}

/// The instants in `window` whose local time in `zone` is a multiple of `step_minutes` after
/// midnight, sorted.
pub fn grid_starts(window: &Interval, step_minutes: u32, zone: TimeZoneId) -> Vec<DateTime<Utc>> {
    let step = usize::try_from(step_minutes.max(1)).unwrap_or(1);
    let first = zone.local_date(window.start());
    let last = zone.local_date(window.end());
    let mut starts = Vec::new();
    for date in first.iter_days().take_while(|d| *d <= last) {
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        for minute in (0_i64..24 * 60).step_by(step) {
            let local = midnight + TimeDelta::minutes(minute);
            starts.extend(zone.instants_of(local).into_iter().filter(|t| window.contains_instant(*t)));
        }
    }
    starts.sort();
    starts.dedup();
    starts
}

/// Every grid start in the query's window that passes rule 2 and, for at least one of the
/// `calendars`, rules 4 and 5 (rules 1 and 3 are checked before: the duration by the query,
/// the course and TA assignment by choosing the calendars).
pub fn find_slots(
    query: &SlotQuery,
    settings: &OrgSettings,
    zone: TimeZoneId,
    now: DateTime<Utc>,
    calendars: &[TaCalendar],
) -> Vec<Slot> {
    let buffer = minutes(settings.buffer_minutes());
    let duration = query.duration().as_delta();
    let mut sorted: Vec<&TaCalendar> = calendars.iter().collect();
    sorted.sort_by_key(|c| c.ta_id);
    grid_starts(&query.window(), settings.slot_step_minutes(), zone)
        .into_iter()
        .filter(|start| check_window(*start, now, settings).is_ok())
        .filter_map(|start| {
            let interval = Interval::new(start, start + duration).ok()?;
            let ta_ids: Vec<UserId> =
                sorted.iter().filter(|c| c.check(&interval, buffer).is_ok()).map(|c| c.ta_id).collect();
            (!ta_ids.is_empty()).then(|| Slot { starts_at: start, ends_at: interval.end(), ta_ids })
        })
        .collect()
}

/// The instant up to which [`find_slots`] with the same query and calendars keeps giving
/// `slots` (found at `now`) as time passes; `None` when time alone never changes them.
///
/// Only rule 2 depends on the time: a slot leaves the result once the minimum notice passes
/// its start (after `start − minNotice`), and a grid start beyond the maximum advance may
/// enter it once the horizon reaches it (at `start − maxAdvance`). Whatever a cache keeps
/// for longer than this would offer a slot that booking refuses, or hide one it accepts.
pub fn slots_stable_until(
    query: &SlotQuery,
    settings: &OrgSettings,
    zone: TimeZoneId,
    now: DateTime<Utc>,
    slots: &[Slot],
) -> Option<DateTime<Utc>> {
    let notice = minutes(settings.min_notice_minutes());
    let advance = TimeDelta::days(i64::from(settings.max_advance_days()));
    let leaving = slots.iter().map(|s| s.starts_at).min().map(|start| start - notice);
    let entering = grid_starts(&query.window(), settings.slot_step_minutes(), zone)
        .into_iter()
        .find(|start| *start > now + advance)
        .map(|start| start - advance);
    match (leaving, entering) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
