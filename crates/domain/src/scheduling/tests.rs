//! Slot search against a brute-force oracle, and the grid across DST and offset zones.

use chrono::{DateTime, TimeDelta, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::availability::{Availability, RawAvailability, RawWeeklyHours};
use crate::shared::{Interval, TimeZoneId, UserId};
use crate::tenancy::{OrgSettings, OrgSettingsPatch, RawSettings};

pub(super) const ZONES: [&str; 5] = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"];

pub(super) fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 27, 0, 0, 0).unwrap() // the weekend Europe moves to summer time
}

pub(super) fn at(min: i64) -> DateTime<Utc> {
    base() + TimeDelta::minutes(min)
}

pub(super) fn uid(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

pub(super) fn settings(step: i64, buffer: i64, notice: i64) -> OrgSettings {
    let raw = RawSettings {
        slot_step_minutes: Some(step),
        buffer_minutes: Some(buffer),
        min_notice_minutes: Some(notice),
        ..RawSettings::default()
    };
    OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).unwrap())
}

/// The definition, checked minute by minute with no cleverness.
pub(super) fn oracle(
    window: (DateTime<Utc>, DateTime<Utc>),
    duration: i64,
    s: &OrgSettings,
    zone: TimeZoneId,
    now: DateTime<Utc>,
    tas: &[(UserId, Vec<Interval>, Vec<Interval>)],
) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut t = window.0;
    while t < window.1 {
        let local = zone.local(t);
        let minute_of_day = local.hour() * 60 + local.minute();
        let on_grid = local.second() == 0 && minute_of_day.is_multiple_of(s.slot_step_minutes());
        let in_window = t >= now + TimeDelta::minutes(i64::from(s.min_notice_minutes()))
            && t <= now + TimeDelta::days(i64::from(s.max_advance_days()));
        if on_grid && in_window {
            let session = Interval::new(t, t + TimeDelta::minutes(duration)).unwrap();
            let pad = TimeDelta::minutes(i64::from(s.buffer_minutes()));
            let mut ta_ids: Vec<UserId> = tas
                .iter()
                .filter(|(_, avail, busy)| {
                    let mut m = session.start();
                    let mut covered = true;
                    while m < session.end() {
                        covered &= avail.iter().any(|a| a.contains_instant(m));
                        m += TimeDelta::minutes(1);
                    }
                    covered && !busy.iter().any(|b| b.overlaps(&session.padded(pad)))
                })
                .map(|(id, _, _)| *id)
                .collect();
            ta_ids.sort();
            if !ta_ids.is_empty() {
                out.push(Slot { starts_at: t, ends_at: session.end(), ta_ids });
            }
        }
        t += TimeDelta::minutes(1);
    }
    out
}

pub(super) fn intervals(raw: &[(i64, i64)]) -> Vec<Interval> {
    raw.iter().map(|&(s, l)| Interval::new(at(s), at(s + l)).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn slot_search_matches_the_brute_force_oracle(
        zone in prop::sample::select(ZONES.to_vec()),
        step in prop::sample::select(vec![5i64, 10, 15, 20, 30, 60]),
        duration in prop::sample::select(vec![15i64, 30, 45, 60, 120]),
        buffer in prop::sample::select(vec![0i64, 5, 15, 30]),
        notice in prop::sample::select(vec![0i64, 60, 600]),
        window_start in 0i64..2000,
        window_len in 1i64..3000,
        now_offset in -600i64..1200,
        tas in prop::collection::vec(
            (prop::collection::vec((0i64..5000, 15i64..600), 0..5), prop::collection::vec((0i64..5000, 15i64..120), 0..5)),
            1..4,
        ),
    ) {
        let zone = TimeZoneId::parse(zone).unwrap();
        let s = settings(step, buffer, notice);
        let now = at(now_offset);
        let (from, to) = (at(window_start), at(window_start + window_len));
        let inputs: Vec<(UserId, Vec<Interval>, Vec<Interval>)> = tas
            .iter()
            .enumerate()
            .map(|(i, (a, b))| (uid(i as u128 + 1), intervals(a), intervals(b)))
            .collect();
        let calendars: Vec<TaCalendar> =
            inputs.iter().map(|(id, a, b)| TaCalendar::new(*id, a.clone(), b.clone())).collect();
        let query = SlotQuery::new(from, to, duration, None).unwrap();
        let fast = find_slots(&query, &s, zone, now, &calendars);
        prop_assert_eq!(fast, oracle((from, to), duration, &s, zone, now, &inputs));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Anything that caches a search (or a page of it) for as long as `slots_stable_until`
    /// allows serves what a fresh search would find at any instant before it.
    #[test]
    fn slots_stay_the_same_until_the_instant_given(
        limit in prop::sample::select(vec![1usize, 3, 10, usize::MAX]),
        step in prop::sample::select(vec![15i64, 30, 60]),
        notice in prop::sample::select(vec![0i64, 60, 600]),
        advance_days in prop::sample::select(vec![1i64, 2, 90]),
        window_start in 0i64..4000,
        window_len in 1i64..3000,
        busy in prop::collection::vec((0i64..7000, 15i64..120), 0..5),
        later in 0.0f64..1.0,
    ) {
        let zone = TimeZoneId::parse("Europe/Berlin").unwrap();
        let raw = RawSettings {
            slot_step_minutes: Some(step),
            min_notice_minutes: Some(notice),
            max_advance_days: Some(advance_days),
            ..RawSettings::default()
        };
        let s = OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).unwrap());
        let now = at(0);
        let calendars = [TaCalendar::new(uid(1), intervals(&[(-600, 9000)]), intervals(&busy))];
        let query = SlotQuery::new(at(window_start), at(window_start + window_len), 60, None).unwrap();
        let page = find_slot_page(&query, &s, zone, now, &calendars, limit);
        match slots_stable_until(&query, &s, zone, now, &page.slots) {
            None => {
                let far = now + TimeDelta::days(400);
                prop_assert_eq!(find_slot_page(&query, &s, zone, far, &calendars, limit), page);
            }
            Some(until) => {
                prop_assert!(until >= now, "the slots found now hold now");
                let last = until - TimeDelta::seconds(1);
                let between = now + (last - now).max(TimeDelta::zero()) / 1000 * (later * 1000.0) as i32;
                for t in [between, last.max(now)] {
                    prop_assert_eq!(&find_slot_page(&query, &s, zone, t, &calendars, limit), &page);
                }
            }
        }
    }
}

#[test]
fn the_earliest_slot_leaves_the_search_when_its_notice_passes() {
    let zone = TimeZoneId::parse("UTC").unwrap();
    let s = settings(60, 0, 60);
    let calendars = [TaCalendar::new(uid(1), intervals(&[(0, 600)]), vec![])];
    let query = SlotQuery::new(at(0), at(600), 60, None).unwrap();
    let now = at(-30);
    let slots = find_slots(&query, &s, zone, now, &calendars);
    assert_eq!(slots[0].starts_at, at(60), "the 00:00 start is 30 minutes away: under the hour of notice");
    let until = slots_stable_until(&query, &s, zone, now, &slots).unwrap();
    assert_eq!(until, at(0), "the 01:00 start is an hour away then: a moment later it is too soon");
    let after = find_slots(&query, &s, zone, until + TimeDelta::seconds(1), &calendars);
    assert_ne!(after[0].starts_at, slots[0].starts_at);
}

#[test]
fn queries_are_validated() {
    let errors = SlotQuery::new(at(10), at(10), 60, None).unwrap_err();
    assert!(errors.has("to"));
    let errors = SlotQuery::new(at(0), at(0) + TimeDelta::days(31) + TimeDelta::minutes(1), 50, None).unwrap_err();
    assert!(errors.has("to") && errors.has("durationMinutes"));
    assert!(SlotQuery::new(at(0), at(0) + TimeDelta::days(31), 60, None).is_ok());
}

#[test]
fn calendar_span_covers_the_last_session_and_the_buffer() {
    let q = SlotQuery::new(at(0), at(600), 60, None).unwrap();
    let span = q.calendar_span(TimeDelta::minutes(15)).unwrap();
    assert_eq!(span.start(), at(-15));
    assert_eq!(span.end(), at(675));
}

fn nine_to_five(zone: &str) -> Availability {
    let raw = RawAvailability {
        timezone: zone.into(),
        weekly: (1..=7).map(|d| RawWeeklyHours { weekday: d, start: "09:00".into(), end: "17:00".into() }).collect(),
        overrides: vec![],
    };
    Availability::parse(uid(1), &raw).unwrap()
}

fn first_slot_each_day(zone: &str, from: DateTime<Utc>, days: i64, step: i64) -> Vec<DateTime<Utc>> {
    let tz = TimeZoneId::parse(zone).unwrap();
    let availability = nine_to_five(zone);
    let to = from + TimeDelta::days(days);
    let calendar = TaCalendar::new(uid(1), availability.blocks_between(from, to + TimeDelta::hours(4)), vec![]);
    let query = SlotQuery::new(from, to, 60, None).unwrap();
    let slots = find_slots(&query, &settings(step, 0, 0), tz, from - TimeDelta::days(1), &[calendar]);
    let mut firsts: Vec<DateTime<Utc>> = Vec::new();
    for slot in slots {
        if firsts.last().is_none_or(|l| tz.local_date(*l) != tz.local_date(slot.starts_at)) {
            firsts.push(slot.starts_at);
        }
    }
    firsts
}

#[test]
fn berlin_slots_keep_local_hours_across_spring_forward() {
    let from = Utc.with_ymd_and_hms(2026, 3, 28, 0, 0, 0).unwrap();
    let firsts = first_slot_each_day("Europe/Berlin", from, 2, 30);
    assert_eq!(
        firsts,
        vec![
            Utc.with_ymd_and_hms(2026, 3, 28, 8, 0, 0).unwrap(), // 09:00 CET
            Utc.with_ymd_and_hms(2026, 3, 29, 7, 0, 0).unwrap(), // 09:00 CEST
        ]
    );
}

#[test]
fn new_york_slots_keep_local_hours_across_fall_back() {
    let from = Utc.with_ymd_and_hms(2026, 10, 31, 4, 0, 0).unwrap();
    let firsts = first_slot_each_day("America/New_York", from, 2, 30);
    assert_eq!(
        firsts,
        vec![
            Utc.with_ymd_and_hms(2026, 10, 31, 13, 0, 0).unwrap(), // 09:00 EDT
            Utc.with_ymd_and_hms(2026, 11, 1, 14, 0, 0).unwrap(),  // 09:00 EST
        ]
    );
}

#[test]
fn kolkata_grid_is_on_local_hours() {
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let firsts = first_slot_each_day("Asia/Kolkata", from, 1, 60);
    // 09:00 IST is 03:30Z: an hourly grid in UTC would have missed it.
    assert_eq!(firsts[0], Utc.with_ymd_and_hms(2026, 12, 1, 3, 30, 0).unwrap());
}

#[test]
fn the_grid_repeats_folded_local_times_and_skips_gapped_ones() {
    let ny = TimeZoneId::parse("America/New_York").unwrap();
    // 2026-11-01: 01:00–02:00 local happens twice.
    let fold = Interval::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 4, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
    )
    .unwrap();
    let starts = grid_starts(&fold, 60, ny);
    // 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST
    assert_eq!(starts.len(), 4);
    let berlin = TimeZoneId::parse("Europe/Berlin").unwrap();
    // 2026-03-29: 02:00–03:00 local does not happen.
    let gap = Interval::new(
        Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 29, 3, 0, 0).unwrap(),
    )
    .unwrap();
    let local_hours: Vec<u32> = grid_starts(&gap, 60, berlin).iter().map(|t| berlin.local(*t).hour()).collect();
    assert_eq!(local_hours, vec![0, 1, 3, 4]);
}

#[test]
fn busy_tas_drop_out_and_slots_list_free_tas_sorted() {
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let day = Interval::new(from, from + TimeDelta::hours(8)).unwrap();
    let busy = Interval::new(from, from + TimeDelta::hours(1)).unwrap();
    let calendars = vec![TaCalendar::new(uid(2), vec![day], vec![]), TaCalendar::new(uid(1), vec![day], vec![busy])];
    let query = SlotQuery::new(from, from + TimeDelta::hours(2), 60, None).unwrap();
    let slots = find_slots(&query, &settings(60, 0, 0), TimeZoneId::UTC, from - TimeDelta::days(1), &calendars);
    assert_eq!(slots.len(), 2);
    assert_eq!(slots[0].ta_ids, vec![uid(2)]);
    assert_eq!(slots[1].ta_ids, vec![uid(1), uid(2)]);
}
