//! The Redis rate limiter's leases: a key that sends fast costs far fewer round trips than
//! requests, two instances leasing from one bucket never allow more than the quota, and a
//! check answered from a lease is still a freshness barrier for tracked reads.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use adapters_redis::redis::{RedisConfig, RedisRateLimiter, RedisRevocationList, RedisStore};
use chrono::{TimeDelta, Utc};
use domain::accounts::RevocationList;
use domain::shared::SessionId;
use edge::{RateLimiter, RateQuota};

use conformance::{redis_store, unique};

/// Two stores on one Redis with one key prefix: two instances of the app.
fn two_instances() -> Option<(RedisStore, RedisStore)> {
    let (url, prefix) = test_support::redis::url_and_prefix()?;
    let config = RedisConfig { command_timeout: Duration::from_secs(2), ..RedisConfig::new(url).with_prefix(prefix) };
    Some((RedisStore::connect(&config).unwrap(), RedisStore::connect(&config).unwrap()))
}

/// `clients` tasks checking `key` back to back for `run`; returns (checks, allowed).
async fn hammer(
    limiter: Arc<RedisRateLimiter>,
    key: Arc<String>,
    quota: RateQuota,
    clients: u32,
    run: Duration,
) -> (u32, u32) {
    let (checks, allowed) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let deadline = Instant::now() + run;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (limiter, key, checks, allowed) = (limiter.clone(), key.clone(), checks.clone(), allowed.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let decision = limiter.check(&key, quota).await.unwrap();
                    checks.fetch_add(1, Ordering::Relaxed);
                    allowed.fetch_add(u32::from(decision.allowed), Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (checks.load(Ordering::Relaxed), allowed.load(Ordering::Relaxed))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_sending_fast_costs_far_fewer_round_trips_than_checks() {
    let Some(store) = redis_store() else { return };
    let limiter = Arc::new(RedisRateLimiter::new(store.clone()));
    let quota = RateQuota::per_minute("leases", 10_000_000);
    let before = store.round_trips();
    let (checks, allowed) = hammer(limiter, Arc::new(unique("hot")), quota, 16, Duration::from_millis(500)).await;
    let trips = store.round_trips() - before;
    println!("{checks} checks, {allowed} allowed, {trips} round trips");
    assert_eq!(allowed, checks);
    assert!(trips * 2 < u64::from(checks), "{trips} round trips for {checks} checks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_leasing_one_bucket_never_allow_more_than_the_quota() {
    let Some((a, b)) = two_instances() else { return };
    // 1 600 a minute: leases of up to 100 units.
    let quota = RateQuota::per_minute("leases", 1_600);
    let key = Arc::new(unique("shared"));
    let started = Instant::now();
    let run = Duration::from_millis(500);
    let (one, other) = tokio::join!(
        hammer(Arc::new(RedisRateLimiter::new(a)), key.clone(), quota, 8, run),
        hammer(Arc::new(RedisRateLimiter::new(b)), key, quota, 8, run),
    );
    let refilled = started.elapsed().as_micros() / u128::from(quota.interval_micros()) + 1;
    let allowed = u128::from(one.1 + other.1);
    println!("{} + {} checks, {allowed} allowed, {refilled} units came back meanwhile", one.0, other.0);
    assert!(u128::from(one.0 + other.0) > allowed, "the test did not exhaust the bucket");
    assert!(allowed <= 1_600 + refilled, "{allowed} allowed: more than the quota");
    assert!(allowed >= 1_200, "{allowed} allowed: leases lost too much of the quota");
}

#[tokio::test(flavor = "current_thread")]
async fn a_check_answered_from_a_lease_is_still_a_freshness_barrier() {
    let Some((a, b)) = two_instances() else { return };
    let (writer, reader) = (RedisRevocationList::new(a), RedisRevocationList::new(b.clone()));
    let limiter = RedisRateLimiter::new(b.clone());
    let (key, quota) = (unique("reader"), RateQuota::per_minute("leases", 10_000_000));
    // Warm up: the key's leases grow to many units.
    for _ in 0..200 {
        limiter.check(&key, quota).await.unwrap();
    }
    let scripts_before = b.round_trips();
    for _ in 0..50 {
        let session = SessionId::from_uuid(uuid::Uuid::now_v7());
        // Twice: the second answer comes from the reader's copy.
        assert!(!reader.is_revoked(session).await.unwrap());
        assert!(!reader.is_revoked(session).await.unwrap());
        writer.revoke(session, Utc::now() + TimeDelta::minutes(15)).await.unwrap();
        assert!(limiter.check(&key, quota).await.unwrap().allowed);
        assert!(reader.is_revoked(session).await.unwrap(), "the reader's copy outlived the revocation");
    }
    // Each check made one round trip (a PING, or a script now and then): not zero.
    let trips = b.round_trips() - scripts_before;
    assert!(trips >= 50, "{trips} round trips: a check was answered without one");
}
