//! Redis going away and coming back, through a TCP proxy that the test cuts: every port fails
//! with `StoreError::Unavailable` within the time limit (never hangs), fails fast while the
//! circuit breaker is open, and works again after the cooldown once Redis is back. Also: the
//! store starts while Redis is down, and `Fallback` counts in process meanwhile.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use adapters_redis::Fallback;
use adapters_redis::memory::{MemoryLoginThrottle, MemoryRateLimiter};
use adapters_redis::redis::{
    RedisCache, RedisConfig, RedisLoginThrottle, RedisRateLimiter, RedisRevocationList, RedisStore,
};
use chrono::{TimeDelta, Utc};
use domain::accounts::{LoginThrottle, RevocationList, ThrottleScope, ThrottleSubject};
use domain::shared::{Email, OrganizationId, SessionId};
use domain::store::StoreError;
use domain::tenancy::Slug;
use edge::{Cache, CacheNamespace, RateLimiter, RateQuota};
use test_support::proxy::TcpProxy;

const TIMEOUT: Duration = Duration::from_millis(300);
const COOLDOWN: Duration = Duration::from_secs(1);
/// Far above the time limit: a call that takes this long hangs.
const UPPER_BOUND: Duration = Duration::from_secs(3);

/// A store reaching Redis through a proxy the test can cut.
async fn proxied() -> Option<(TcpProxy, RedisStore)> {
    let (url, prefix) = test_support::redis::url_and_prefix()?;
    let proxy = TcpProxy::start_for(&test_support::redis::host_port(&url).unwrap()).await.unwrap();
    let config = RedisConfig {
        command_timeout: TIMEOUT,
        breaker_cooldown: COOLDOWN,
        ..RedisConfig::new(test_support::redis::with_addr(&url, proxy.addr()).unwrap()).with_prefix(prefix)
    };
    Some((proxy, RedisStore::connect(&config).unwrap()))
}

/// Every port built on one store.
struct Ports {
    limiter: RedisRateLimiter,
    cache: RedisCache,
    revocations: RedisRevocationList,
    throttle: RedisLoginThrottle,
}

impl Ports {
    fn new(store: &RedisStore) -> Self {
        Self {
            limiter: RedisRateLimiter::new(store.clone()),
            cache: RedisCache::new(store.clone()),
            revocations: RedisRevocationList::new(store.clone()),
            throttle: RedisLoginThrottle::new(store.clone()),
        }
    }

    /// One call of each port, each timed: (name, result, how long it took).
    async fn call_each(&self) -> Vec<(&'static str, Result<(), StoreError>, Duration)> {
        let quota = RateQuota::per_minute("resilience", 1000);
        let ns = CacheNamespace::catalog(OrganizationId::from_uuid(uuid::Uuid::now_v7()));
        let session = SessionId::from_uuid(uuid::Uuid::now_v7());
        let ip: Option<IpAddr> = Some([192, 0, 2, 1].into());
        let now = Utc::now();
        let mut results = Vec::new();
        macro_rules! timed {
            ($name:literal, $call:expr) => {{
                let start = Instant::now();
                let result = $call.await.map(|_| ());
                results.push(($name, result, start.elapsed()));
            }};
        }
        timed!("rate limiter check", self.limiter.check("client", quota));
        timed!("cache get", self.cache.get(ns, "k"));
        timed!("cache put", self.cache.put(ns, "k", 0, b"v".to_vec(), Duration::from_secs(5)));
        timed!("cache invalidate", self.cache.invalidate(ns));
        timed!("revoke", self.revocations.revoke(session, now + TimeDelta::minutes(1)));
        timed!("is revoked", self.revocations.is_revoked(session));
        timed!("locked until", self.throttle.locked_until(ThrottleScope::Login, &subject(), ip, now));
        timed!("record failure", self.throttle.record_failure(ThrottleScope::Login, &subject(), ip, now));
        timed!("lock", self.throttle.lock(ThrottleScope::Login, &subject(), ip, now + TimeDelta::minutes(1)));
        timed!("reset", self.throttle.reset(ThrottleScope::Login, &subject(), ip));
        results
    }
}

async fn wait_until_ping_succeeds(store: &RedisStore, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if store.ping().await.is_ok() {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "redis still unavailable after {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_port_fails_fast_with_unavailable_while_redis_is_cut_and_recovers_after_the_cooldown() {
    let Some((proxy, store)) = proxied().await else { return };
    let ports = Ports::new(&store);
    for (name, result, _) in ports.call_each().await {
        result.unwrap_or_else(|e| panic!("{name} before the cut: {e}"));
    }

    proxy.cut();
    let start = Instant::now();
    for (name, result, took) in ports.call_each().await {
        assert!(matches!(result, Err(StoreError::Unavailable(_))), "{name} while cut: {result:?}");
        assert!(took < UPPER_BOUND, "{name} took {took:?}");
    }
    assert!(start.elapsed() < UPPER_BOUND, "all calls took {:?}", start.elapsed());

    // The breaker is open: calls fail at once, without trying Redis (and waiting out the time
    // limit) — the breaker answers them, which its message shows.
    for (name, result, _) in ports.call_each().await {
        let breaker =
            matches!(&result, Err(StoreError::Unavailable(e)) if e.to_string().contains("circuit breaker open"));
        assert!(breaker, "{name} with the breaker open: {result:?}");
    }
    assert!(matches!(store.ping().await, Err(StoreError::Unavailable(_))));

    // Still cut after the cooldown: the probe times out and the breaker opens again.
    tokio::time::sleep(COOLDOWN).await;
    let start = Instant::now();
    assert!(matches!(store.ping().await, Err(StoreError::Unavailable(_))));
    assert!(start.elapsed() < UPPER_BOUND);

    proxy.restore();
    let took = wait_until_ping_succeeds(&store, COOLDOWN + UPPER_BOUND).await;
    assert!(took <= COOLDOWN + TIMEOUT + Duration::from_millis(500), "back after {took:?}");
    for (name, result, _) in ports.call_each().await {
        result.unwrap_or_else(|e| panic!("{name} after the restore: {e}"));
    }
}

#[tokio::test]
async fn ping_reports_the_latency_when_up_and_fails_when_cut() {
    let Some((proxy, store)) = proxied().await else { return };
    let latency = store.ping().await.unwrap();
    assert!(latency < TIMEOUT, "{latency:?}");
    assert!(store.ping().await.unwrap() < TIMEOUT, "again, on a pooled connection");
    proxy.cut();
    let start = Instant::now();
    assert!(matches!(store.ping().await, Err(StoreError::Unavailable(_))));
    assert!(start.elapsed() < UPPER_BOUND);
    proxy.restore();
    wait_until_ping_succeeds(&store, COOLDOWN + UPPER_BOUND).await;
}

/// A store on a port where nothing listens.
/// The throttle subject the tests count.
fn subject() -> ThrottleSubject {
    ThrottleSubject::new(&Slug::parse("acme").unwrap(), &Email::parse("a@example.com").unwrap())
}

fn dead_store() -> RedisStore {
    let config = RedisConfig { command_timeout: TIMEOUT, ..RedisConfig::new("redis://127.0.0.1:1") };
    RedisStore::connect(&config).expect("connect does not connect")
}

#[tokio::test]
async fn the_store_starts_while_redis_is_down_and_reports_it_unavailable() {
    let store = dead_store();
    let start = Instant::now();
    assert!(matches!(store.ping().await, Err(StoreError::Unavailable(_))));
    assert!(matches!(store.ping().await, Err(StoreError::Unavailable(_))), "fails fast");
    assert!(start.elapsed() < UPPER_BOUND);
}

#[tokio::test]
async fn an_invalid_url_or_prefix_is_refused_at_start() {
    for url in ["http://127.0.0.1:6379", "not a url"] {
        let result = RedisStore::connect(&RedisConfig::new(url));
        assert!(matches!(result, Err(StoreError::Unexpected(_))), "{url}: {result:?}");
    }
    let braces = RedisConfig::new("redis://127.0.0.1:6379").with_prefix("a{b}:");
    assert!(matches!(RedisStore::connect(&braces), Err(StoreError::Unexpected(_))));
}

#[tokio::test]
async fn the_fallbacks_count_in_process_while_redis_is_down() {
    let limiter = Fallback::new("rate_limiter", RedisRateLimiter::new(dead_store()), MemoryRateLimiter::default());
    let quota = RateQuota::per_minute("fallback", 2);
    let allowed: Vec<bool> = {
        let mut allowed = Vec::new();
        for _ in 0..3 {
            allowed.push(limiter.check("client", quota).await.unwrap().allowed);
        }
        allowed
    };
    assert_eq!(allowed, [true, true, false]);
    assert_eq!(limiter.secondary().entries(), 1);

    let throttle = Fallback::new("login_throttle", RedisLoginThrottle::new(dead_store()), MemoryLoginThrottle::new());
    let now = Utc::now();
    let counts = throttle.record_failure(ThrottleScope::Login, &subject(), None, now).await.unwrap();
    assert_eq!(counts.consecutive_from_ip, 1);
    throttle.lock(ThrottleScope::Login, &subject(), None, now + TimeDelta::minutes(5)).await.unwrap();
    let until = throttle.locked_until(ThrottleScope::Login, &subject(), None, now).await.unwrap();
    assert_eq!(until, Some(now + TimeDelta::minutes(5)));
    throttle.reset(ThrottleScope::Login, &subject(), None).await.unwrap();
}

#[tokio::test]
async fn the_fallback_uses_redis_while_it_answers() {
    let Some((url, prefix)) = test_support::redis::url_and_prefix() else { return };
    let store = RedisStore::connect(&RedisConfig::new(url).with_prefix(prefix)).unwrap();
    let limiter = Arc::new(Fallback::new("rate_limiter", RedisRateLimiter::new(store), MemoryRateLimiter::default()));
    assert!(limiter.check("client", RateQuota::per_minute("fallback", 2)).await.unwrap().allowed);
    assert_eq!(limiter.secondary().entries(), 0, "nothing counted in process");
}
