//! The slot grid: the instants whose organization-local time of day is a multiple of
//! `slotStepMinutes` after midnight. Across DST the local times stay on the grid (a repeated
//! local time yields both instants, a skipped one none), and a half-hour-offset zone gets a
//! grid at local hours, not UTC hours.
//!
//! Besides listing the starts of a window, the grid rounds an instant up to the next start
//! ([`SlotGrid::first_at_or_after`]), which is how a query is put on the grid: every window
//! bound moved up to the next start keeps exactly the same starts inside.

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};

use crate::shared::{Interval, TimeZoneId};
use crate::tenancy::OrgSettings;

/// How far [`SlotGrid::first_at_or_after`] looks ahead: past the longest clock change made (a
/// calendar day skipped), with room to spare.
const LOOK_AHEAD_DAYS: i64 = 3;

/// An organization's grid of candidate slot starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotGrid {
    step_minutes: u32,
    zone: TimeZoneId,
}

impl SlotGrid {
    /// Every `step_minutes` (at least 1) from local midnight in `zone`.
    pub fn new(step_minutes: u32, zone: TimeZoneId) -> Self {
        Self { step_minutes: step_minutes.max(1), zone }
    }

    /// The grid of an organization with these settings in `zone`.
    pub fn of(settings: &OrgSettings, zone: TimeZoneId) -> Self {
        Self::new(settings.slot_step_minutes(), zone)
    }

    /// The step, in minutes.
    pub const fn step_minutes(&self) -> u32 {
        self.step_minutes
    }

    /// The zone whose local time the grid follows.
    pub const fn zone(&self) -> TimeZoneId {
        self.zone
    }

    /// The starts in `window`, sorted.
    pub fn starts(&self, window: &Interval) -> Vec<DateTime<Utc>> {
        let step = usize::try_from(self.step_minutes).unwrap_or(1);
        let first = self.zone.local_date(window.start());
        let last = self.zone.local_date(window.end());
        let mut starts = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            let midnight = date.and_time(NaiveTime::MIN);
            for minute in (0_i64..24 * 60).step_by(step) {
                let local = midnight + TimeDelta::minutes(minute);
                starts.extend(self.zone.instants_of(local).into_iter().filter(|t| window.contains_instant(*t)));
            }
        }
        starts.sort();
        starts.dedup();
        starts
    }

    /// The starts in `[from, to)` in order, computed as they are taken: a day, then two, four…
    /// at a time, so that a caller who stops early pays for little more than what it took.
    pub fn starts_between(self, from: DateTime<Utc>, to: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> {
        let chunks = std::iter::successors(Some((from, 1_i64)), move |(start, days)| {
            let next = *start + TimeDelta::days(*days);
            (next < to).then_some((next, (days * 2).min(64)))
        });
        chunks.flat_map(move |(start, days)| match Interval::new(start, (start + TimeDelta::days(days)).min(to)) {
            Ok(chunk) => self.starts(&chunk),
            Err(_) => Vec::new(),
        })
    }

    /// The first start at or after `at`; when the grid has none in the next few days (never
    /// seen in practice), the instant that many days later — still with no start skipped.
    pub fn first_at_or_after(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let horizon = at + TimeDelta::days(LOOK_AHEAD_DAYS);
        self.starts_between(at, horizon).next().unwrap_or(horizon)
    }
}

/// The starts of `window` on a `step_minutes` grid in `zone`, sorted.
pub fn grid_starts(window: &Interval, step_minutes: u32, zone: TimeZoneId) -> Vec<DateTime<Utc>> {
    SlotGrid::new(step_minutes, zone).starts(window)
}
