//! The pure rules of a series: each occurrence's verdict in the contract's order, the choice
//! of the series' TA, and the credits a bundle has for it.

use chrono::{TimeDelta, TimeZone, Utc};

use super::Occurrence;
use super::plan::{Context, Planned, choose_series_ta, verdict, within_credits};
use crate::fixtures::{bundle, id, iv, now};
use crate::scheduling::TaCalendar;
use crate::shared::{ErrorCode, Interval, UserId};
use crate::tenancy::{OrgSettings, OrgSettingsPatch, RawSettings};

fn uid(n: u128) -> UserId {
    id(n)
}

/// 2026-12-01 08:00 UTC ("now") plus `minutes`.
fn planned(minutes: i64) -> Planned {
    let start = now() + TimeDelta::minutes(minutes);
    Planned { starts_at: start, interval: Some(Interval::starting_at(start, TimeDelta::minutes(60)).unwrap()) }
}

fn open_calendar(busy: Vec<Interval>) -> TaCalendar {
    TaCalendar::new(uid(1), vec![Interval::new(now(), now() + TimeDelta::days(200)).unwrap()], busy)
}

fn settings(buffer: i64) -> OrgSettings {
    let raw = RawSettings { buffer_minutes: Some(buffer), ..RawSettings::default() };
    OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).unwrap())
}

#[test]
fn an_occurrence_passes_every_rule_or_fails_with_the_first_in_the_contracts_order() {
    let s = settings(0);
    let cx = Context { now: now(), settings: &s, student_busy: &[], bundle: None };
    let free = open_calendar(vec![]);
    assert_eq!(verdict(&planned(120), &free, &cx), Ok(planned(120).interval.unwrap()));
    // Inside the hour of notice, then beyond the 90-day horizon.
    assert_eq!(verdict(&planned(59), &free, &cx), Err(ErrorCode::BookingTooSoon));
    assert_eq!(verdict(&planned(60), &free, &cx).map(|_| ()), Ok(()));
    let horizon = 90 * 24 * 60;
    assert_eq!(verdict(&planned(horizon), &free, &cx).map(|_| ()), Ok(()));
    assert_eq!(verdict(&planned(horizon + 1), &free, &cx), Err(ErrorCode::BookingTooFarAhead));
    // The TA's hours, then the TA's sessions.
    let closed = TaCalendar::new(uid(1), vec![], vec![]);
    assert_eq!(verdict(&planned(120), &closed, &cx), Err(ErrorCode::OutsideTaAvailability));
    let gap = Planned { starts_at: now() + TimeDelta::hours(2), interval: None };
    assert_eq!(verdict(&gap, &free, &cx), Err(ErrorCode::OutsideTaAvailability), "a DST gap");
    let busy = open_calendar(vec![planned(150).interval.unwrap()]);
    assert_eq!(verdict(&planned(120), &busy, &cx), Err(ErrorCode::TaUnavailable));
    assert_eq!(verdict(&planned(120), &open_calendar(vec![planned(180).interval.unwrap()]), &cx).map(|_| ()), Ok(()));
    // The buffer keeps the TA's sessions apart.
    let buffered = settings(15);
    let cx_buffer =
        Context { settings: &buffered, ..Context { now: now(), settings: &s, student_busy: &[], bundle: None } };
    let next = open_calendar(vec![planned(190).interval.unwrap()]);
    assert_eq!(verdict(&planned(120), &next, &cx_buffer), Err(ErrorCode::TaUnavailable));
    assert_eq!(verdict(&planned(120), &next, &cx).map(|_| ()), Ok(()));
    // The student's own sessions, then the bundle's dates.
    let student = [planned(150).interval.unwrap()];
    let cx_student = Context { now: now(), settings: &s, student_busy: &student, bundle: None };
    assert_eq!(verdict(&planned(120), &free, &cx_student), Err(ErrorCode::StudentUnavailable));
    assert_eq!(verdict(&planned(210), &free, &cx_student).map(|_| ()), Ok(()), "touching");
    let mut short = bundle(100, 13);
    short.valid_to = now() + TimeDelta::hours(3);
    let cx_bundle = Context { now: now(), settings: &s, student_busy: &[], bundle: Some(&short) };
    assert_eq!(verdict(&planned(120), &free, &cx_bundle).map(|_| ()), Ok(()));
    assert_eq!(verdict(&planned(180), &free, &cx_bundle), Err(ErrorCode::BundleExpired));
    // Order: the window before the TA, the TA before the student, the student before the bundle.
    let all = Context { now: now(), settings: &s, student_busy: &student, bundle: Some(&short) };
    assert_eq!(verdict(&planned(10), &closed, &all), Err(ErrorCode::BookingTooSoon));
    assert_eq!(verdict(&planned(120), &closed, &all), Err(ErrorCode::OutsideTaAvailability));
    assert_eq!(verdict(&planned(120), &busy, &all), Err(ErrorCode::TaUnavailable));
    let late =
        Context { now: now(), settings: &s, student_busy: &[planned(240).interval.unwrap()], bundle: Some(&short) };
    assert_eq!(verdict(&planned(240), &free, &late), Err(ErrorCode::StudentUnavailable));
}

#[test]
fn a_gap_occurrence_is_shown_at_the_instant_its_label_gives() {
    let local = chrono::NaiveDate::from_ymd_opt(2027, 3, 28).unwrap().and_hms_opt(2, 30, 0).unwrap();
    let label = Utc.with_ymd_and_hms(2027, 3, 28, 1, 0, 0).unwrap();
    let gap = Planned::new(Occurrence::Gap(local), TimeDelta::minutes(60), |_| label);
    assert_eq!(gap, Planned { starts_at: label, interval: None });
    let at = Planned::new(Occurrence::At(label), TimeDelta::minutes(45), |_| unreachable!());
    assert_eq!(at.interval, Some(Interval::new(label, label + TimeDelta::minutes(45)).unwrap()));
}

#[test]
fn the_series_ta_is_free_most_often_then_least_loaded_then_smallest_id() {
    assert_eq!(choose_series_ta([(uid(3), 5, 9), (uid(2), 4, 0), (uid(1), 5, 9)]), Some(uid(1)));
    assert_eq!(choose_series_ta([(uid(1), 5, 9), (uid(2), 5, 8)]), Some(uid(2)), "least loaded");
    assert_eq!(choose_series_ta([(uid(1), 2, 0), (uid(2), 3, 7)]), Some(uid(2)), "free most often first");
    assert_eq!(choose_series_ta([(uid(1), 0, 0), (uid(2), 0, 0)]), None, "free at no occurrence");
    assert_eq!(choose_series_ta([(uid(1), 0, 0), (uid(2), 1, 50)]), Some(uid(2)));
    assert_eq!(choose_series_ta(Vec::new()), None);
}

#[test]
fn a_bundle_pays_for_the_first_passing_occurrences_it_has_credits_for() {
    let ok = |n: i64| Ok(iv(n, n + 60));
    let verdicts = vec![ok(0), Err(ErrorCode::TaUnavailable), ok(100), ok(200)];
    assert_eq!(within_credits(verdicts.clone(), None), verdicts, "no bundle: nothing changes");
    assert_eq!(within_credits(verdicts.clone(), Some(3)), verdicts);
    assert_eq!(
        within_credits(verdicts.clone(), Some(2)),
        vec![ok(0), Err(ErrorCode::TaUnavailable), ok(100), Err(ErrorCode::BundleExhausted)]
    );
    assert_eq!(
        within_credits(verdicts, Some(0)),
        vec![
            Err(ErrorCode::BundleExhausted),
            Err(ErrorCode::TaUnavailable),
            Err(ErrorCode::BundleExhausted),
            Err(ErrorCode::BundleExhausted)
        ]
    );
}
