//! Time: the [`Clock`] port, half-open [`Interval`]s of instants, and durations in minutes.
//!
//! All instants are UTC (`DateTime<Utc>`); wall-clock times exist only inside availability and
//! calendar code, which converts them per date in an IANA time zone.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use super::validation::InvalidValue;

/// The current instant. Inject a fixed clock in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock, to the microsecond: the precision PostgreSQL stores, so that
/// an instant read back equals the instant written.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        use chrono::DurationRound;
        let now = Utc::now();
        now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
    }
}

/// A clock that always returns the same instant (useful in tests and simulations).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A half-open interval of instants `[start, end)`, never empty: back-to-back intervals do not
/// overlap.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Interval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Interval {
    /// `[start, end)`.
    ///
    /// # Errors
    /// When `end <= start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, InvalidValue> {
        if end > start { Ok(Self { start, end }) } else { Err(InvalidValue::new("end must be after start")) }
    }

    /// `[start, start + minutes)`.
    pub fn starting_at(start: DateTime<Utc>, duration: TimeDelta) -> Result<Self, InvalidValue> {
        Self::new(start, start + duration)
    }

    /// The first instant inside.
    pub const fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The first instant after.
    pub const fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// `end - start`.
    pub fn duration(&self) -> TimeDelta {
        self.end - self.start
    }

    /// Whether the two intervals share at least one instant (touching ends do not).
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies entirely inside `self`.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the instant lies inside.
    pub fn contains_instant(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// The interval widened by `pad` on both sides (`[start - pad, end + pad)`), used for the
    /// buffer between a TA's sessions. A negative pad is treated as zero.
    pub fn padded(&self, pad: TimeDelta) -> Interval {
        let pad = pad.max(TimeDelta::zero());
        Interval { start: self.start - pad, end: self.end + pad }
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.start.to_rfc3339(), self.end.to_rfc3339())
    }
}

/// Sorts intervals and merges those that overlap or touch into maximal blocks.
pub fn merge_intervals(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.sort();
    let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
    for next in intervals {
        match merged.last_mut() {
            Some(last) if next.start <= last.end => last.end = last.end.max(next.end),
            _ => merged.push(next),
        }
    }
    merged
}

/// What is left of sorted disjoint `blocks` once every interval of `removed` (any order, may
/// overlap) is cut out of them: sorted disjoint pieces (a TA's availability minus time off).
pub fn subtract_intervals(blocks: &[Interval], removed: &[Interval]) -> Vec<Interval> {
    let removed = merge_intervals(removed.to_vec());
    let mut left = Vec::with_capacity(blocks.len());
    for block in blocks {
        let mut start = block.start;
        for cut in removed.iter().filter(|c| c.overlaps(block)) {
            if cut.start > start {
                left.push(Interval { start, end: cut.start });
            }
            start = start.max(cut.end);
        }
        if start < block.end {
            left.push(Interval { start, end: block.end });
        }
    }
    left
}

/// Minutes as a `TimeDelta`.
pub fn minutes(n: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, iv};
    use proptest::prelude::*;

    #[test]
    fn the_system_clock_has_microsecond_precision() {
        use chrono::Timelike;
        assert_eq!(SystemClock.now().nanosecond() % 1_000, 0);
    }

    #[test]
    fn empty_or_reversed_intervals_are_refused() {
        assert!(Interval::new(at(10), at(10)).is_err());
        assert!(Interval::new(at(10), at(5)).is_err());
    }

    #[test]
    fn back_to_back_intervals_do_not_overlap() {
        assert!(!iv(0, 60).overlaps(&iv(60, 120)));
        assert!(iv(0, 61).overlaps(&iv(60, 120)));
    }

    #[test]
    fn padding_makes_neighbours_conflict() {
        let a = iv(0, 60);
        assert!(!a.padded(TimeDelta::zero()).overlaps(&iv(60, 90)));
        assert!(a.padded(TimeDelta::minutes(10)).overlaps(&iv(65, 90)));
        assert!(!a.padded(TimeDelta::minutes(10)).overlaps(&iv(70, 90)));
        assert_eq!(a.padded(TimeDelta::minutes(-5)), a);
    }

    #[test]
    fn containment_is_inclusive_of_both_bounds() {
        assert!(iv(0, 60).contains(&iv(0, 60)));
        assert!(iv(0, 60).contains(&iv(15, 45)));
        assert!(!iv(0, 60).contains(&iv(30, 61)));
        assert!(iv(0, 60).contains_instant(at(0)));
        assert!(!iv(0, 60).contains_instant(at(60)));
    }

    #[test]
    fn merge_joins_touching_and_overlapping_blocks() {
        let merged = merge_intervals(vec![iv(60, 120), iv(0, 60), iv(200, 300), iv(250, 260)]);
        assert_eq!(merged, vec![iv(0, 120), iv(200, 300)]);
    }

    #[test]
    fn subtracting_cuts_holes_edges_and_whole_blocks() {
        let blocks = [iv(0, 100), iv(200, 300), iv(400, 500)];
        let left = subtract_intervals(&blocks, &[iv(450, 460), iv(190, 250), iv(40, 60), iv(50, 70), iv(400, 500)]);
        assert_eq!(left, vec![iv(0, 40), iv(70, 100), iv(250, 300)]);
        // Cuts that only touch a block leave it whole.
        assert_eq!(subtract_intervals(&[iv(0, 100)], &[iv(100, 150), iv(-50, 0)]), vec![iv(0, 100)]);
        assert_eq!(subtract_intervals(&[iv(0, 100)], &[]), vec![iv(0, 100)]);
    }

    proptest! {
        #[test]
        fn subtraction_leaves_exactly_the_minutes_of_blocks_outside_every_cut(
            raw_blocks in proptest::collection::vec((0i64..500, 1i64..60), 0..10),
            raw_cuts in proptest::collection::vec((0i64..500, 1i64..80), 0..10),
        ) {
            let blocks = merge_intervals(raw_blocks.iter().map(|&(s, l)| iv(s, s + l)).collect());
            let cuts: Vec<Interval> = raw_cuts.iter().map(|&(s, l)| iv(s, s + l)).collect();
            let left = subtract_intervals(&blocks, &cuts);
            for w in left.windows(2) {
                prop_assert!(w[0].end() <= w[1].start());
            }
            for m in 0..600 {
                let t = at(m);
                let expected = blocks.iter().any(|b| b.contains_instant(t)) && !cuts.iter().any(|c| c.contains_instant(t));
                prop_assert_eq!(left.iter().any(|i| i.contains_instant(t)), expected, "minute {}", m);
            }
        }

        #[test]
        fn overlap_is_symmetric_and_matches_a_minute_by_minute_oracle(
            a in 0i64..200, la in 1i64..100, b in 0i64..200, lb in 1i64..100,
        ) {
            let x = iv(a, a + la);
            let y = iv(b, b + lb);
            let shared_minute = (a..a + la).any(|m| (b..b + lb).contains(&m));
            prop_assert_eq!(x.overlaps(&y), shared_minute);
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
        }

        #[test]
        fn padded_overlap_equals_gap_smaller_than_buffer(
            a in 0i64..200, la in 1i64..100, b in 0i64..200, lb in 1i64..100, pad in 0i64..60,
        ) {
            let x = iv(a, a + la);
            let y = iv(b, b + lb);
            let gap = if b >= a + la { b - (a + la) } else if a >= b + lb { a - (b + lb) } else { -1 };
            prop_assert_eq!(x.padded(TimeDelta::minutes(pad)).overlaps(&y), gap < pad);
        }

        #[test]
        fn merged_blocks_are_disjoint_sorted_and_cover_the_same_minutes(
            raw in proptest::collection::vec((0i64..500, 1i64..60), 0..20),
        ) {
            let input: Vec<Interval> = raw.iter().map(|&(s, l)| iv(s, s + l)).collect();
            let merged = merge_intervals(input.clone());
            for w in merged.windows(2) {
                prop_assert!(w[0].end() < w[1].start());
            }
            for m in 0..600 {
                let t = at(m);
                prop_assert_eq!(
                    input.iter().any(|i| i.contains_instant(t)),
                    merged.iter().any(|i| i.contains_instant(t))
                );
            }
        }
    }
}
