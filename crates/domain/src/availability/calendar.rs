//! Availability in instants: wall-clock ranges converted per date in the TA's time zone, so that
//! DST changes move the instants and not the hours (see [`crate::shared::zone`] for gaps and folds).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::model::{Availability, WallTime};
use crate::shared::Interval;
use crate::shared::time::merge_intervals;
use crate::shared::zone::Fold;

impl Availability {
    fn instant(&self, date: NaiveDate, time: WallTime, fold: Fold) -> DateTime<Utc> {
        let local = date.and_time(chrono::NaiveTime::MIN) + TimeDelta::minutes(i64::from(time.minutes()));
        self.timezone().resolve(local, fold)
    }

    /// The maximal blocks of availability that intersect `[from, to)`, sorted and disjoint
    /// (ranges that touch across midnight or within a day are merged).
    pub fn blocks_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Interval> {
        let tz = self.timezone();
        // A day's ranges can reach into neighbouring UTC dates: read one extra date each side.
        let first = tz.local_date(from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = tz.local_date(to).succ_opt().unwrap_or(NaiveDate::MAX);
        let mut blocks = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            for range in self.ranges_on(date) {
                let start = self.instant(date, range.start(), Fold::Earlier);
                let end = self.instant(date, range.end(), Fold::Later);
                if let Ok(block) = Interval::new(start, end) {
                    blocks.push(block);
                }
            }
        }
        let window = Interval::new(from, to.max(from + TimeDelta::nanoseconds(1))).ok();
        merge_intervals(blocks).into_iter().filter(|b| window.is_none_or(|w| b.overlaps(&w))).collect()
    }

    /// Whether the TA is available for the whole interval (rule 4).
    pub fn covers(&self, interval: &Interval) -> bool {
        self.blocks_between(interval.start(), interval.end()).iter().any(|b| b.contains(interval))
    }
}
