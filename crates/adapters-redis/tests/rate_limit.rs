//! The rate limiter, in process and in Redis: the conformance suite against both, and the
//! in-process limiter's agreement with `Gcra::decide` and its bookkeeping.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use adapters_redis::memory::MemoryRateLimiter;
use adapters_redis::redis::RedisRateLimiter;
use chrono::{DateTime, TimeDelta, Utc};
use domain::shared::Clock;
use edge::{Gcra, RateLimiter, RateQuota};

mod memory {
    use super::*;

    #[tokio::test]
    async fn exact_at_the_boundary() {
        conformance::rate_limit::exact_at_the_boundary(&MemoryRateLimiter::default()).await;
    }

    #[tokio::test]
    async fn one_unit_comes_back_per_interval() {
        conformance::rate_limit::one_unit_comes_back_per_interval(&MemoryRateLimiter::default()).await;
    }

    #[tokio::test]
    async fn concurrent_checks_take_exactly_the_limit() {
        conformance::rate_limit::concurrent_checks_take_exactly_the_limit(Arc::new(MemoryRateLimiter::default())).await;
    }
}

mod redis {
    use super::*;

    #[tokio::test]
    async fn exact_at_the_boundary() {
        let Some(store) = conformance::redis_store() else { return };
        conformance::rate_limit::exact_at_the_boundary(&RedisRateLimiter::new(store)).await;
    }

    #[tokio::test]
    async fn one_unit_comes_back_per_interval() {
        let Some(store) = conformance::redis_store() else { return };
        conformance::rate_limit::one_unit_comes_back_per_interval(&RedisRateLimiter::new(store)).await;
    }

    #[tokio::test]
    async fn concurrent_checks_take_exactly_the_limit() {
        let Some(store) = conformance::redis_store() else { return };
        conformance::rate_limit::concurrent_checks_take_exactly_the_limit(Arc::new(RedisRateLimiter::new(store))).await;
    }
}

/// A clock the test moves by hand.
struct HandClock(Mutex<DateTime<Utc>>);

impl HandClock {
    fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for HandClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn the_memory_limiter_decides_as_gcra_on_its_clock() {
    let clock = Arc::new(HandClock(Mutex::new(t0())));
    let limiter = MemoryRateLimiter::new(clock.clone());
    let quota = RateQuota::per_minute("default", 7);
    let mut tat = None;
    for step in 0..40 {
        let now = u64::try_from(clock.now().timestamp_micros()).unwrap();
        let (expected, new_tat) = Gcra::decide(quota, tat, now);
        assert_eq!(limiter.check("k", quota).await.unwrap(), expected, "step {step}");
        tat = new_tat.or(tat);
        clock.advance(TimeDelta::milliseconds(1_700 * (step % 5)));
    }
}

#[tokio::test]
async fn full_buckets_are_swept() {
    let clock = Arc::new(HandClock(Mutex::new(t0())));
    let limiter = MemoryRateLimiter::new(clock.clone());
    let quota = RateQuota { name: "default", limit: 10, window: Duration::from_secs(1) };
    for n in 0..300 {
        limiter.check(&format!("old-{n}"), quota).await.unwrap();
    }
    clock.advance(TimeDelta::seconds(2));
    for n in 0..300 {
        limiter.check(&format!("new-{n}"), quota).await.unwrap();
    }
    assert!(limiter.entries() <= 300, "{} buckets: the full ones were swept", limiter.entries());
    assert_eq!(format!("{:?}", MemoryRateLimiter::default()), "MemoryRateLimiter { entries: 0, .. }");
}
