//! The idempotency store, in process and in Redis: the conformance suite against both, and
//! the in-process store's bound on memory.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use adapters_redis::memory::MemoryIdempotencyStore;
use adapters_redis::redis::RedisIdempotencyStore;
use chrono::{DateTime, TimeDelta, Utc};
use domain::edge::{Claim, IdempotencyStore};
use domain::shared::Clock;

/// Runs each named conformance test against the in-process and the Redis store.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    conformance::idempotency::$name(&MemoryIdempotencyStore::default()).await;
                }
            )*

            #[tokio::test]
            async fn concurrent_claims_acquire_once() {
                conformance::idempotency::concurrent_claims_acquire_once(Arc::new(MemoryIdempotencyStore::default())).await;
            }
        }

        mod redis {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(store) = conformance::redis_store() else { return };
                    conformance::idempotency::$name(&RedisIdempotencyStore::new(store)).await;
                }
            )*

            #[tokio::test]
            async fn concurrent_claims_acquire_once() {
                let Some(store) = conformance::redis_store() else { return };
                conformance::idempotency::concurrent_claims_acquire_once(Arc::new(RedisIdempotencyStore::new(store))).await;
            }
        }
    };
}

conformance!(
    mismatch_and_exact_replay,
    release_lets_a_new_claim_acquire,
    a_stale_token_cannot_complete_or_release,
    lease_and_retention_expire,
);

/// A clock the test moves by hand.
struct HandClock(Mutex<DateTime<Utc>>);

impl Clock for HandClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn expired_scopes_are_swept_and_the_store_stays_bounded() {
    let clock = Arc::new(HandClock(Mutex::new(Utc::now())));
    let store = MemoryIdempotencyStore::with_max_scopes(clock.clone(), 1_000);
    for n in 0..600 {
        store.claim(&format!("old-{n}"), "fp", Duration::from_secs(1)).await.unwrap();
    }
    *clock.0.lock().unwrap() += TimeDelta::seconds(2);
    for n in 0..600 {
        store.claim(&format!("new-{n}"), "fp", Duration::from_secs(60)).await.unwrap();
    }
    assert!(store.entries() <= 700, "{} scopes: the expired ones were swept", store.entries());
    for n in 0..5_000 {
        store.claim(&format!("flood-{n}"), "fp", Duration::from_secs(60)).await.unwrap();
    }
    assert!(store.entries() <= 1_000, "{} scopes: capped", store.entries());
    assert!(store.entries() >= 700, "{} scopes: only a quarter dropped at a time", store.entries());
    assert!(matches!(store.claim("flood-4999", "fp", Duration::from_secs(60)).await.unwrap(), Claim::InProgress));
}
