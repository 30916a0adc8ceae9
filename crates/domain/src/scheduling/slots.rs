//! Slot search: candidate start times on the organization's grid ([`SlotGrid`]) that pass every
//! scheduling rule for at least one TA, a page at a time.
//!
//! A query is answered on the grid: its bounds are moved up to the next grid start
//! ([`SlotQuery::on_grid`]), which keeps exactly the same starts inside, so that every query
//! of one grid cell is one query with one answer (and one cache entry).

use chrono::{DateTime, TimeDelta, Utc};

use super::duration::SessionDuration;
use super::grid::SlotGrid;
use super::rules::{TaCalendar, check_window};
use crate::shared::time::minutes;
use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};
use crate::shared::{Interval, TimeZoneId, UserId};
use crate::tenancy::OrgSettings;

/// The longest window one search may cover.
pub const MAX_SEARCH_DAYS: i64 = 31;

/// What a client asks for (`GET /courses/{id}/slots`): starts in `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotQuery {
    from: DateTime<Utc>,
    /// Never before `from`; equal only once put on a grid with no start inside.
    to: DateTime<Utc>,
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
            (Some(_), Some(duration)) if v.is_ok() => Ok(Self { from, to, duration, ta_id }),
            _ => Err(v.into_errors()),
        }
    }

    /// The earliest start.
    pub const fn from(&self) -> DateTime<Utc> {
        self.from
    }

    /// Starts are before this instant.
    pub const fn to(&self) -> DateTime<Utc> {
        self.to
    }

    /// `[from, to)`, or `None` when no instant is left in it.
    pub fn window(&self) -> Option<Interval> {
        Interval::new(self.from, self.to).ok()
    }

    /// The session length.
    pub const fn duration(&self) -> SessionDuration {
        self.duration
    }

    /// The one TA asked for, if any.
    pub const fn ta_id(&self) -> Option<UserId> {
        self.ta_id
    }

    /// The rest of this search from `at` (where an earlier page said the next one starts):
    /// `[at, to)`.
    ///
    /// # Errors
    /// `at` outside `[from, to)`: not a position in this search.
    pub fn resume_at(&self, at: DateTime<Utc>) -> Result<Self, InvalidValue> {
        if at < self.from || at >= self.to {
            return Err(InvalidValue::new("is not a cursor of this search"));
        }
        Ok(Self { from: at, ..*self })
    }

    /// This query on `grid`: `from` and `to` each moved up to the first grid start at or after
    /// it. No grid start lies between an old bound and its new one, so the same starts are
    /// inside and the answer is the same; every `from` of one grid cell gives the same query.
    #[must_use]
    pub fn on_grid(&self, grid: &SlotGrid) -> Self {
        let from = grid.first_at_or_after(self.from);
        let to = grid.first_at_or_after(self.to).max(from);
        Self { from, to, ..*self }
    }

    /// The span a calendar must cover for this query: the window, plus the session length
    /// after it, plus the buffer on both sides.
    ///
    /// # Errors
    /// None in practice: the span is never empty (the session length is positive).
    pub fn calendar_span(&self, buffer: TimeDelta) -> Result<Interval, InvalidValue> {
        Interval::new(self.from, self.to + self.duration.as_delta()).map(|span| span.padded(buffer))
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

/// The first slots of a search, and where the rest begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotPage {
    /// At most the page size, sorted by start.
    pub slots: Vec<Slot>,
    /// The start of the first slot left out; `None` when the page holds every slot.
    pub next: Option<DateTime<Utc>>,
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
    find_slot_page(query, settings, zone, now, calendars, usize::MAX).slots
}

/// The first `limit` slots of [`find_slots`], and the start of the next one. Only the grid
/// starts inside rule 2's window are looked at, and the scan stops at the slot after the
/// page, so a page costs what it skips and holds, never the whole window.
pub fn find_slot_page(
    query: &SlotQuery,
    settings: &OrgSettings,
    zone: TimeZoneId,
    now: DateTime<Utc>,
    calendars: &[TaCalendar],
    limit: usize,
) -> SlotPage {
    let buffer = minutes(settings.buffer_minutes());
    let duration = query.duration().as_delta();
    let mut sorted: Vec<&TaCalendar> = calendars.iter().collect();
    sorted.sort_by_key(|c| c.ta_id);
    let from = query.from().max(now + minutes(settings.min_notice_minutes()));
    let to = query.to().min(horizon(settings, now) + TimeDelta::nanoseconds(1));
    let mut page = SlotPage { slots: Vec::new(), next: None };
    for start in SlotGrid::of(settings, zone).starts_between(from, to) {
        if check_window(start, now, settings).is_err() {
            continue;
        }
        let Ok(interval) = Interval::new(start, start + duration) else { continue };
        let ta_ids: Vec<UserId> =
            sorted.iter().filter(|c| c.check(&interval, buffer).is_ok()).map(|c| c.ta_id).collect();
        if ta_ids.is_empty() {
            continue;
        }
        if page.slots.len() >= limit {
            page.next = Some(start);
            break;
        }
        page.slots.push(Slot { starts_at: start, ends_at: interval.end(), ta_ids });
    }
    page
}

/// The latest start rule 2 allows at `now`.
fn horizon(settings: &OrgSettings, now: DateTime<Utc>) -> DateTime<Utc> {
    now + TimeDelta::days(i64::from(settings.max_advance_days()))
}

/// The instant up to which [`find_slots`] (or a page of it) with the same query and calendars
/// keeps giving `slots` (found at `now`) as time passes; `None` when time alone never changes
/// them.
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
    let beyond = query.from().max(horizon(settings, now) + TimeDelta::nanoseconds(1));
    let entering = (beyond < query.to())
        .then(|| SlotGrid::of(settings, zone).first_at_or_after(beyond))
        .filter(|start| *start < query.to())
        .map(|start| start - advance);
    match (leaving, entering) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
