//! The login throttle, in process and in Redis: the conformance suite against both (instants
//! passed to the methods, no sleeps), and the in-process store's bookkeeping.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::net::IpAddr;

use adapters_redis::memory::{CONSECUTIVE_IDLE_TTL, MemoryLoginThrottle};
use adapters_redis::redis::RedisLoginThrottle;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use conformance::throttle::subject;
use domain::accounts::{LoginThrottle, ThrottleScope, ThrottleSubject};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().with_timezone(&Utc)
}

/// Now to the second: Redis also expires locks on its own clock, so its instants must be real.
fn now() -> DateTime<Utc> {
    Utc::now().duration_trunc(TimeDelta::seconds(1)).unwrap()
}

/// Runs each named conformance test against the in-process and the Redis throttle.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    conformance::throttle::$name(&MemoryLoginThrottle::new(), t0()).await;
                }
            )*
        }

        mod redis {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(store) = conformance::redis_store() else { return };
                    conformance::throttle::$name(&RedisLoginThrottle::new(store), now()).await;
                }
            )*
        }
    };
}

conformance!(
    consecutive_failures_count_per_ip_and_the_hour_counts_across_ips,
    emails_and_scopes_are_counted_apart,
    one_email_at_two_academies_is_counted_and_locked_apart,
    the_hourly_count_slides,
    reset_clears_only_the_consecutive_counter_of_that_ip,
    an_ip_lock_holds_for_that_ip_only_until_its_end,
    an_every_ip_lock_holds_for_every_ip,
    the_later_of_both_locks_in_force_wins,
    a_shorter_lock_never_shortens_one_in_place,
    an_idle_consecutive_counter_is_forgotten,
);

const LOGIN: ThrottleScope = ThrottleScope::Login;

fn ada() -> ThrottleSubject {
    subject("acme", "ada@example.com")
}

fn ip(last: u8) -> Option<IpAddr> {
    Some(IpAddr::from([192, 0, 2, last]))
}

#[tokio::test]
async fn an_expired_lock_is_removed_from_memory_when_read() {
    let t = MemoryLoginThrottle::new();
    t.lock(LOGIN, &ada(), ip(1), t0() + TimeDelta::minutes(15)).await.unwrap();
    assert_eq!(t.locked_until(LOGIN, &ada(), ip(1), t0() + TimeDelta::minutes(15)).await.unwrap(), None);
    assert_eq!(t.entries(), 0, "the expired lock was removed when read");
}

#[tokio::test]
async fn stale_entries_of_other_emails_are_swept() {
    let t = MemoryLoginThrottle::new();
    for n in 0..500 {
        let other = subject("acme", &format!("user{n}@example.com"));
        t.record_failure(LOGIN, &other, ip(1), t0()).await.unwrap();
        t.lock(LOGIN, &other, ip(1), t0() + TimeDelta::minutes(15)).await.unwrap();
    }
    assert_eq!(t.entries(), 1500, "a counter, a window and a lock for each");
    let later = t0() + CONSECUTIVE_IDLE_TTL;
    for _ in 0..1100 {
        t.record_failure(LOGIN, &ada(), ip(1), later).await.unwrap();
    }
    assert_eq!(t.entries(), 2, "only the counter and window of the live email remain");
    assert_eq!(format!("{t:?}"), "MemoryLoginThrottle { entries: 2, .. }");
}
