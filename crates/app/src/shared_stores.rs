//! The short-lived state every instance shares, chosen by `REDIS_URL`: Redis (shared by every
//! instance) when set, in-process stores (one instance: the embedded default) when not.
//!
//! With Redis, what happens when it stops answering (see `docs/redis.md`): rate limits and the
//! login throttle fall back to per-instance counting, the read cache is skipped (and the
//! invalidations it missed are delivered before it serves again), and session revocation is
//! checked in the database. Revocations themselves and idempotency keys never depend on Redis:
//! their truth is the database (see `revocation_sync` and `adapters_postgres::keyed`).
//!
//! Session revocation, by deployment:
//! - Redis: this instance's copy of recent revocations (kept from the database) in front of
//!   Redis ([`LayeredRevocations`]);
//! - PostgreSQL without Redis (any number of instances): the sessions table itself, read per
//!   request;
//! - the embedded SQLite (one instance): an in-process list, filled from the database.

use std::sync::Arc;
use std::time::Duration;

use adapters_postgres::SeaStore;
use adapters_redis::memory::{MemoryCache, MemoryLoginThrottle, MemoryRateLimiter, MemoryRevocationList};
use adapters_redis::redis::{
    RedisCache, RedisConfig, RedisLoginThrottle, RedisRateLimiter, RedisRevocationList, RedisStore,
};
use adapters_redis::{Fallback, JournaledCache, LayeredRevocations};
use anyhow::Context as _;
use api_http::state::{InProcess, SharedStateHealth};
use domain::accounts::{LoginThrottle, RevocationList};
use domain::shared::Clock;
use edge::{Cache, RateLimiter};

use crate::settings::{Settings, redact_url};

/// Every shared store, behind its port.
pub struct SharedStores {
    /// Revoked sessions.
    pub revocations: Arc<dyn RevocationList>,
    /// This instance's copy of the recent revocations, kept up to date from the database
    /// (`None` when the list is the database itself).
    pub revocation_copy: Option<Arc<MemoryRevocationList>>,
    /// Login failure counters and locks.
    pub throttle: Arc<dyn LoginThrottle>,
    /// Request rate limits.
    pub limiter: Arc<dyn RateLimiter>,
    /// The read cache.
    pub cache: Arc<dyn Cache>,
    /// Where they live, for `/health/ready`.
    pub health: Arc<dyn SharedStateHealth>,
}

/// Builds the stores the settings ask for. Redis being down at start is not an error: the
/// service starts degraded and recovers when Redis answers.
///
/// # Errors
/// When `REDIS_URL` cannot be used (not a Redis URL).
pub fn build(settings: &Settings, clock: &Arc<dyn Clock>, db: &Arc<SeaStore>) -> anyhow::Result<SharedStores> {
    let Some(url) = &settings.redis_url else { return Ok(in_process(settings, clock, db)) };
    let mut config = RedisConfig::new(url.clone()).with_prefix(settings.redis_key_prefix.clone());
    config.command_timeout = Duration::from_millis(settings.redis_timeout_ms);
    config.design = settings.redis_client;
    let store = RedisStore::connect(&config).with_context(|| format!("REDIS_URL `{}`", redact_url(url)))?;
    let copy = Arc::new(MemoryRevocationList::new(clock.clone()));
    Ok(SharedStores {
        revocations: Arc::new(LayeredRevocations::new(copy.clone(), RedisRevocationList::new(store.clone()))),
        revocation_copy: Some(copy),
        throttle: Arc::new(Fallback::new(
            "login throttle",
            RedisLoginThrottle::new(store.clone()),
            MemoryLoginThrottle::new(),
        )),
        limiter: Arc::new(Fallback::new(
            "rate limiter",
            RedisRateLimiter::new(store.clone()),
            MemoryRateLimiter::new(clock.clone()),
        )),
        cache: Arc::new(JournaledCache::new(RedisCache::new(store.clone()))),
        health: Arc::new(RedisHealth(store)),
    })
}

fn in_process(settings: &Settings, clock: &Arc<dyn Clock>, db: &Arc<SeaStore>) -> SharedStores {
    let (revocations, revocation_copy): (Arc<dyn RevocationList>, _) = if settings.database_url.starts_with("sqlite:") {
        let list = Arc::new(MemoryRevocationList::new(clock.clone()));
        (list.clone(), Some(list))
    } else {
        (db.clone(), None)
    };
    SharedStores {
        revocations,
        revocation_copy,
        throttle: Arc::new(MemoryLoginThrottle::new()),
        limiter: Arc::new(MemoryRateLimiter::new(clock.clone())),
        cache: Arc::new(MemoryCache::default()),
        health: Arc::new(InProcess),
    }
}

/// `/health/ready`'s view of Redis.
struct RedisHealth(RedisStore);

#[async_trait::async_trait]
impl SharedStateHealth for RedisHealth {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn ping(&self) -> Result<Duration, anyhow::Error> {
        Ok(self.0.ping().await?)
    }
}
