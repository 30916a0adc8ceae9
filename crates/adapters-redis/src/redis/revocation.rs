//! The session revocation list in Redis: one key per revoked session, expiring at its `until`.

use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_redis::redis::{Script, cmd};
use domain::accounts::RevocationList;
use domain::shared::SessionId;
use domain::store::StoreError;

use super::RedisStore;
use super::connection::Op;

/// KEYS[1]: the session. ARGV: until (ms since the Unix epoch, rounded up). Never shortens an
/// existing revocation; a revocation already over (on Redis's clock) stores nothing.
const REVOKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if until_ms <= now or until_ms <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
return 1
";

static REVOKE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE));

/// Revoked sessions in Redis: `{prefix}revoked:{session id}`, holding and expiring at the
/// revocation's end (milliseconds since the Unix epoch, rounded up: never shorter).
///
/// The lookup is a tracked read (see `tracked` in `connection`): a session's every later
/// request on the same worker is answered from the connection's copy, which Redis invalidates
/// the moment the session is revoked, anywhere.
#[derive(Debug, Clone)]
pub struct RedisRevocationList {
    store: RedisStore,
}

impl RedisRevocationList {
    /// The list on `store`.
    pub fn new(store: RedisStore) -> Self {
        Self { store }
    }

    fn session_key(&self, session: SessionId) -> String {
        self.store.key(&format!("revoked:{session}"))
    }
}

/// Milliseconds since the Unix epoch, rounded up.
fn ceil_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros().div_euclid(1000) + i64::from(at.timestamp_micros().rem_euclid(1000) != 0)
}

#[async_trait]
impl RevocationList for RedisRevocationList {
    async fn revoke(&self, session: SessionId, until: DateTime<Utc>) -> Result<(), StoreError> {
        let mut invocation = REVOKE_SCRIPT.key(self.session_key(session));
        invocation.arg(ceil_millis(until));
        let _: i64 = self.store.call(Op::Script(&invocation)).await?;
        Ok(())
    }

    async fn is_revoked(&self, session: SessionId) -> Result<bool, StoreError> {
        let key = self.session_key(session);
        let mut exists = cmd("EXISTS");
        exists.arg(&key);
        self.store.call(Op::Tracked(&key, &exists)).await
    }
}
