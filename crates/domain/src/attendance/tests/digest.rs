//! `AttendanceService::queue_digests`: from 07:00 in the organization's time zone, one email
//! a day to each TA with sessions waiting for marks, listing the 20 oldest and counting all.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

use crate::attendance::{AttendanceService, DIGEST_HOUR};
use crate::booking::Booking;
use crate::fixtures::*;
use crate::notifications::{DIGEST_LISTED_SESSIONS, EmailKind, EmailPayload};
use crate::shared::TimeZoneId;
use crate::test_world::{Harness, World, harness_at};

fn utc(d: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, s).unwrap()
}

/// `count` sessions of `ta` ended on 2026-11-25, an hour apart from 00:00Z.
fn sessions(first: u128, ta: u128, count: u32) -> Vec<Booking> {
    (0..count)
        .map(|i| {
            let start = utc(25, 0, 0, 0) + TimeDelta::hours(i64::from(i));
            individual(first + u128::from(i), ta, STUDENT_1, interval(start, 60))
        })
        .collect()
}

/// An organization in `zone` where TA 1 has `count` sessions waiting.
fn world_in(zone: &str, count: u32) -> World {
    let mut world = World::standard();
    world.org.timezone = TimeZoneId::parse(zone).unwrap();
    world.bookings = sessions(500, TA_1, count);
    world
}

async fn queue(world: World, at: DateTime<Utc>) -> (u32, Harness) {
    let h = harness_at(world, at);
    let queued = AttendanceService::new(h.core.clone()).queue_digests().await.unwrap();
    (queued, h)
}

fn digest_to(h: &Harness, email: &str) -> (u32, Vec<DateTime<Utc>>, Vec<String>) {
    let w = h.written();
    let message = w.outbox.iter().find(|m| m.recipient.as_str() == email).expect("a digest");
    let EmailPayload::AttendanceDigest { total, sessions, .. } = &message.payload else { panic!("not a digest") };
    (*total, sessions.iter().map(|s| s.0).collect(), sessions.iter().map(|s| s.2.clone()).collect())
}

#[tokio::test]
async fn nothing_goes_out_before_seven_in_the_organizations_time_zone() {
    assert_eq!(DIGEST_HOUR, 7);
    // New York is UTC-5 in December: 11:59:59Z is 06:59:59 there, 12:00Z is 07:00.
    let (queued, h) =
        queue(world_in("America/New_York", 1), Utc.with_ymd_and_hms(2026, 12, 1, 11, 59, 59).unwrap()).await;
    assert_eq!(queued, 0);
    assert!(h.written().is_empty());
    assert_eq!(h.store.begun(), 0);
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
    let (queued, h) = queue(world_in("America/New_York", 1), at).await;
    assert_eq!(queued, 1);
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(h.written().digests, [(user_id(TA_1), date, at)]);
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn the_digest_is_of_the_local_day() {
    // Tokyo is UTC+9: 22:00Z on 30 November is 07:00 on 1 December there.
    let (queued, _) = queue(world_in("Asia/Tokyo", 1), utc(30, 21, 59, 59)).await;
    assert_eq!(queued, 0);
    let (queued, h) = queue(world_in("Asia/Tokyo", 1), utc(30, 22, 0, 0)).await;
    assert_eq!(queued, 1);
    assert_eq!(h.written().digests[0].1, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
}

#[tokio::test]
async fn a_ta_gets_one_digest_a_day() {
    let mut world = world_in("UTC", 2);
    world.digests.push((user_id(TA_1), now().date_naive()));
    let (queued, h) = queue(world, now()).await;
    assert_eq!(queued, 0);
    assert!(h.written().outbox.is_empty());
    assert_eq!(h.commits(), 0);
}

#[tokio::test]
async fn each_ta_gets_one_email_listing_the_oldest_twenty_and_counting_all() {
    let mut world = world_in("UTC", 25);
    world.bookings.extend(sessions(600, TA_2, 1));
    let (queued, h) = queue(world, now()).await;
    assert_eq!(queued, 2);
    assert_eq!(h.written().emails(EmailKind::AttendanceDigest).len(), 2);
    let (total, starts, titles) = digest_to(&h, "user11@example.com");
    assert_eq!(total, 25);
    assert_eq!(starts.len(), DIGEST_LISTED_SESSIONS);
    let oldest: Vec<_> = (0..20).map(|i| utc(25, 0, 0, 0) + TimeDelta::hours(i)).collect();
    assert_eq!(starts, oldest);
    assert!(titles.iter().all(|t| t == "Algebra"));
    assert_eq!(digest_to(&h, "user12@example.com").0, 1);
    assert_eq!(h.commits(), 2);
}

#[tokio::test]
async fn tas_of_unknown_organizations_or_no_longer_users_are_skipped() {
    let mut world = world_in("UTC", 1);
    let mut elsewhere = sessions(700, TA_2, 1);
    elsewhere[0].organization_id = id(OTHER_ORG);
    world.bookings.extend(elsewhere);
    world.bookings.extend(sessions(800, 6, 1));
    let (queued, h) = queue(world, now()).await;
    assert_eq!(queued, 1);
    assert_eq!(h.written().emails(EmailKind::AttendanceDigest), ["user11@example.com"]);
}

#[tokio::test]
async fn a_session_of_an_unknown_course_is_listed_without_a_title() {
    let mut world = world_in("UTC", 1);
    world.courses.clear();
    let (queued, h) = queue(world, now()).await;
    assert_eq!(queued, 1);
    assert_eq!(digest_to(&h, "user11@example.com").2, [String::new()]);
}
