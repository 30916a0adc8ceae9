//! The plain Redis design (`ClientDesign::Plain`: one shared connection, no client-side
//! tracking, no rate-limit leases) passes the same conformance suite as the default design:
//! it is the simplest correct design the default is measured against (`just bench
//! --redis-client plain`), so it must be correct too. Plus: it answers every lookup with a
//! round trip (nothing kept), so a write by another store is seen at once.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::sync::Arc;
use std::time::Duration;

use adapters_redis::redis::{ClientDesign, RedisCache, RedisConfig, RedisRateLimiter, RedisRevocationList, RedisStore};
use chrono::{TimeDelta, Utc};
use domain::accounts::RevocationList;
use domain::shared::SessionId;

fn plain() -> Option<RedisStore> {
    let (url, prefix) = test_support::redis::url_and_prefix()?;
    let config = RedisConfig {
        command_timeout: Duration::from_secs(2),
        design: ClientDesign::Plain,
        ..RedisConfig::new(url).with_prefix(prefix)
    };
    Some(RedisStore::connect(&config).unwrap())
}

#[tokio::test]
async fn the_rate_limiter_conforms() {
    let Some(store) = plain() else { return };
    let limiter = RedisRateLimiter::new(store);
    conformance::rate_limit::exact_at_the_boundary(&limiter).await;
    conformance::rate_limit::one_unit_comes_back_per_interval(&limiter).await;
    conformance::rate_limit::concurrent_checks_take_exactly_the_limit(Arc::new(limiter)).await;
}

#[tokio::test]
async fn the_cache_conforms() {
    let Some(store) = plain() else { return };
    let cache = RedisCache::new(store);
    conformance::cache::hit_after_put_and_miss_after_invalidate(&cache).await;
    conformance::cache::a_put_with_a_stale_generation_is_dropped(&cache).await;
    conformance::cache::values_expire_after_their_ttl(&cache).await;
    conformance::cache::namespaces_are_isolated(&cache).await;
}

#[tokio::test]
async fn the_revocation_list_conforms_and_sees_another_instances_revocation_at_once() {
    let Some(store) = plain() else { return };
    let list = RedisRevocationList::new(store);
    conformance::revocation::a_revoked_session_is_refused(&list).await;
    conformance::revocation::a_revocation_in_the_past_refuses_nothing(&list).await;
    conformance::revocation::revoking_again_never_shortens_a_revocation(&list).await;
    conformance::revocation::a_revocation_ends_at_its_until(&list).await;

    // Two instances on one Redis: what one revokes, the other refuses at its next lookup,
    // with no barrier in between, each lookup a round trip.
    let (url, prefix) = test_support::redis::url_and_prefix().unwrap();
    let config = RedisConfig { design: ClientDesign::Plain, ..RedisConfig::new(url).with_prefix(prefix) };
    let (a, b) = (RedisStore::connect(&config).unwrap(), RedisStore::connect(&config).unwrap());
    let (reader, writer) = (RedisRevocationList::new(a.clone()), RedisRevocationList::new(b));
    let session = SessionId::from_uuid(uuid::Uuid::now_v7());
    assert!(!reader.is_revoked(session).await.unwrap());
    let before = a.round_trips();
    assert!(!reader.is_revoked(session).await.unwrap());
    assert_eq!(a.round_trips(), before + 1, "nothing is kept: every lookup is a round trip");
    writer.revoke(session, Utc::now() + TimeDelta::minutes(1)).await.unwrap();
    assert!(reader.is_revoked(session).await.unwrap());
}
