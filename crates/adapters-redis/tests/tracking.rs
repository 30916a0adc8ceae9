//! Tracked reads (revocation and read-cache lookups answered from the connection's copies)
//! across two instances sharing Redis: once the reader has made any round trip after a write
//! elsewhere completed, its next lookup sees the write — what the API relies on for "a revoked
//! session fails at once" and "a read after a write never sees the old value".

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use std::time::Duration;

use adapters_redis::redis::{RedisCache, RedisConfig, RedisRevocationList, RedisStore};
use chrono::{TimeDelta, Utc};
use domain::accounts::RevocationList;
use domain::shared::{OrganizationId, SessionId};
use edge::{Cache, CacheLookup, CacheNamespace};

/// Two stores on one Redis with one key prefix: two instances of the app.
fn two_instances() -> Option<(RedisStore, RedisStore)> {
    let (url, prefix) = test_support::redis::url_and_prefix()?;
    let config = RedisConfig { command_timeout: Duration::from_secs(2), ..RedisConfig::new(url).with_prefix(prefix) };
    Some((RedisStore::connect(&config).unwrap(), RedisStore::connect(&config).unwrap()))
}

/// Held by the tests of this binary that run `EXISTS`, so that counting them is exact enough.
static EXISTS_USERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How many `EXISTS` the Redis server has run since it started.
async fn exists_calls() -> u64 {
    let (url, _) = test_support::redis::url_and_prefix().unwrap();
    let mut conn = deadpool_redis::redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap();
    let stats: String = deadpool_redis::redis::cmd("INFO").arg("commandstats").query_async(&mut conn).await.unwrap();
    stats
        .lines()
        .find_map(|line| line.strip_prefix("cmdstat_exists:calls="))
        .map_or(0, |rest| rest.split(',').next().unwrap().parse().unwrap())
}

#[tokio::test]
async fn repeated_lookups_of_a_session_are_answered_by_the_connection() {
    let Some((_, b)) = two_instances() else { return };
    let reader = RedisRevocationList::new(b);
    let _alone = EXISTS_USERS.lock().await;
    let session = SessionId::from_uuid(uuid::Uuid::now_v7());
    assert!(!reader.is_revoked(session).await.unwrap());
    let before = exists_calls().await;
    for _ in 0..100 {
        assert!(!reader.is_revoked(session).await.unwrap());
    }
    // Another process may run an EXISTS meanwhile; not a hundred.
    let ran = exists_calls().await - before;
    assert!(ran < 10, "{ran} EXISTS ran on Redis for 100 lookups");
}

#[tokio::test]
async fn a_session_revoked_elsewhere_is_refused_after_the_readers_next_round_trip() {
    let Some((a, b)) = two_instances() else { return };
    let (writer, reader) = (RedisRevocationList::new(a), RedisRevocationList::new(b.clone()));
    let _alone = EXISTS_USERS.lock().await;
    for _ in 0..50 {
        let session = SessionId::from_uuid(uuid::Uuid::now_v7());
        // Twice: the second answer comes from the reader's copy.
        assert!(!reader.is_revoked(session).await.unwrap());
        assert!(!reader.is_revoked(session).await.unwrap());
        writer.revoke(session, Utc::now() + TimeDelta::minutes(15)).await.unwrap();
        b.ping().await.unwrap();
        assert!(reader.is_revoked(session).await.unwrap(), "the reader's copy outlived the revocation");
    }
}

#[tokio::test]
async fn a_cached_value_invalidated_or_replaced_elsewhere_is_not_served_after_the_readers_next_round_trip() {
    let Some((a, b)) = two_instances() else { return };
    let (writer, reader) = (RedisCache::new(a), RedisCache::new(b.clone()));
    let ttl = Duration::from_secs(60);
    for n in 0..20 {
        let ns = CacheNamespace::catalog(OrganizationId::from_uuid(uuid::Uuid::now_v7()));
        let CacheLookup::Miss(first) = reader.get(ns, "k").await.unwrap() else { panic!("a new namespace hit") };
        reader.put(ns, "k", first, format!("old {n}").into_bytes(), ttl).await.unwrap();
        assert_eq!(reader.get(ns, "k").await.unwrap(), CacheLookup::Hit(format!("old {n}").into_bytes()));
        assert_eq!(reader.get(ns, "k").await.unwrap(), CacheLookup::Hit(format!("old {n}").into_bytes()));

        // Another instance invalidates…
        writer.invalidate(ns).await.unwrap();
        b.ping().await.unwrap();
        let CacheLookup::Miss(second) = reader.get(ns, "k").await.unwrap() else { panic!("served after invalidation") };
        assert!(second > first);

        // …and stores the new value, which the reader then serves.
        let CacheLookup::Miss(current) = writer.get(ns, "k").await.unwrap() else { panic!("expected a miss") };
        writer.put(ns, "k", current, format!("new {n}").into_bytes(), ttl).await.unwrap();
        b.ping().await.unwrap();
        assert_eq!(reader.get(ns, "k").await.unwrap(), CacheLookup::Hit(format!("new {n}").into_bytes()));
    }
}

/// Lookups in flight on a connection while a store of the same entry runs on it: a lookup's
/// reply that left Redis before the store, and whose invalidation the connection applied
/// before the lookup resumed, must not be kept. (redis-rs's own client-side cache kept it:
/// the instance then missed the entry for a minute, until the copy expired.)
#[tokio::test(flavor = "current_thread")]
async fn a_reply_overtaken_by_its_invalidation_is_not_kept() {
    let Some((a, b)) = two_instances() else { return };
    let (other, cache) = (RedisCache::new(a), RedisCache::new(b));
    let ttl = Duration::from_secs(60);
    for n in 0..400 {
        let ns = CacheNamespace::catalog(OrganizationId::from_uuid(uuid::Uuid::now_v7()));
        let CacheLookup::Miss(generation) = other.get(ns, "k").await.unwrap() else { panic!("a new namespace hit") };
        let lookups = futures_util::future::join_all((0..16).map(|_| cache.get(ns, "k")));
        // The store starts a little later each round, to land among the lookups' reads.
        let store = async {
            for _ in 0..n % 8 {
                tokio::task::yield_now().await;
            }
            cache.put(ns, "k", generation, format!("v {n}").into_bytes(), ttl).await
        };
        let (lookups, stored) = tokio::join!(lookups, store);
        stored.unwrap();
        assert!(lookups.iter().all(Result::is_ok));
        assert_eq!(cache.get(ns, "k").await.unwrap(), CacheLookup::Hit(format!("v {n}").into_bytes()), "round {n}");
    }
}
