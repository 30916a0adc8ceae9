//! The login throttle in Redis, with the semantics of [`crate::memory::MemoryLoginThrottle`]:
//! instants come from the caller, and each operation is one script or command.

use std::net::IpAddr;
use std::sync::LazyLock;

use anyhow::anyhow;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_redis::redis::{Script, cmd};
use domain::accounts::{FailureCounts, LoginThrottle, ThrottleScope, ThrottleSubject};
use domain::store::StoreError;

use super::connection::Op;
use super::{RedisStore, hashed};
use crate::memory::{CONSECUTIVE_IDLE_TTL, FAILURE_WINDOW};

/// KEYS[1]: the consecutive counter (hash n, last), KEYS[2]: the failure window (sorted set of
/// failure times). ARGV: now (µs), a unique member, window (µs), idle limit (µs), idle limit
/// (ms), window (ms). Returns {consecutive, failures in the window}.
const RECORD_FAILURE: &str = r"
local now = tonumber(ARGV[1])
local c = redis.call('HMGET', KEYS[1], 'n', 'last')
local n = tonumber(c[1] or '0') or 0
local last = tonumber(c[2] or ARGV[1]) or now
if now - last >= tonumber(ARGV[4]) then n = 0 end
n = n + 1
if now > last then last = now end
redis.call('HSET', KEYS[1], 'n', string.format('%.0f', n), 'last', string.format('%.0f', last))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - tonumber(ARGV[3])))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
local total = redis.call('ZCARD', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return {n, total}
";

/// KEYS[1]: the lock. ARGV: until (µs), until (ms, rounded up). Never shortens a lock; a lock
/// already over on Redis's clock stores nothing.
const LOCK: &str = r"
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) <= current then return 0 end
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(ARGV[2]) <= now_ms then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
return 1
";

/// KEYS: the locks that apply. ARGV: now (µs). Returns the latest end after now, or nil.
const LOCKED_UNTIL: &str = r"
local now = tonumber(ARGV[1])
local best, best_n = false, now
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  local n = v and tonumber(v)
  if n and n > best_n then best, best_n = v, n end
end
return best
";

static RECORD_FAILURE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RECORD_FAILURE));
static LOCK_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(LOCK));
static LOCKED_UNTIL_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(LOCKED_UNTIL));

/// Failure counters and locks in Redis. For (scope, subject) — a subject is an email at one
/// organization, [`ThrottleSubject::key`] `{slug}/{email}` —, under the hash tag
/// `{scope:sha256(subject)}` (`T` below):
///
/// | key | holds | expires |
/// | --- | --- | --- |
/// | `{prefix}throttle:T:c:{sha256(ip) or none}` | hash: consecutive count, last failure (µs) | 24 h after the last failure |
/// | `{prefix}throttle:T:w` | sorted set of failure times (µs) of the last hour | 1 h after the last failure |
/// | `{prefix}throttle:T:lock:{sha256(ip)}` | the IP lock's end (µs) | at its end |
/// | `{prefix}throttle:T:lock:all` | the every-IP lock's end (µs) | at its end |
#[derive(Debug, Clone)]
pub struct RedisLoginThrottle {
    store: RedisStore,
}

impl RedisLoginThrottle {
    /// The throttle on `store`.
    pub fn new(store: RedisStore) -> Self {
        Self { store }
    }

    fn key(&self, scope: ThrottleScope, subject: &ThrottleSubject, rest: &str) -> String {
        self.store.key(&format!("throttle:{{{}:{}}}:{rest}", scope.as_str(), hashed(&subject.key())))
    }

    fn consecutive_key(&self, scope: ThrottleScope, subject: &ThrottleSubject, ip: Option<IpAddr>) -> String {
        let ip = ip.map_or_else(|| "none".to_owned(), |ip| hashed(&ip.to_string()));
        self.key(scope, subject, &format!("c:{ip}"))
    }
}

fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

fn ceil_millis(at: DateTime<Utc>) -> i64 {
    micros(at).div_euclid(1000) + i64::from(micros(at).rem_euclid(1000) != 0)
}

fn saturating_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[async_trait]
impl LoginThrottle for RedisLoginThrottle {
    async fn locked_until(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut invocation = LOCKED_UNTIL_SCRIPT.key(self.key(scope, subject, "lock:all"));
        // Without an IP there is no per-IP lock to find: only the every-IP lock applies.
        if let Some(ip) = ip {
            invocation.key(self.key(scope, subject, &format!("lock:{}", hashed(&ip.to_string()))));
        }
        invocation.arg(micros(now));
        let until: Option<String> = self.store.call(Op::Script(&invocation)).await?;
        until
            .map(|raw| {
                raw.parse()
                    .ok()
                    .and_then(DateTime::from_timestamp_micros)
                    .ok_or_else(|| StoreError::Unexpected(anyhow!("a lock's end is not an instant: {raw:?}")))
            })
            .transpose()
    }

    async fn record_failure(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<FailureCounts, StoreError> {
        let window = FAILURE_WINDOW.to_std().unwrap_or_default();
        let idle = CONSECUTIVE_IDLE_TTL.to_std().unwrap_or_default();
        let mut invocation = RECORD_FAILURE_SCRIPT.key(self.consecutive_key(scope, subject, ip));
        invocation
            .key(self.key(scope, subject, "w"))
            .arg(micros(now))
            .arg(uuid::Uuid::now_v7().simple().to_string())
            .arg(window.as_micros().to_string())
            .arg(idle.as_micros().to_string())
            .arg(idle.as_millis().to_string())
            .arg(window.as_millis().to_string());
        let (consecutive, last_hour): (i64, i64) = self.store.call(Op::Script(&invocation)).await?;
        Ok(FailureCounts {
            consecutive_from_ip: saturating_u32(consecutive),
            last_hour_all_ips: saturating_u32(last_hour),
        })
    }

    async fn lock(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let rest = ip.map_or_else(|| "lock:all".to_owned(), |ip| format!("lock:{}", hashed(&ip.to_string())));
        let mut invocation = LOCK_SCRIPT.key(self.key(scope, subject, &rest));
        invocation.arg(micros(until)).arg(ceil_millis(until));
        let _: i64 = self.store.call(Op::Script(&invocation)).await?;
        Ok(())
    }

    async fn reset(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        let mut del = cmd("DEL");
        del.arg(self.consecutive_key(scope, subject, ip));
        let _: i64 = self.store.call(Op::Cmd(&del)).await?;
        Ok(())
    }
}
