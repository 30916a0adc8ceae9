//! The rules of a series as pure functions over what the use case read in a few batched
//! queries: each occurrence's verdict under one TA (the rules of an individual booking, in the
//! contract's order), the TA of the whole series, and which occurrences a bundle pays for.

use chrono::{DateTime, TimeDelta, Utc};

use super::recurrence::Occurrence;
use crate::bundles::BundlePurchase;
use crate::scheduling::{TaCalendar, TaRefusal, WindowRefusal, check_window};
use crate::shared::{ErrorCode, Interval, UserId};
use crate::tenancy::OrgSettings;

/// One occurrence to book: its interval, or `None` for a wall-clock time in a DST gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    /// When it starts (for a gap: the first instant after it, as shown to clients).
    pub starts_at: DateTime<Utc>,
    /// Its interval, when the wall-clock time exists that day.
    pub interval: Option<Interval>,
}

impl Planned {
    /// The occurrence of `length`; a gap keeps the instant `label` shows.
    pub fn new(
        occurrence: Occurrence,
        length: TimeDelta,
        label: impl Fn(chrono::NaiveDateTime) -> DateTime<Utc>,
    ) -> Self {
        match occurrence {
            Occurrence::At(start) => Self { starts_at: start, interval: Interval::starting_at(start, length).ok() },
            Occurrence::Gap(local) => Self { starts_at: label(local), interval: None },
        }
    }
}

/// What one occurrence needs besides the TA's calendar.
pub struct Context<'a> {
    /// Now.
    pub now: DateTime<Utc>,
    /// The organization's settings (notice, advance, buffer).
    pub settings: &'a OrgSettings,
    /// The student's active sessions around the series.
    pub student_busy: &'a [Interval],
    /// The bundle paying, if any.
    pub bundle: Option<&'a BundlePurchase>,
}

/// The verdict of one occurrence under the TA of `calendar`, in the order of an individual
/// booking: window, TA availability, TA overlap (buffer included), student overlap, bundle
/// validity. A DST-gap time is outside every availability.
///
/// # Errors
/// The code of the first rule that fails.
pub fn verdict(planned: &Planned, calendar: &TaCalendar, cx: &Context<'_>) -> Result<Interval, ErrorCode> {
    let Some(interval) = planned.interval else { return Err(ErrorCode::OutsideTaAvailability) };
    match check_window(interval.start(), cx.now, cx.settings) {
        Err(WindowRefusal::TooSoon) => return Err(ErrorCode::BookingTooSoon),
        Err(WindowRefusal::TooFarAhead) => return Err(ErrorCode::BookingTooFarAhead),
        Ok(()) => {}
    }
    let buffer = TimeDelta::minutes(i64::from(cx.settings.buffer_minutes()));
    match calendar.check(&interval, buffer) {
        Err(TaRefusal::OutsideAvailability) => return Err(ErrorCode::OutsideTaAvailability),
        Err(TaRefusal::Overlap) => return Err(ErrorCode::TaUnavailable),
        Ok(()) => {}
    }
    if cx.student_busy.iter().any(|b| b.overlaps(&interval)) {
        return Err(ErrorCode::StudentUnavailable);
    }
    if cx.bundle.is_some_and(|b| !b.is_valid_at(interval.start())) {
        return Err(ErrorCode::BundleExpired);
    }
    Ok(interval)
}

/// The TA of a series without a named one: the assigned TA free at the most occurrences, then
/// the least loaded over the series' span, then the smallest id. `candidates` are `(ta, free
/// occurrences, sessions in the span)`; `None` when no TA is free at any occurrence.
pub fn choose_series_ta(candidates: impl IntoIterator<Item = (UserId, usize, u32)>) -> Option<UserId> {
    candidates
        .into_iter()
        .filter(|&(_, free, _)| free > 0)
        .min_by_key(|&(ta, free, load)| (std::cmp::Reverse(free), load, ta))
        .map(|(ta, _, _)| ta)
}

/// The verdicts once the bundle's remaining credits are counted: the first `remaining` passing
/// occurrences stay, the later ones fail with `bundle_exhausted` (without a bundle nothing
/// changes).
pub fn within_credits(
    verdicts: Vec<Result<Interval, ErrorCode>>,
    remaining: Option<u32>,
) -> Vec<Result<Interval, ErrorCode>> {
    let Some(mut credits) = remaining else { return verdicts };
    verdicts
        .into_iter()
        .map(|v| match v {
            Ok(_) if credits == 0 => Err(ErrorCode::BundleExhausted),
            Ok(interval) => {
                credits -= 1;
                Ok(interval)
            }
            refused => refused,
        })
        .collect()
}
