//! The read cache, in process and in Redis: the conformance suite against both, and the
//! in-process cache's bound on size.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::time::Duration;

use adapters_redis::memory::MemoryCache;
use adapters_redis::redis::RedisCache;
use domain::shared::OrganizationId;
use edge::{Cache, CacheLookup, CacheNamespace};

/// Runs each named conformance test against the in-process and the Redis cache.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    conformance::cache::$name(&MemoryCache::default()).await;
                }
            )*
        }

        mod redis {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(store) = conformance::redis_store() else { return };
                    conformance::cache::$name(&RedisCache::new(store)).await;
                }
            )*
        }
    };
}

conformance!(
    hit_after_put_and_miss_after_invalidate,
    a_put_with_a_stale_generation_is_dropped,
    values_expire_after_their_ttl,
    namespaces_are_isolated,
);

#[tokio::test]
async fn the_memory_cache_is_bounded_by_bytes() {
    let cache = MemoryCache::new(1024 * 1024);
    let ns = CacheNamespace::catalog(OrganizationId::from_uuid(uuid::Uuid::now_v7()));
    for n in 0..100 {
        cache.put(ns, &format!("k{n}"), 0, vec![7; 64 * 1024], Duration::from_secs(60)).await.unwrap();
    }
    let size = cache.weighted_size();
    assert!(size <= 1024 * 1024, "{size} bytes held");
    assert!(size >= 512 * 1024, "{size} bytes held: still caching");
    let hits = {
        let mut hits = 0;
        for n in 0..100 {
            hits += u32::from(matches!(cache.get(ns, &format!("k{n}")).await.unwrap(), CacheLookup::Hit(_)));
        }
        hits
    };
    assert!((8..=16).contains(&hits), "{hits} values of 64 KiB in 1 MiB");
}
