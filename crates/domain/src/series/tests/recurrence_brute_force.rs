//! `Recurrence::occurrences` against a brute-force expansion that walks local dates one by one,
//! in zones with DST changes, from first starts around those changes.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use proptest::prelude::*;

use crate::series::{Frequency, MAX_OCCURRENCES, Occurrence, Recurrence, RecurrenceEnd, RecurrenceError};
use crate::shared::TimeZoneId;
use crate::shared::zone::Fold;

const ZONES: [&str; 5] = ["Europe/Paris", "America/New_York", "Australia/Sydney", "America/Santiago", "Europe/London"];

/// Local dates of DST changes in the zones above (2026–2028).
const CHANGES: [(i32, u32, u32); 22] = [
    (2026, 3, 29),
    (2026, 10, 25),
    (2027, 3, 28),
    (2027, 10, 31),
    (2028, 3, 26),
    (2028, 10, 29),
    (2026, 3, 8),
    (2026, 11, 1),
    (2027, 3, 14),
    (2027, 11, 7),
    (2028, 3, 12),
    (2028, 11, 5),
    (2026, 4, 5),
    (2026, 10, 4),
    (2027, 4, 4),
    (2027, 10, 3),
    (2028, 4, 2),
    (2028, 10, 1),
    (2026, 9, 6),
    (2027, 9, 5),
    (2028, 9, 3),
    (2026, 4, 4),
];

fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// Walks the local dates from `first`'s, keeping those the rule names, resolved one by one.
fn brute_force(rule: &Recurrence, first: DateTime<Utc>, zone: TimeZoneId) -> Result<Vec<Occurrence>, RecurrenceError> {
    let first_local = zone.local(first);
    let start = first_local.date();
    match rule.end() {
        RecurrenceEnd::Until(until) if until < first => {
            return Err(RecurrenceError::Rule("UNTIL is before the first session"));
        }
        RecurrenceEnd::UntilDate(date) if date < start => {
            return Err(RecurrenceError::Rule("UNTIL is before the first session"));
        }
        _ => {}
    }
    let weekdays: Vec<Weekday> = if rule.by_day().is_empty() { vec![start.weekday()] } else { rule.by_day().to_vec() };
    let interval = i64::from(rule.interval());
    let mut found = Vec::new();
    let mut date = start;
    while found.len() <= MAX_OCCURRENCES {
        let named = match rule.frequency() {
            Frequency::Daily => (date - start).num_days() % interval == 0,
            Frequency::Weekly => {
                (monday_of(date) - monday_of(start)).num_days() / 7 % interval == 0
                    && weekdays.contains(&date.weekday())
            }
        };
        if named {
            let local = date.and_time(first_local.time());
            let occurrence = match zone.instants_of(local).first() {
                _ if date == start => Occurrence::At(first),
                Some(at) => Occurrence::At(*at),
                None => Occurrence::Gap(local),
            };
            let past_the_end = match (rule.end(), occurrence) {
                (RecurrenceEnd::Count(count), _) => found.len() == count as usize,
                (RecurrenceEnd::Until(until), Occurrence::At(at)) => at > until,
                (RecurrenceEnd::Until(until), Occurrence::Gap(_)) => zone.resolve(local, Fold::Earlier) > until,
                (RecurrenceEnd::UntilDate(last), _) => date > last,
            };
            if past_the_end {
                break;
            }
            found.push(occurrence);
        }
        date = date.succ_opt().expect("a date before the end of time");
    }
    if found.len() > MAX_OCCURRENCES {
        Err(RecurrenceError::Rule("the recurrence has more than 52 occurrences"))
    } else if found.is_empty() {
        Err(RecurrenceError::Rule("the recurrence has no occurrence"))
    } else {
        Ok(found)
    }
}

#[derive(Debug, Clone)]
enum End {
    Count(u32),
    /// Minutes after (or before) the first start.
    Until(i64),
    /// Days after (or before) the first start's local date.
    UntilDate(i64),
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![
        3 => (2u32..=52).prop_map(End::Count),
        2 => (-2_000i64..=400 * 24 * 60).prop_map(End::Until),
        1 => (-2i64..=400).prop_map(End::UntilDate),
    ]
}

fn first_date() -> impl Strategy<Value = NaiveDate> {
    let near_a_change = (0..CHANGES.len(), -20i64..=3).prop_map(|(i, offset)| {
        let (y, m, d) = CHANGES[i];
        NaiveDate::from_ymd_opt(y, m, d).expect("change date") + chrono::TimeDelta::days(offset)
    });
    let any_day = (2026i32..=2028, 1u32..=365).prop_map(|(y, day)| NaiveDate::from_yo_opt(y, day).expect("day"));
    prop_oneof![3 => near_a_change, 1 => any_day]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]

    #[test]
    fn expansion_matches_a_day_by_day_walk(
        zone_index in 0..ZONES.len(),
        date in first_date(),
        hour in prop_oneof![0u32..24, 0u32..4],
        minute in prop_oneof![Just(0u32), Just(30u32), 0u32..60],
        later_of_a_fold in any::<bool>(),
        weekly in any::<bool>(),
        interval in 1u32..=4,
        days in 0u8..128,
        end in end(),
    ) {
        let zone = TimeZoneId::parse(ZONES[zone_index]).expect("zone");
        let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("time"));
        let instants = zone.instants_of(local);
        let first = if later_of_a_fold { instants.last() } else { instants.first() }
            .copied()
            .unwrap_or_else(|| zone.resolve(local, Fold::Earlier));
        let codes: Vec<&str> = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| days & (1 << i) != 0)
            .map(|(_, code)| code)
            .collect();
        let mut text = format!("FREQ={};INTERVAL={interval}", if weekly { "WEEKLY" } else { "DAILY" });
        if weekly && !codes.is_empty() {
            text += &format!(";BYDAY={}", codes.join(","));
        }
        text += &match end {
            End::Count(n) => format!(";COUNT={n}"),
            End::Until(minutes) => {
                let until = first + chrono::TimeDelta::minutes(minutes);
                until.format(";UNTIL=%Y%m%dT%H%M%SZ").to_string()
            }
            End::UntilDate(days) => (zone.local_date(first) + chrono::TimeDelta::days(days)).format(";UNTIL=%Y%m%d").to_string(),
        };
        let rule = Recurrence::parse(&text).expect("generated rule");
        // `first` is on a whole minute and UNTIL on a whole second: the walk sees the same bounds.
        prop_assert_eq!(rule.occurrences(first, zone), brute_force(&rule, first, zone), "{} from {} in {}", text, first, zone);
    }
}
