//! Request rate limits in Redis: the GCRA step of [`domain::edge::Gcra::decide`] as a Lua
//! script, on Redis's clock.

use std::sync::LazyLock;

use async_trait::async_trait;
use deadpool_redis::redis::Script;
use domain::edge::{RateDecision, RateLimiter, RateQuota};
use domain::store::StoreError;

use super::connection::Op;
use super::{RedisStore, hashed};

/// The GCRA step, with exactly the arithmetic of `Gcra::decide` (all values are integers of
/// microseconds below 2^53, exact in Lua's doubles). "Now" is Redis's `TIME`, so that
/// instances with skewed clocks agree; Redis 7 replicates scripts by their effects, which
/// allows it. The key expires when its bucket is full again (TAT - now).
///
/// KEYS[1]: the bucket. ARGV: interval (µs), limit. Returns {allowed, remaining, reset µs}.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local window = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - window
if now < allow_at then
  return {0, 0, allow_at - now}
end
local used = new_tat - now
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', string.format('%.0f', math.ceil(used / 1000)))
return {1, math.floor((window - used) / interval), used}
";

/// GCRA buckets in Redis, keyed by (policy name, key): `{prefix}rl:{name}:{sha256(key)}`,
/// holding the TAT in microseconds since the Unix epoch, expiring when the bucket is full.
#[derive(Debug, Clone)]
pub struct RedisRateLimiter {
    store: RedisStore,
}

static SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(GCRA));

impl RedisRateLimiter {
    /// The limiter on `store`.
    pub fn new(store: RedisStore) -> Self {
        Self { store }
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, quota: RateQuota) -> Result<RateDecision, StoreError> {
        let bucket = self.store.key(&format!("rl:{}:{}", quota.name, hashed(key)));
        let mut invocation = SCRIPT.key(bucket);
        invocation.arg(quota.interval_micros()).arg(quota.limit.max(1));
        let (allowed, remaining, reset): (i64, i64, i64) = self.store.call(Op::Script(&invocation)).await?;
        Ok(RateDecision {
            allowed: allowed == 1,
            remaining: u32::try_from(remaining.max(0)).unwrap_or(u32::MAX),
            reset_after: std::time::Duration::from_micros(u64::try_from(reset.max(0)).unwrap_or(0)),
        })
    }
}
