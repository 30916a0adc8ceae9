//! The in-process login throttle: each counting and locking rule of the `LoginThrottle` port,
//! with instants passed to the methods (no sleeps).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use std::net::IpAddr;

use adapters_redis::memory::{CONSECUTIVE_IDLE_TTL, MemoryLoginThrottle};
use chrono::{DateTime, TimeDelta, Utc};
use domain::accounts::{FailureCounts, LoginThrottle, ThrottleScope};

const LOGIN: ThrottleScope = ThrottleScope::Login;
const EMAIL: &str = "ada@example.com";

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().with_timezone(&Utc)
}

fn minutes(n: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(n)
}

fn ip(last: u8) -> Option<IpAddr> {
    Some(IpAddr::from([192, 0, 2, last]))
}

fn counts(consecutive_from_ip: u32, last_hour_all_ips: u32) -> FailureCounts {
    FailureCounts { consecutive_from_ip, last_hour_all_ips }
}

async fn fail(
    t: &MemoryLoginThrottle,
    scope: ThrottleScope,
    email: &str,
    ip: Option<IpAddr>,
    at: DateTime<Utc>,
) -> FailureCounts {
    t.record_failure(scope, email, ip, at).await.unwrap()
}

#[tokio::test]
async fn consecutive_failures_count_per_ip_and_the_hour_counts_across_ips() {
    let t = MemoryLoginThrottle::new();
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), minutes(0)).await, counts(1, 1));
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), minutes(1)).await, counts(2, 2));
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(2), minutes(2)).await, counts(1, 3));
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), minutes(3)).await, counts(3, 4));
    assert_eq!(fail(&t, LOGIN, EMAIL, None, minutes(4)).await, counts(1, 5), "an unknown IP is its own key");
}

#[tokio::test]
async fn emails_and_scopes_are_counted_apart() {
    let t = MemoryLoginThrottle::new();
    fail(&t, LOGIN, EMAIL, ip(1), minutes(0)).await;
    fail(&t, LOGIN, EMAIL, ip(1), minutes(1)).await;
    assert_eq!(fail(&t, ThrottleScope::PasswordReset, EMAIL, ip(1), minutes(2)).await, counts(1, 1));
    assert_eq!(fail(&t, ThrottleScope::EmailVerification, EMAIL, ip(1), minutes(2)).await, counts(1, 1));
    assert_eq!(fail(&t, LOGIN, "grace@example.com", ip(1), minutes(2)).await, counts(1, 1));
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), minutes(3)).await, counts(3, 3));
}

#[tokio::test]
async fn the_hourly_count_slides() {
    let t = MemoryLoginThrottle::new();
    fail(&t, LOGIN, EMAIL, ip(1), minutes(0)).await;
    fail(&t, LOGIN, EMAIL, ip(2), minutes(30)).await;
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(3), minutes(59)).await.last_hour_all_ips, 3);
    // At 60 minutes the first failure is an hour old and no longer counts.
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(3), minutes(60)).await.last_hour_all_ips, 3);
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(3), minutes(95)).await, counts(3, 3), "30 left; 59, 60 and 95 in");
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), minutes(300)).await, counts(2, 1), "consecutive has no window");
}

#[tokio::test]
async fn reset_clears_only_the_consecutive_counter_of_that_ip() {
    let t = MemoryLoginThrottle::new();
    fail(&t, LOGIN, EMAIL, ip(1), minutes(0)).await;
    fail(&t, LOGIN, EMAIL, ip(1), minutes(1)).await;
    fail(&t, LOGIN, EMAIL, ip(2), minutes(2)).await;
    t.reset(LOGIN, EMAIL, ip(1)).await.unwrap();
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), minutes(3)).await, counts(1, 4), "hourly count kept");
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(2), minutes(4)).await, counts(2, 5), "other IP untouched");
    t.reset(ThrottleScope::PasswordReset, EMAIL, ip(2)).await.unwrap();
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(2), minutes(5)).await.consecutive_from_ip, 3, "other scope untouched");
}

#[tokio::test]
async fn an_ip_lock_holds_for_that_ip_only_until_its_end() {
    let t = MemoryLoginThrottle::new();
    t.lock(LOGIN, EMAIL, ip(1), minutes(15)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(1), minutes(0)).await.unwrap(), Some(minutes(15)));
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(2), minutes(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(LOGIN, EMAIL, None, minutes(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(ThrottleScope::PasswordReset, EMAIL, ip(1), minutes(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(LOGIN, "grace@example.com", ip(1), minutes(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(1), minutes(15)).await.unwrap(), None, "over at its end");
    assert_eq!(t.entries(), 0, "the expired lock was removed when read");
}

#[tokio::test]
async fn an_every_ip_lock_holds_for_every_ip() {
    let t = MemoryLoginThrottle::new();
    t.lock(LOGIN, EMAIL, None, minutes(15)).await.unwrap();
    for who in [ip(1), ip(2), None] {
        assert_eq!(t.locked_until(LOGIN, EMAIL, who, minutes(14)).await.unwrap(), Some(minutes(15)));
    }
    for who in [ip(1), ip(2), None] {
        assert_eq!(t.locked_until(LOGIN, EMAIL, who, minutes(15)).await.unwrap(), None);
    }
    assert_eq!(t.locked_until(ThrottleScope::EmailVerification, EMAIL, ip(1), minutes(0)).await.unwrap(), None);
}

#[tokio::test]
async fn the_later_of_both_locks_in_force_wins() {
    let t = MemoryLoginThrottle::new();
    t.lock(LOGIN, EMAIL, ip(1), minutes(30)).await.unwrap();
    t.lock(LOGIN, EMAIL, None, minutes(15)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(1), minutes(0)).await.unwrap(), Some(minutes(30)));
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(2), minutes(0)).await.unwrap(), Some(minutes(15)));
    t.lock(LOGIN, EMAIL, None, minutes(45)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(1), minutes(20)).await.unwrap(), Some(minutes(45)));
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(1), minutes(45)).await.unwrap(), None);
}

#[tokio::test]
async fn a_shorter_lock_never_shortens_one_in_place() {
    let t = MemoryLoginThrottle::new();
    t.lock(LOGIN, EMAIL, ip(1), minutes(30)).await.unwrap();
    t.lock(LOGIN, EMAIL, ip(1), minutes(10)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, EMAIL, ip(1), minutes(0)).await.unwrap(), Some(minutes(30)));
}

#[tokio::test]
async fn an_idle_consecutive_counter_is_forgotten() {
    let t = MemoryLoginThrottle::new();
    fail(&t, LOGIN, EMAIL, ip(1), t0()).await;
    fail(&t, LOGIN, EMAIL, ip(1), t0()).await;
    let later = t0() + CONSECUTIVE_IDLE_TTL;
    assert_eq!(fail(&t, LOGIN, EMAIL, ip(1), later).await, counts(1, 1));
}

#[tokio::test]
async fn stale_entries_of_other_emails_are_swept() {
    let t = MemoryLoginThrottle::new();
    for n in 0..500 {
        let email = format!("user{n}@example.com");
        fail(&t, LOGIN, &email, ip(1), t0()).await;
        t.lock(LOGIN, &email, ip(1), minutes(15)).await.unwrap();
    }
    assert_eq!(t.entries(), 1500, "a counter, a window and a lock for each");
    let later = t0() + CONSECUTIVE_IDLE_TTL;
    for _ in 0..1100 {
        fail(&t, LOGIN, EMAIL, ip(1), later).await;
    }
    assert_eq!(t.entries(), 2, "only the counter and window of the live email remain");
    assert_eq!(format!("{t:?}"), "MemoryLoginThrottle { entries: 2, .. }");
}
