//! `Recurrence::occurrences` on worked examples: wall-clock times kept across DST changes,
//! intervals, BYDAY against the first start, UNTIL bounds, DST gaps and folds, and the limits.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::series::{MAX_OCCURRENCES, Occurrence, Recurrence, RecurrenceError};
use crate::shared::TimeZoneId;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test instant").with_timezone(&Utc)
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test wall-clock time")
}

fn zone(name: &str) -> TimeZoneId {
    TimeZoneId::parse(name).expect("test zone")
}

fn expand(rule: &str, first: &str, zone_name: &str) -> Result<Vec<Occurrence>, RecurrenceError> {
    Recurrence::parse(rule).expect("test rule").occurrences(utc(first), zone(zone_name))
}

fn at(instants: &[&str]) -> Vec<Occurrence> {
    instants.iter().map(|s| Occurrence::At(utc(s))).collect()
}

fn rule_error(message: &'static str) -> Result<Vec<Occurrence>, RecurrenceError> {
    Err(RecurrenceError::Rule(message))
}

#[test]
fn tuesdays_and_thursdays_at_17_paris_time_stay_at_17_across_the_spring_change() {
    // 2027-03-23 is a Tuesday; Paris moves from +01:00 to +02:00 on Sunday 2027-03-28.
    let got = expand("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", "2027-03-23T16:00:00Z", "Europe/Paris");
    let want = at(&["2027-03-23T16:00:00Z", "2027-03-25T16:00:00Z", "2027-03-30T15:00:00Z", "2027-04-01T15:00:00Z"]);
    assert_eq!(got, Ok(want));
}

#[test]
fn daily_with_an_interval_takes_every_nth_date() {
    let got = expand("FREQ=DAILY;INTERVAL=3;COUNT=4", "2027-01-04T09:00:00Z", "UTC");
    let want = at(&["2027-01-04T09:00:00Z", "2027-01-07T09:00:00Z", "2027-01-10T09:00:00Z", "2027-01-13T09:00:00Z"]);
    assert_eq!(got, Ok(want));
}

#[test]
fn weekly_with_an_interval_counts_weeks_from_the_first_start_s_monday() {
    // Wednesday 2027-01-06: its week's Monday is before it, its Friday counts; then every other week.
    let got = expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR,MO;COUNT=5", "2027-01-06T09:00:00Z", "UTC");
    let want = at(&[
        "2027-01-08T09:00:00Z",
        "2027-01-18T09:00:00Z",
        "2027-01-22T09:00:00Z",
        "2027-02-01T09:00:00Z",
        "2027-02-05T09:00:00Z",
    ]);
    assert_eq!(got, Ok(want));
    let every_fourth = expand("FREQ=WEEKLY;INTERVAL=4;COUNT=3", "2027-01-06T09:00:00Z", "UTC");
    assert_eq!(every_fourth, Ok(at(&["2027-01-06T09:00:00Z", "2027-02-03T09:00:00Z", "2027-03-03T09:00:00Z"])));
}

#[test]
fn a_first_start_off_the_byday_days_is_not_an_occurrence() {
    // Wednesday 2027-01-06, rule on Mondays and Tuesdays.
    let got = expand("FREQ=WEEKLY;BYDAY=MO,TU;COUNT=3", "2027-01-06T10:00:00Z", "UTC");
    assert_eq!(got, Ok(at(&["2027-01-11T10:00:00Z", "2027-01-12T10:00:00Z", "2027-01-18T10:00:00Z"])));
}

#[test]
fn weekly_without_byday_repeats_the_first_start_s_weekday_and_keeps_its_seconds() {
    let got = expand("FREQ=WEEKLY;COUNT=2", "2027-01-06T10:15:30.250Z", "UTC");
    assert_eq!(got, Ok(at(&["2027-01-06T10:15:30.250Z", "2027-01-13T10:15:30.250Z"])));
}

#[test]
fn until_an_instant_is_inclusive() {
    let rule = "FREQ=DAILY;UNTIL=20270106T090000Z";
    let three = at(&["2027-01-04T09:00:00Z", "2027-01-05T09:00:00Z", "2027-01-06T09:00:00Z"]);
    assert_eq!(expand(rule, "2027-01-04T09:00:00Z", "UTC"), Ok(three.clone()));
    assert_eq!(expand("FREQ=DAILY;UNTIL=20270106T085959Z", "2027-01-04T09:00:00Z", "UTC"), Ok(three[..2].to_vec()));
    assert_eq!(expand(rule, "2027-01-06T09:00:00Z", "UTC"), Ok(three[2..].to_vec()));
    assert_eq!(expand(rule, "2027-01-06T09:00:01Z", "UTC"), rule_error("UNTIL is before the first session"));
}

#[test]
fn until_a_date_is_inclusive_of_that_local_day() {
    // 20:00 in New York is 01:00Z the next day: the bound is the local date, not the UTC one.
    let rule = "FREQ=DAILY;UNTIL=20270106";
    let got = expand(rule, "2027-01-05T01:00:00Z", "America/New_York");
    assert_eq!(got, Ok(at(&["2027-01-05T01:00:00Z", "2027-01-06T01:00:00Z", "2027-01-07T01:00:00Z"])));
    let first_day = expand("FREQ=DAILY;UNTIL=20270104", "2027-01-05T01:00:00Z", "America/New_York");
    assert_eq!(first_day, Ok(at(&["2027-01-05T01:00:00Z"])));
    let before = expand("FREQ=DAILY;UNTIL=20270103", "2027-01-05T01:00:00Z", "America/New_York");
    assert_eq!(before, rule_error("UNTIL is before the first session"));
}

#[test]
fn a_rule_whose_until_leaves_no_occurrence_is_refused() {
    // Tuesday 2027-01-05, Mondays only, until the Saturday.
    let got = expand("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270109T000000Z", "2027-01-05T10:00:00Z", "UTC");
    assert_eq!(got, rule_error("the recurrence has no occurrence"));
    let by_date = expand("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270110", "2027-01-05T10:00:00Z", "UTC");
    assert_eq!(by_date, rule_error("the recurrence has no occurrence"));
}

#[test]
fn at_most_52_occurrences() {
    let first = "2027-01-04T09:00:00Z";
    let count = expand("FREQ=DAILY;COUNT=52", first, "UTC").expect("52 occurrences");
    assert_eq!(count.len(), MAX_OCCURRENCES);
    assert_eq!(count.last(), Some(&Occurrence::At(utc("2027-02-24T09:00:00Z"))));
    let until = expand("FREQ=DAILY;UNTIL=20270224T090000Z", first, "UTC").expect("52 occurrences");
    assert_eq!(until, count);
    let by_date = expand("FREQ=DAILY;UNTIL=20270224", first, "UTC").expect("52 occurrences");
    assert_eq!(by_date, count);
    let too_many = rule_error("the recurrence has more than 52 occurrences");
    assert_eq!(expand("FREQ=DAILY;UNTIL=20270225T090000Z", first, "UTC"), too_many);
    assert_eq!(expand("FREQ=DAILY;UNTIL=20270225", first, "UTC"), too_many);
    assert_eq!(expand("FREQ=WEEKLY;INTERVAL=4;UNTIL=99991231T235959Z", first, "UTC"), too_many);
}

#[test]
fn a_time_in_the_spring_gap_is_a_gap_on_that_date_only() {
    // Paris skips 02:00–03:00 on 2027-03-28.
    let got = expand("FREQ=DAILY;COUNT=4", "2027-03-26T01:30:00Z", "Europe/Paris");
    let mut want = at(&["2027-03-26T01:30:00Z", "2027-03-27T01:30:00Z", "2027-03-29T00:30:00Z"]);
    want.insert(2, Occurrence::Gap(local("2027-03-28 02:30")));
    assert_eq!(got, Ok(want));
}

#[test]
fn until_an_instant_compares_a_gap_by_the_end_of_the_gap() {
    // The gap of 2027-03-28 in Paris ends at 01:00Z (03:00 CEST).
    let first = "2027-03-26T01:30:00Z";
    let with_gap = expand("FREQ=DAILY;UNTIL=20270328T010000Z", first, "Europe/Paris").expect("occurrences");
    assert_eq!(with_gap.last(), Some(&Occurrence::Gap(local("2027-03-28 02:30"))));
    let without = expand("FREQ=DAILY;UNTIL=20270328T005959Z", first, "Europe/Paris").expect("occurrences");
    assert_eq!(without, at(&["2027-03-26T01:30:00Z", "2027-03-27T01:30:00Z"]));
    let by_date = expand("FREQ=DAILY;UNTIL=20270328", first, "Europe/Paris").expect("occurrences");
    assert_eq!(by_date, with_gap);
}

#[test]
fn a_time_in_the_autumn_fold_takes_the_earlier_instant() {
    // Paris shows 02:00–03:00 twice on 2027-10-31 (00:xxZ then 01:xxZ).
    let got = expand("FREQ=DAILY;COUNT=3", "2027-10-30T00:30:00Z", "Europe/Paris");
    assert_eq!(got, Ok(at(&["2027-10-30T00:30:00Z", "2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"])));
}

#[test]
fn a_first_start_at_the_later_instant_of_a_fold_stays_itself() {
    // New York shows 01:30 twice on 2027-11-07: 05:30Z (EDT) and 06:30Z (EST).
    let got = expand("FREQ=DAILY;COUNT=2", "2027-11-07T06:30:00Z", "America/New_York");
    assert_eq!(got, Ok(at(&["2027-11-07T06:30:00Z", "2027-11-08T06:30:00Z"])));
    let weekly = expand("FREQ=WEEKLY;COUNT=2", "2027-10-31T05:30:00Z", "America/New_York");
    assert_eq!(weekly, Ok(at(&["2027-10-31T05:30:00Z", "2027-11-07T05:30:00Z"])));
}

#[test]
fn occurrences_never_come_before_the_first_start() {
    let first = utc("2027-01-06T10:00:00Z");
    let rule = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO,WE,SU;COUNT=6").expect("rule");
    let got = rule.occurrences(first, zone("Australia/Sydney")).expect("occurrences");
    assert_eq!(got.first(), Some(&Occurrence::At(first)));
    assert!(got.iter().all(|o| matches!(o, Occurrence::At(t) if *t >= first)));
    assert_eq!(got.len(), 6);
    assert_eq!(got[5], Occurrence::At(first + TimeDelta::days(12)));
}
