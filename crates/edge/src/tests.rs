#![allow(clippy::unwrap_used, reason = "tests")]

use std::time::Duration;

use super::{Gcra, IdempotencyKey, RateQuota};

const SECOND: u64 = 1_000_000;

/// Runs `n` requests at the same instant, returning how many were allowed and the final TAT.
fn burst(quota: RateQuota, mut tat: Option<u64>, now: u64, n: u32) -> (u32, Option<u64>) {
    let mut allowed = 0;
    for _ in 0..n {
        let (decision, new_tat) = Gcra::decide(quota, tat, now);
        if decision.allowed {
            allowed += 1;
            tat = new_tat;
        }
    }
    (allowed, tat)
}

#[test]
fn a_fresh_key_allows_exactly_the_limit_in_a_burst() {
    let quota = RateQuota::per_minute("default", 10);
    let (allowed, _) = burst(quota, None, 1_000 * SECOND, 25);
    assert_eq!(allowed, 10);
}

#[test]
fn remaining_counts_down_to_zero_and_the_next_is_refused_with_a_wait() {
    let quota = RateQuota::per_minute("default", 3);
    let now = 50 * SECOND;
    let (first, tat) = Gcra::decide(quota, None, now);
    assert_eq!((first.allowed, first.remaining), (true, 2));
    assert_eq!(first.reset_after, Duration::from_secs(20));
    let (second, tat) = Gcra::decide(quota, tat, now);
    assert_eq!(second.remaining, 1);
    let (third, tat) = Gcra::decide(quota, tat, now);
    assert_eq!((third.allowed, third.remaining), (true, 0));
    assert_eq!(third.reset_after, Duration::from_secs(60));
    assert_eq!(third.reset_seconds(), 60);
    let (fourth, unchanged) = Gcra::decide(quota, tat, now);
    assert!(!fourth.allowed);
    assert_eq!(unchanged, None, "a refused request changes nothing");
    assert_eq!(fourth.reset_after, Duration::from_secs(20), "one interval until the next unit");
}

#[test]
fn one_unit_comes_back_per_interval() {
    let quota = RateQuota::per_minute("default", 6); // one every 10 s
    let start = 100 * SECOND;
    let (_, tat) = burst(quota, None, start, 6);
    assert!(!Gcra::decide(quota, tat, start + 9 * SECOND).0.allowed);
    let (decision, tat) = Gcra::decide(quota, tat, start + 10 * SECOND);
    assert!(decision.allowed);
    assert_eq!(decision.remaining, 0);
    assert!(!Gcra::decide(quota, tat, start + 10 * SECOND).0.allowed);
}

#[test]
fn an_idle_key_is_whole_again_after_the_window() {
    let quota = RateQuota::per_minute("default", 5);
    let (_, tat) = burst(quota, None, 0, 5);
    let (allowed, _) = burst(quota, tat, 60 * SECOND, 10);
    assert_eq!(allowed, 5);
}

#[test]
fn a_zero_limit_is_raised_to_one() {
    let quota = RateQuota::per_minute("auth", 0);
    assert_eq!(quota.limit, 1);
    assert_eq!(burst(quota, None, 0, 3).0, 1);
}

#[test]
fn reset_seconds_round_up() {
    let quota = RateQuota::per_minute("default", 7);
    let (decision, _) = Gcra::decide(quota, None, 0);
    // 60 / 7 s = 8.57 s → 9.
    assert_eq!(decision.reset_seconds(), 9);
}

#[test]
fn idempotency_keys_are_one_to_255_printable_ascii() {
    assert_eq!(IdempotencyKey::parse("a").unwrap().as_str(), "a");
    assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
    assert!(IdempotencyKey::parse("with space ~ and !").is_ok());
    for bad in ["", "tab\there", "new\nline", "é", "\u{7f}"] {
        assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
    }
    assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
}
