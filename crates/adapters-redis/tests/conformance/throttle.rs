//! Login throttle conformance: each counting and locking rule of the `LoginThrottle` port,
//! with instants passed to the methods (no sleeps), relative to `t0`.
//!
//! Run against Redis, `t0` must be close to the real now: locks also expire on Redis's clock.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use domain::accounts::{FailureCounts, LoginThrottle, ThrottleScope, ThrottleSubject};
use domain::shared::Email;
use domain::tenancy::Slug;

const LOGIN: ThrottleScope = ThrottleScope::Login;

/// `email` at the academy `slug`.
pub fn subject(slug: &str, email: &str) -> ThrottleSubject {
    ThrottleSubject::new(&Slug::parse(slug).unwrap(), &Email::parse(email).unwrap())
}

/// The subject most tests count: Ada at Acme.
fn ada() -> ThrottleSubject {
    subject("acme", "ada@example.com")
}

fn minutes(t0: DateTime<Utc>, n: i64) -> DateTime<Utc> {
    t0 + TimeDelta::minutes(n)
}

fn ip(last: u8) -> Option<IpAddr> {
    Some(IpAddr::from([192, 0, 2, last]))
}

fn counts(consecutive_from_ip: u32, last_hour_all_ips: u32) -> FailureCounts {
    FailureCounts { consecutive_from_ip, last_hour_all_ips }
}

async fn fail(
    t: &dyn LoginThrottle,
    scope: ThrottleScope,
    subject: &ThrottleSubject,
    ip: Option<IpAddr>,
    at: DateTime<Utc>,
) -> FailureCounts {
    t.record_failure(scope, subject, ip, at).await.unwrap()
}

pub async fn consecutive_failures_count_per_ip_and_the_hour_counts_across_ips(
    t: &dyn LoginThrottle,
    t0: DateTime<Utc>,
) {
    let m = |n| minutes(t0, n);
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(0)).await, counts(1, 1));
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(1)).await, counts(2, 2));
    assert_eq!(fail(t, LOGIN, &ada(), ip(2), m(2)).await, counts(1, 3));
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(3)).await, counts(3, 4));
    assert_eq!(fail(t, LOGIN, &ada(), None, m(4)).await, counts(1, 5), "an unknown IP is its own key");
    let v6 = Some(IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
    assert_eq!(fail(t, LOGIN, &ada(), v6, m(5)).await, counts(1, 6), "an IPv6 address");
}

pub async fn emails_and_scopes_are_counted_apart(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    fail(t, LOGIN, &ada(), ip(1), m(0)).await;
    fail(t, LOGIN, &ada(), ip(1), m(1)).await;
    assert_eq!(fail(t, ThrottleScope::PasswordReset, &ada(), ip(1), m(2)).await, counts(1, 1));
    assert_eq!(fail(t, ThrottleScope::EmailVerification, &ada(), ip(1), m(2)).await, counts(1, 1));
    assert_eq!(fail(t, LOGIN, &subject("acme", "grace@example.com"), ip(1), m(2)).await, counts(1, 1));
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(3)).await, counts(3, 3));
}

pub async fn one_email_at_two_academies_is_counted_and_locked_apart(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    let elsewhere = subject("globex", "ada@example.com");
    fail(t, LOGIN, &ada(), ip(1), m(0)).await;
    fail(t, LOGIN, &ada(), ip(1), m(1)).await;
    assert_eq!(fail(t, LOGIN, &elsewhere, ip(1), m(2)).await, counts(1, 1), "its own counters");
    t.lock(LOGIN, &ada(), ip(1), m(15)).await.unwrap();
    t.lock(LOGIN, &ada(), None, m(15)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(3)).await.unwrap(), Some(m(15)));
    assert_eq!(t.locked_until(LOGIN, &elsewhere, ip(1), m(3)).await.unwrap(), None, "not locked by the other");
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(4)).await, counts(3, 3));
}

pub async fn the_hourly_count_slides(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    fail(t, LOGIN, &ada(), ip(1), m(0)).await;
    fail(t, LOGIN, &ada(), ip(2), m(30)).await;
    assert_eq!(fail(t, LOGIN, &ada(), ip(3), m(59)).await.last_hour_all_ips, 3);
    // At 60 minutes the first failure is an hour old and no longer counts.
    assert_eq!(fail(t, LOGIN, &ada(), ip(3), m(60)).await.last_hour_all_ips, 3);
    assert_eq!(fail(t, LOGIN, &ada(), ip(3), m(95)).await, counts(3, 3), "30 left; 59, 60 and 95 in");
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(300)).await, counts(2, 1), "consecutive has no window");
}

pub async fn reset_clears_only_the_consecutive_counter_of_that_ip(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    fail(t, LOGIN, &ada(), ip(1), m(0)).await;
    fail(t, LOGIN, &ada(), ip(1), m(1)).await;
    fail(t, LOGIN, &ada(), ip(2), m(2)).await;
    t.reset(LOGIN, &ada(), ip(1)).await.unwrap();
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), m(3)).await, counts(1, 4), "hourly count kept");
    assert_eq!(fail(t, LOGIN, &ada(), ip(2), m(4)).await, counts(2, 5), "other IP untouched");
    t.reset(ThrottleScope::PasswordReset, &ada(), ip(2)).await.unwrap();
    assert_eq!(fail(t, LOGIN, &ada(), ip(2), m(5)).await.consecutive_from_ip, 3, "other scope untouched");
}

pub async fn an_ip_lock_holds_for_that_ip_only_until_its_end(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    t.lock(LOGIN, &ada(), ip(1), m(15)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(0)).await.unwrap(), Some(m(15)));
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(2), m(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(LOGIN, &ada(), None, m(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(ThrottleScope::PasswordReset, &ada(), ip(1), m(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(LOGIN, &subject("acme", "grace@example.com"), ip(1), m(0)).await.unwrap(), None);
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(15)).await.unwrap(), None, "over at its end");
}

pub async fn an_every_ip_lock_holds_for_every_ip(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    t.lock(LOGIN, &ada(), None, m(15)).await.unwrap();
    for who in [ip(1), ip(2), None] {
        assert_eq!(t.locked_until(LOGIN, &ada(), who, m(14)).await.unwrap(), Some(m(15)));
    }
    for who in [ip(1), ip(2), None] {
        assert_eq!(t.locked_until(LOGIN, &ada(), who, m(15)).await.unwrap(), None);
    }
    assert_eq!(t.locked_until(ThrottleScope::EmailVerification, &ada(), ip(1), m(0)).await.unwrap(), None);
}

pub async fn the_later_of_both_locks_in_force_wins(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    t.lock(LOGIN, &ada(), ip(1), m(30)).await.unwrap();
    t.lock(LOGIN, &ada(), None, m(15)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(0)).await.unwrap(), Some(m(30)));
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(2), m(0)).await.unwrap(), Some(m(15)));
    t.lock(LOGIN, &ada(), None, m(45)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(20)).await.unwrap(), Some(m(45)));
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(45)).await.unwrap(), None);
}

pub async fn a_shorter_lock_never_shortens_one_in_place(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    let m = |n| minutes(t0, n);
    t.lock(LOGIN, &ada(), ip(1), m(30)).await.unwrap();
    t.lock(LOGIN, &ada(), ip(1), m(10)).await.unwrap();
    t.lock(LOGIN, &ada(), None, m(30)).await.unwrap();
    t.lock(LOGIN, &ada(), None, m(10)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), m(0)).await.unwrap(), Some(m(30)));
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(2), m(0)).await.unwrap(), Some(m(30)));
}

pub async fn an_idle_consecutive_counter_is_forgotten(t: &dyn LoginThrottle, t0: DateTime<Utc>) {
    fail(t, LOGIN, &ada(), ip(1), t0).await;
    fail(t, LOGIN, &ada(), ip(1), t0).await;
    let later = t0 + adapters_redis::memory::CONSECUTIVE_IDLE_TTL;
    assert_eq!(fail(t, LOGIN, &ada(), ip(1), later).await, counts(1, 1));
}
