//! Cache conformance: generations, the stale-put race, time-to-live, isolation.

use std::time::Duration;

use domain::shared::OrganizationId;
use edge::{Cache, CacheLookup, CacheNamespace};

const TTL: Duration = Duration::from_secs(60);

fn namespace() -> CacheNamespace {
    CacheNamespace::catalog(OrganizationId::from_uuid(uuid::Uuid::now_v7()))
}

async fn miss(cache: &dyn Cache, ns: CacheNamespace, key: &str) -> u64 {
    match cache.get(ns, key).await.unwrap() {
        CacheLookup::Miss(generation) => generation,
        CacheLookup::Hit(value) => panic!("expected a miss, got a hit of {} bytes", value.len()),
    }
}

/// Miss (generation 0), put, hit with the exact bytes; invalidate: miss under a new
/// generation, under which a put is a hit again.
pub async fn hit_after_put_and_miss_after_invalidate(cache: &dyn Cache) {
    let ns = namespace();
    let value: Vec<u8> = (0..=255u8).rev().collect();
    let generation = miss(cache, ns, "courses").await;
    assert_eq!(generation, 0, "a namespace starts at generation 0");
    cache.put(ns, "courses", generation, value.clone(), TTL).await.unwrap();
    assert_eq!(cache.get(ns, "courses").await.unwrap(), CacheLookup::Hit(value.clone()));
    assert_eq!(miss(cache, ns, "products").await, 0, "another key");

    cache.invalidate(ns).await.unwrap();
    let next = miss(cache, ns, "courses").await;
    assert_ne!(next, generation);
    cache.put(ns, "courses", next, b"fresh".to_vec(), TTL).await.unwrap();
    assert_eq!(cache.get(ns, "courses").await.unwrap(), CacheLookup::Hit(b"fresh".to_vec()));
    cache.invalidate(ns).await.unwrap();
    cache.invalidate(ns).await.unwrap();
    assert_ne!(miss(cache, ns, "courses").await, next);
}

/// A reader misses, a writer invalidates, then the reader stores what it computed before the
/// write: the put is dropped.
pub async fn a_put_with_a_stale_generation_is_dropped(cache: &dyn Cache) {
    let ns = namespace();
    let read_at = miss(cache, ns, "courses").await;
    cache.invalidate(ns).await.unwrap();
    cache.put(ns, "courses", read_at, b"stale".to_vec(), TTL).await.unwrap();
    let current = miss(cache, ns, "courses").await;
    assert_ne!(current, read_at);
    cache.put(ns, "courses", current + 1, b"future".to_vec(), TTL).await.unwrap();
    assert_eq!(miss(cache, ns, "courses").await, current, "a generation not yet reached is refused too");
}

/// A value is gone after its time-to-live.
pub async fn values_expire_after_their_ttl(cache: &dyn Cache) {
    let ns = namespace();
    cache.put(ns, "short", 0, b"v".to_vec(), Duration::from_millis(200)).await.unwrap();
    cache.put(ns, "long", 0, b"v".to_vec(), TTL).await.unwrap();
    assert_eq!(cache.get(ns, "short").await.unwrap(), CacheLookup::Hit(b"v".to_vec()));
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(miss(cache, ns, "short").await, 0);
    assert_eq!(cache.get(ns, "long").await.unwrap(), CacheLookup::Hit(b"v".to_vec()));
}

/// Organizations and kinds are apart: invalidating one leaves the others' values.
pub async fn namespaces_are_isolated(cache: &dyn Cache) {
    let (a, b) = (namespace(), namespace());
    let a_other_kind = CacheNamespace { organization: a.organization, kind: "reports" };
    cache.put(a, "k", 0, b"a".to_vec(), TTL).await.unwrap();
    cache.put(b, "k", 0, b"b".to_vec(), TTL).await.unwrap();
    cache.put(a_other_kind, "k", 0, b"a2".to_vec(), TTL).await.unwrap();
    cache.invalidate(a).await.unwrap();
    assert_eq!(miss(cache, a, "k").await, 1);
    assert_eq!(cache.get(b, "k").await.unwrap(), CacheLookup::Hit(b"b".to_vec()));
    assert_eq!(cache.get(a_other_kind, "k").await.unwrap(), CacheLookup::Hit(b"a2".to_vec()));
}
