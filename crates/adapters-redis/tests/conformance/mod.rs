//! The conformance suite of the edge-state ports: async functions taking a port, run by the
//! test files against both the in-process and the Redis implementation, which must behave
//! alike. Each test binary uses part of it.

#![allow(dead_code, reason = "each test binary uses part of the suite")]

pub mod cache;
pub mod rate_limit;
pub mod revocation;
pub mod throttle;

use std::time::Duration;

use adapters_redis::redis::{RedisConfig, RedisStore};

/// A Redis store with a fresh key prefix, or `None` (test skipped) without `TEST_REDIS_URL`.
pub fn redis_store() -> Option<RedisStore> {
    let (url, prefix) = test_support::redis::url_and_prefix()?;
    // Generous: tests run in parallel on a small machine.
    let config = RedisConfig { command_timeout: Duration::from_secs(2), ..RedisConfig::new(url).with_prefix(prefix) };
    Some(RedisStore::connect(&config).unwrap())
}

/// A key no other test uses.
pub fn unique(what: &str) -> String {
    format!("{what}-{}", uuid::Uuid::now_v7())
}
