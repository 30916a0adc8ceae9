//! Availability parsing, and its conversion to instants across DST changes.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use uuid::Uuid;

use super::*;
use crate::shared::{Interval, TimeZoneId, UserId};

fn ta() -> UserId {
    UserId::from_uuid(Uuid::from_u128(7))
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn weekly(day: i64, start: &str, end: &str) -> RawWeeklyHours {
    RawWeeklyHours { weekday: day, start: start.into(), end: end.into() }
}

fn raw(zone: &str, weekly: Vec<RawWeeklyHours>, overrides: Vec<RawOverride>) -> RawAvailability {
    RawAvailability { timezone: zone.into(), weekly, overrides }
}

#[test]
fn wall_times_parse_from_midnight_to_end_of_day() {
    assert_eq!(WallTime::parse("00:00").unwrap(), WallTime::MIDNIGHT);
    assert_eq!(WallTime::parse("24:00").unwrap(), WallTime::END_OF_DAY);
    assert_eq!(WallTime::parse("09:30").unwrap().minutes(), 570);
    assert_eq!(WallTime::parse("09:30").unwrap().to_string(), "09:30");
    for bad in ["9:30", "24:01", "25:00", "09:60", "0930", "ab:cd", ""] {
        assert!(WallTime::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn wall_times_from_minutes_run_from_midnight_to_end_of_day() {
    assert_eq!(WallTime::from_minutes(0), Some(WallTime::MIDNIGHT));
    assert_eq!(WallTime::from_minutes(24 * 60), Some(WallTime::END_OF_DAY));
    assert_eq!(WallTime::from_minutes(90).map(|t| t.to_string()), Some("01:30".to_owned()));
    assert_eq!(WallTime::from_minutes(24 * 60 + 1), None);
}

#[test]
fn the_default_is_weekdays_nine_to_five_in_the_given_zone() {
    let tz = TimeZoneId::parse("Europe/Berlin").unwrap();
    let a = Availability::default_for(ta(), tz);
    assert_eq!(a.timezone(), tz);
    assert_eq!(a.weekly().len(), 5);
    assert!(a.weekly().iter().all(|w| w.range.start().to_string() == "09:00" && w.range.end().to_string() == "17:00"));
    assert!(!a.weekly().iter().any(|w| matches!(w.weekday, Weekday::Sat | Weekday::Sun)));
}

#[test]
fn parse_reports_every_bad_field_with_its_path() {
    let r = raw(
        "Nowhere/City",
        vec![weekly(0, "09:00", "17:00"), weekly(1, "17:00", "09:00"), weekly(2, "9am", "17:00")],
        vec![RawOverride { date: "2026-02-30".into(), intervals: vec![] }],
    );
    let errors = Availability::parse(ta(), &r).unwrap_err();
    for field in ["timezone", "weekly[0].weekday", "weekly[1].end", "weekly[2].start", "overrides[0].date"] {
        assert!(errors.has(field), "{field}: {errors}");
    }
}

#[test]
fn overlapping_ranges_and_duplicate_dates_are_refused() {
    let r = raw(
        "UTC",
        vec![
            weekly(1, "09:00", "12:00"),
            weekly(1, "11:00", "13:00"),
            weekly(2, "09:00", "12:00"),
            weekly(2, "12:00", "13:00"),
        ],
        vec![
            RawOverride { date: "2026-12-24".into(), intervals: vec![] },
            RawOverride { date: "2026-12-24".into(), intervals: vec![] },
            RawOverride {
                date: "2026-12-25".into(),
                intervals: vec![
                    RawRange { start: "10:00".into(), end: "12:00".into() },
                    RawRange { start: "11:00".into(), end: "14:00".into() },
                ],
            },
        ],
    );
    let errors = Availability::parse(ta(), &r).unwrap_err();
    assert!(errors.has("weekly[1]"), "{errors}");
    assert!(!errors.has("weekly[3]"), "touching ranges are fine: {errors}");
    assert!(errors.has("overrides[1].date"), "{errors}");
    assert!(errors.has("overrides[2].intervals[1]"), "{errors}");
}

#[test]
fn overlap_paths_name_the_clients_entries_when_other_entries_are_malformed() {
    let range = |start: &str, end: &str| RawRange { start: start.into(), end: end.into() };
    let r = raw(
        "UTC",
        vec![weekly(8, "09:00", "10:00"), weekly(1, "09:00", "12:00"), weekly(1, "11:00", "13:00")],
        vec![
            RawOverride { date: "2026-02-30".into(), intervals: vec![] },
            RawOverride {
                date: "2026-03-01".into(),
                intervals: vec![range("9", "10"), range("09:00", "12:00"), range("10:00", "11:00")],
            },
            RawOverride { date: "2026-03-01".into(), intervals: vec![] },
        ],
    );
    let errors = Availability::parse(ta(), &r).unwrap_err();
    let fields: Vec<&str> = errors.fields().iter().map(|f| f.field.as_str()).collect();
    for field in ["weekly[2]", "overrides[1].intervals[2]", "overrides[2].date"] {
        assert!(fields.contains(&field), "{field}: {fields:?}");
    }
    for wrong in ["weekly[1]", "overrides[0].intervals[1]", "overrides[1].date"] {
        assert!(!fields.contains(&wrong), "{wrong}: {fields:?}");
    }
}

#[test]
fn overrides_replace_the_weekly_hours_of_their_date() {
    let r = raw(
        "UTC",
        vec![weekly(4, "09:00", "17:00")],
        vec![
            RawOverride { date: "2026-12-24".into(), intervals: vec![] },
            RawOverride {
                date: "2026-12-31".into(),
                intervals: vec![RawRange { start: "10:00".into(), end: "12:00".into() }],
            },
        ],
    );
    let a = Availability::parse(ta(), &r).unwrap();
    assert!(a.ranges_on(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()).is_empty(), "Thursday off");
    let new_year_eve = a.ranges_on(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    assert_eq!(new_year_eve.len(), 1);
    assert_eq!(new_year_eve[0].start().to_string(), "10:00");
    assert_eq!(a.ranges_on(NaiveDate::from_ymd_opt(2026, 12, 17).unwrap()).len(), 1, "an ordinary Thursday");
    let from = utc(2026, 12, 24, 0, 0);
    assert!(a.blocks_between(from, from + TimeDelta::days(1)).is_empty());
}

#[test]
fn berlin_hours_move_in_utc_across_both_dst_changes() {
    let a = Availability::parse(
        ta(),
        &raw("Europe/Berlin", (1..=7).map(|d| weekly(d, "09:00", "17:00")).collect(), vec![]),
    )
    .unwrap();
    let spring = a.blocks_between(utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0));
    assert_eq!(spring[0], Interval::new(utc(2026, 3, 28, 8, 0), utc(2026, 3, 28, 16, 0)).unwrap());
    assert_eq!(spring[1], Interval::new(utc(2026, 3, 29, 7, 0), utc(2026, 3, 29, 15, 0)).unwrap());
    let autumn = a.blocks_between(utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0));
    assert_eq!(autumn[0], Interval::new(utc(2026, 10, 24, 7, 0), utc(2026, 10, 24, 15, 0)).unwrap());
    assert_eq!(autumn[1], Interval::new(utc(2026, 10, 25, 8, 0), utc(2026, 10, 25, 16, 0)).unwrap());
}

#[test]
fn new_york_night_hours_cover_the_whole_folded_hour() {
    // 00:00–03:00 on the night clocks fall back lasts four real hours.
    let a = Availability::parse(ta(), &raw("America/New_York", vec![weekly(7, "00:00", "03:00")], vec![])).unwrap();
    let blocks = a.blocks_between(utc(2026, 11, 1, 0, 0), utc(2026, 11, 2, 0, 0));
    assert_eq!(blocks, vec![Interval::new(utc(2026, 11, 1, 4, 0), utc(2026, 11, 1, 8, 0)).unwrap()]);
}

#[test]
fn hours_starting_in_a_spring_gap_start_when_the_gap_ends() {
    // 02:30 does not exist in Berlin on 2026-03-29: the block starts at 03:00 CEST (01:00Z).
    let a = Availability::parse(ta(), &raw("Europe/Berlin", vec![weekly(7, "02:30", "05:00")], vec![])).unwrap();
    let blocks = a.blocks_between(utc(2026, 3, 29, 0, 0), utc(2026, 3, 30, 0, 0));
    assert_eq!(blocks, vec![Interval::new(utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 3, 0)).unwrap()]);
}

#[test]
fn kolkata_half_hour_offset() {
    let a = Availability::parse(ta(), &raw("Asia/Kolkata", vec![weekly(2, "09:00", "17:00")], vec![])).unwrap();
    let blocks = a.blocks_between(utc(2026, 12, 1, 0, 0), utc(2026, 12, 2, 0, 0));
    assert_eq!(blocks, vec![Interval::new(utc(2026, 12, 1, 3, 30), utc(2026, 12, 1, 11, 30)).unwrap()]);
}

#[test]
fn ranges_ending_at_midnight_join_the_next_day() {
    let a =
        Availability::parse(ta(), &raw("UTC", vec![weekly(1, "22:00", "24:00"), weekly(2, "00:00", "02:00")], vec![]))
            .unwrap();
    let overnight = Interval::new(utc(2026, 11, 30, 23, 0), utc(2026, 12, 1, 1, 0)).unwrap(); // Mon 23:00 → Tue 01:00
    assert!(a.covers(&overnight));
    let too_long = Interval::new(utc(2026, 11, 30, 23, 0), utc(2026, 12, 1, 3, 0)).unwrap();
    assert!(!a.covers(&too_long));
}

#[test]
fn covers_is_rule_four() {
    let a = Availability::default_for(ta(), TimeZoneId::UTC);
    let tue = |h: u32, m: u32| utc(2026, 12, 1, h, m);
    assert!(a.covers(&Interval::new(tue(9, 0), tue(17, 0)).unwrap()));
    assert!(!a.covers(&Interval::new(tue(8, 45), tue(9, 45)).unwrap()));
    assert!(!a.covers(&Interval::new(tue(16, 30), tue(17, 30)).unwrap()));
    let sat = utc(2026, 12, 5, 10, 0);
    assert!(!a.covers(&Interval::new(sat, sat + TimeDelta::hours(1)).unwrap()));
}

#[test]
fn the_lists_may_be_as_long_as_their_limits_and_no_longer() {
    let hour = |h: usize| format!("{h:02}:00");
    // Ten one-hour ranges on each of the seven days: 70 entries, none overlapping.
    let seventy: Vec<RawWeeklyHours> =
        (0..MAX_WEEKLY).map(|i| weekly(i64::try_from(i / 10 + 1).unwrap(), &hour(i % 10), &hour(i % 10 + 1))).collect();
    assert!(Availability::parse(ta(), &raw("UTC", seventy.clone(), vec![])).is_ok());
    let mut more = seventy;
    more.push(weekly(1, "20:00", "21:00"));
    assert!(Availability::parse(ta(), &raw("UTC", more, vec![])).unwrap_err().has("weekly"));

    let day = |n: usize| NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + TimeDelta::days(i64::try_from(n).unwrap());
    let closed = |n: usize| RawOverride { date: day(n).to_string(), intervals: vec![] };
    let many: Vec<RawOverride> = (0..MAX_OVERRIDES).map(closed).collect();
    assert!(Availability::parse(ta(), &raw("UTC", vec![], many.clone())).is_ok());
    let mut too_many = many;
    too_many.push(closed(MAX_OVERRIDES));
    assert!(Availability::parse(ta(), &raw("UTC", vec![], too_many)).unwrap_err().has("overrides"));

    let ranges = |n: usize| {
        let intervals = (0..n).map(|h| RawRange { start: hour(h), end: hour(h + 1) }).collect();
        vec![RawOverride { date: "2027-01-01".into(), intervals }]
    };
    assert!(Availability::parse(ta(), &raw("UTC", vec![], ranges(MAX_RANGES_PER_OVERRIDE))).is_ok());
    let refused = Availability::parse(ta(), &raw("UTC", vec![], ranges(MAX_RANGES_PER_OVERRIDE + 1))).unwrap_err();
    assert!(refused.has("overrides[0].intervals"), "{refused}");
}
