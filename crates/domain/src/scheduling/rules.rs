//! The scheduling rules shared by individual bookings, group sessions and slot search:
//! rule 2 (notice and advance window), rules 4–5 (availability and TA overlap with the buffer),
//! the student-overlap rule, and the automatic choice of a TA.

use chrono::{DateTime, TimeDelta, Utc};

use crate::shared::time::minutes;
use crate::shared::{Interval, UserId};
use crate::tenancy::OrgSettings;

/// Why a start time is outside the booking window (rule 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRefusal {
    /// Earlier than `now + minNoticeMinutes` (`booking_too_soon`).
    TooSoon,
    /// Later than `now + maxAdvanceDays` (`booking_too_far_ahead`).
    TooFarAhead,
}

/// Rule 2: `now + minNotice <= startsAt <= now + maxAdvance`.
///
/// # Errors
/// The side of the window the start falls out of.
pub fn check_window(starts_at: DateTime<Utc>, now: DateTime<Utc>, settings: &OrgSettings) -> Result<(), WindowRefusal> {
    if starts_at < now + minutes(settings.min_notice_minutes()) {
        Err(WindowRefusal::TooSoon)
    } else if starts_at > now + TimeDelta::days(i64::from(settings.max_advance_days())) {
        Err(WindowRefusal::TooFarAhead)
    } else {
        Ok(())
    }
}

/// Why a TA cannot take a session (rules 4 and 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaRefusal {
    /// The interval is not inside the TA's availability (`outside_ta_availability`).
    OutsideAvailability,
    /// Another active session of the TA is within the buffer (`ta_unavailable`).
    Overlap,
}

/// A TA's calendar around a request: availability blocks and the intervals of their active
/// sessions, each sorted and merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaCalendar {
    /// The TA.
    pub ta_id: UserId,
    /// Maximal available blocks, sorted and disjoint.
    pub available: Vec<Interval>,
    /// Active sessions, merged into sorted disjoint blocks.
    pub busy: Vec<Interval>,
}

impl TaCalendar {
    /// A calendar from availability blocks and session intervals in any order.
    pub fn new(ta_id: UserId, available: Vec<Interval>, busy: Vec<Interval>) -> Self {
        use crate::shared::time::merge_intervals;
        Self { ta_id, available: merge_intervals(available), busy: merge_intervals(busy) }
    }

    /// Rule 4: the interval lies inside one availability block.
    pub fn is_available(&self, interval: &Interval) -> bool {
        // The last block starting at or before the interval is the only candidate.
        let i = self.available.partition_point(|b| b.start() <= interval.start());
        i > 0 && self.available[i - 1].contains(interval)
    }

    /// Rule 5: no active session intersects the interval widened by the buffer.
    pub fn is_free(&self, interval: &Interval, buffer: TimeDelta) -> bool {
        let padded = interval.padded(buffer);
        // Blocks are disjoint and sorted, so ends are sorted too: find the first that ends
        // after the padded start and check whether it starts before the padded end.
        let i = self.busy.partition_point(|b| b.end() <= padded.start());
        self.busy.get(i).is_none_or(|b| !b.overlaps(&padded))
    }

    /// Rules 4 then 5.
    ///
    /// # Errors
    /// The first rule that fails.
    pub fn check(&self, interval: &Interval, buffer: TimeDelta) -> Result<(), TaRefusal> {
        if !self.is_available(interval) {
            Err(TaRefusal::OutsideAvailability)
        } else if !self.is_free(interval, buffer) {
            Err(TaRefusal::Overlap)
        } else {
            Ok(())
        }
    }
}

/// The student-overlap rule: none of the student's active seats intersects the interval.
pub fn student_is_free(interval: &Interval, seats: &[Interval]) -> bool {
    !seats.iter().any(|s| s.overlaps(interval))
}

/// The automatic TA choice: among TAs free for the session, the one with the fewest active
/// bookings on that organization-local day, ties broken by the smaller id.
pub fn choose_ta(candidates: impl IntoIterator<Item = (UserId, u32)>) -> Option<UserId> {
    candidates.into_iter().min_by_key(|&(id, count)| (count, id)).map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, iv};
    use crate::tenancy::{OrgSettingsPatch, RawSettings};
    use uuid::Uuid;

    fn uid(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn settings(notice: i64, advance_days: i64) -> OrgSettings {
        let raw = RawSettings {
            min_notice_minutes: Some(notice),
            max_advance_days: Some(advance_days),
            ..RawSettings::default()
        };
        OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).unwrap())
    }

    #[test]
    fn window_rule_bounds_are_inclusive() {
        let s = settings(60, 90);
        let now = at(0);
        assert_eq!(check_window(at(59), now, &s), Err(WindowRefusal::TooSoon));
        assert_eq!(check_window(at(60), now, &s), Ok(()));
        let limit = now + TimeDelta::days(90);
        assert_eq!(check_window(limit, now, &s), Ok(()));
        assert_eq!(check_window(limit + TimeDelta::minutes(1), now, &s), Err(WindowRefusal::TooFarAhead));
    }

    #[test]
    fn zero_notice_allows_starting_now_but_not_in_the_past() {
        let s = settings(0, 1);
        assert_eq!(check_window(at(0), at(0), &s), Ok(()));
        assert_eq!(check_window(at(-1), at(0), &s), Err(WindowRefusal::TooSoon));
    }

    #[test]
    fn availability_requires_one_block_to_contain_the_whole_session() {
        let cal = TaCalendar::new(uid(1), vec![iv(0, 60), iv(120, 240)], vec![]);
        assert!(cal.is_available(&iv(0, 60)));
        assert!(cal.is_available(&iv(150, 240)));
        assert!(!cal.is_available(&iv(30, 90)), "runs past the block");
        assert!(!cal.is_available(&iv(60, 120)), "in the gap");
        assert!(!cal.is_available(&iv(-30, 30)), "starts before");
        assert_eq!(cal.check(&iv(30, 90), TimeDelta::zero()), Err(TaRefusal::OutsideAvailability));
    }

    #[test]
    fn touching_blocks_merge_so_sessions_may_span_them() {
        let cal = TaCalendar::new(uid(1), vec![iv(0, 60), iv(60, 120)], vec![]);
        assert!(cal.is_available(&iv(30, 90)));
    }

    #[test]
    fn overlap_uses_half_open_intervals_and_the_buffer() {
        let cal = TaCalendar::new(uid(1), vec![iv(0, 600)], vec![iv(120, 180)]);
        assert!(cal.is_free(&iv(60, 120), TimeDelta::zero()), "back to back before");
        assert!(cal.is_free(&iv(180, 240), TimeDelta::zero()), "back to back after");
        assert!(!cal.is_free(&iv(150, 210), TimeDelta::zero()));
        assert!(!cal.is_free(&iv(180, 240), TimeDelta::minutes(15)), "inside the buffer");
        assert!(cal.is_free(&iv(195, 240), TimeDelta::minutes(15)), "just outside the buffer");
        assert!(!cal.is_free(&iv(60, 106), TimeDelta::minutes(15)), "buffer applies before too");
        assert_eq!(cal.check(&iv(150, 210), TimeDelta::zero()), Err(TaRefusal::Overlap));
        assert_eq!(cal.check(&iv(300, 360), TimeDelta::zero()), Ok(()));
    }

    #[test]
    fn availability_is_checked_before_overlap() {
        let cal = TaCalendar::new(uid(1), vec![iv(0, 60)], vec![iv(30, 90)]);
        assert_eq!(cal.check(&iv(30, 90), TimeDelta::zero()), Err(TaRefusal::OutsideAvailability));
    }

    #[test]
    fn student_overlap_is_half_open() {
        let seats = vec![iv(60, 120)];
        assert!(student_is_free(&iv(0, 60), &seats));
        assert!(student_is_free(&iv(120, 180), &seats));
        assert!(!student_is_free(&iv(90, 150), &seats));
        assert!(student_is_free(&iv(90, 150), &[]));
    }

    #[test]
    fn ta_choice_prefers_fewest_bookings_then_smallest_id() {
        assert_eq!(choose_ta([(uid(3), 1), (uid(2), 2), (uid(1), 1)]), Some(uid(1)));
        assert_eq!(choose_ta([(uid(9), 0), (uid(1), 4)]), Some(uid(9)));
        assert_eq!(choose_ta(std::iter::empty()), None);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn calendar_checks_agree_with_naive_loops(
                avail in proptest::collection::vec((0i64..1000, 1i64..200), 0..8),
                busy in proptest::collection::vec((0i64..1000, 1i64..120), 0..8),
                start in 0i64..1100, len in 1i64..240, buffer in 0i64..60,
            ) {
                let available: Vec<Interval> = avail.iter().map(|&(s, l)| iv(s, s + l)).collect();
                let sessions: Vec<Interval> = busy.iter().map(|&(s, l)| iv(s, s + l)).collect();
                let cal = TaCalendar::new(uid(1), available.clone(), sessions.clone());
                let candidate = iv(start, start + len);
                // Naive: every minute of the candidate is inside some availability interval.
                let naive_available = (start..start + len).all(|m| available.iter().any(|a| a.contains_instant(at(m))));
                let naive_free = !sessions.iter().any(|s| s.overlaps(&candidate.padded(TimeDelta::minutes(buffer))));
                prop_assert_eq!(cal.is_available(&candidate), naive_available);
                prop_assert_eq!(cal.is_free(&candidate, TimeDelta::minutes(buffer)), naive_free);
            }
        }
    }
}
