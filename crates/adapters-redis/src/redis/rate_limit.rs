//! Request rate limits in Redis: the GCRA step of [`edge::Gcra::decide`] as a Lua
//! script, on Redis's clock, with leases of units for keys that send fast.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use deadpool_redis::redis::Script;
use domain::store::StoreError;
use edge::{RateDecision, RateLimiter, RateQuota};

use super::connection::ClientDesign;
use super::connection::Op;
use super::lease::{Leases, Take};
use super::{RedisStore, hashed};

/// The GCRA step, with exactly the arithmetic of `Gcra::decide` for one unit, taking up to
/// `wanted` units at once for a lease (all values are integers of microseconds below 2^53,
/// exact in Lua's doubles). "Now" is Redis's `TIME`, so that instances with skewed clocks
/// agree; Redis 7 replicates scripts by their effects, which allows it. The key expires when
/// its bucket is full again (TAT - now).
///
/// KEYS[1]: the bucket. ARGV: interval (µs), limit, wanted (≥ 1). Returns {units granted (0:
/// refused), remaining after them, reset µs (refused: the wait for one unit)}.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local window = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local free = math.floor((now + window - tat) / interval)
if free < 1 then
  return {0, 0, tat + interval - window - now}
end
local granted = math.min(tonumber(ARGV[3]), free)
local new_tat = tat + granted * interval
local used = new_tat - now
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', string.format('%.0f', math.ceil(used / 1000)))
return {granted, math.floor((window - used) / interval), used}
";

/// GCRA buckets in Redis, keyed by (policy name, key): `{prefix}rl:{name}:{sha256(key)}`,
/// holding the TAT in microseconds since the Unix epoch, expiring when the bucket is full.
///
/// A key that sends faster than one request per 20 ms on this instance is served from a
/// *lease*: units taken from its bucket ahead of its requests (see the crate's README; quotas
/// under 32 per window are never leased). A request served from a lease still waits for a
/// round trip on its thread's connection sent after it began (shared with the thread's
/// concurrent requests, [`RedisStore::sync`]), so that every check, leased or not, is the
/// freshness barrier tracked reads rely on.
#[derive(Debug, Clone)]
pub struct RedisRateLimiter {
    store: RedisStore,
    leases: Arc<Leases>,
}

static SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(GCRA));

impl RedisRateLimiter {
    /// The limiter on `store`.
    pub fn new(store: RedisStore) -> Self {
        Self { store, leases: Arc::new(Leases::default()) }
    }
}

fn micros(value: i64) -> Duration {
    Duration::from_micros(u64::try_from(value.max(0)).unwrap_or(0))
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, quota: RateQuota) -> Result<RateDecision, StoreError> {
        let take = match self.store.design() {
            ClientDesign::Tracked => self.leases.take(key, quota, Instant::now()),
            ClientDesign::Plain => Take::Single,
        };
        let (leased, wanted) = match take {
            Take::Leased(decision) => {
                self.store.sync().await?;
                return Ok(decision);
            }
            // The top-up's script is this request's round trip after it began.
            Take::LeasedAndTopUp(decision, more) => (Some(decision), Some(more)),
            Take::Fetch(wanted) => (None, Some(wanted)),
            Take::Single => (None, None),
        };
        let bucket = self.store.key(&format!("rl:{}:{}", quota.name, hashed(key)));
        let mut invocation = SCRIPT.key(bucket);
        invocation.arg(quota.interval_micros()).arg(quota.limit.max(1)).arg(wanted.unwrap_or(1));
        let (granted, remaining, reset): (i64, i64, i64) = match self.store.call(Op::Script(&invocation)).await {
            Ok(reply) => reply,
            Err(error) => {
                if wanted.is_some() {
                    self.leases.failed(key, quota);
                }
                return Err(error);
            }
        };
        let (granted, reset) = (u32::try_from(granted).unwrap_or(0), micros(reset));
        // One unit, or none: the bucket's own figures, exactly.
        let bucket_decision = || RateDecision {
            allowed: granted > 0,
            remaining: if granted > 0 { u32::try_from(remaining.max(0)).unwrap_or(u32::MAX) } else { 0 },
            reset_after: reset,
        };
        if wanted.is_none() {
            return Ok(bucket_decision());
        }
        if granted == 0 {
            self.leases.failed(key, quota);
            return Ok(leased.unwrap_or_else(bucket_decision));
        }
        let from_lease = self.leases.granted(key, quota, Instant::now(), granted, reset, leased.is_some());
        Ok(match leased {
            Some(decision) => decision,
            None if granted > 1 => from_lease,
            None => bucket_decision(),
        })
    }
}
