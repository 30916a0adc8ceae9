//! Idempotency scopes in Redis: one hash per scope, claimed, completed and released by scripts
//! that check the claim's token.

use std::sync::LazyLock;
use std::time::Duration;

use anyhow::anyhow;
use async_trait::async_trait;
use deadpool_redis::redis::Script;
use domain::edge::{Claim, IdempotencyStore, LeaseToken, StoredResponse};
use domain::store::StoreError;

use super::connection::Op;
use super::{RedisStore, hashed, millis};
use crate::memory::new_token;

/// KEYS[1]: the scope. ARGV: fingerprint, token, lease (ms).
/// Returns {'acquired'}, {'mismatch'}, {'in_progress'} or {'replay', status, headers, body}.
const CLAIM: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'token', ARGV[2], 'state', 'running')
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'acquired'}
end
local v = redis.call('HMGET', KEYS[1], 'fp', 'state', 'status', 'headers', 'body')
if v[1] ~= ARGV[1] then return {'mismatch'} end
if v[2] ~= 'done' then return {'in_progress'} end
return {'replay', v[3] or '', v[4] or '', v[5] or ''}
";

/// KEYS[1]: the scope. ARGV: token, status, headers (JSON), body, retention (ms).
const COMPLETE: &str = r"
local v = redis.call('HMGET', KEYS[1], 'token', 'state')
if v[1] ~= ARGV[1] or v[2] ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'headers', ARGV[3], 'body', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
";

/// KEYS[1]: the scope. ARGV: token.
const RELEASE: &str = r"
local v = redis.call('HMGET', KEYS[1], 'token', 'state')
if v[1] ~= ARGV[1] or v[2] ~= 'running' then return 0 end
return redis.call('DEL', KEYS[1])
";

static CLAIM_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CLAIM));
static COMPLETE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(COMPLETE));
static RELEASE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RELEASE));

/// Idempotency scopes in Redis: `{prefix}idem:{sha256(scope)}`, a hash of the fingerprint,
/// the claim's token, the state (`running`/`done`) and, once done, the status, the headers
/// (JSON) and the body (raw bytes); it expires at the end of the lease, then of the retention.
#[derive(Debug, Clone)]
pub struct RedisIdempotencyStore {
    store: RedisStore,
}

impl RedisIdempotencyStore {
    /// The store on `store`.
    pub fn new(store: RedisStore) -> Self {
        Self { store }
    }

    fn scope_key(&self, scope: &str) -> String {
        self.store.key(&format!("idem:{}", hashed(scope)))
    }
}

fn unexpected(what: &str) -> StoreError {
    StoreError::Unexpected(anyhow!("idempotency claim script returned {what}"))
}

fn replay(parts: &[Vec<u8>]) -> Result<Claim, StoreError> {
    let [status, headers, body] = parts else { return Err(unexpected("a malformed replay")) };
    let status =
        std::str::from_utf8(status).ok().and_then(|s| s.parse().ok()).ok_or_else(|| unexpected("a bad status"))?;
    let headers = serde_json::from_slice(headers).map_err(|_| unexpected("bad headers"))?;
    Ok(Claim::Replay(StoredResponse { status, headers, body: body.clone() }))
}

#[async_trait]
impl IdempotencyStore for RedisIdempotencyStore {
    async fn claim(&self, scope: &str, fingerprint: &str, lease: Duration) -> Result<Claim, StoreError> {
        let token = new_token();
        let mut invocation = CLAIM_SCRIPT.key(self.scope_key(scope));
        invocation.arg(fingerprint).arg(&token.0).arg(millis(lease));
        let reply: Vec<Vec<u8>> = self.store.call(Op::Script(&invocation)).await?;
        match reply.split_first() {
            Some((tag, [])) if tag == b"acquired" => Ok(Claim::Acquired(token)),
            Some((tag, [])) if tag == b"mismatch" => Ok(Claim::Mismatch),
            Some((tag, [])) if tag == b"in_progress" => Ok(Claim::InProgress),
            Some((tag, rest)) if tag == b"replay" => replay(rest),
            _ => Err(unexpected("an unknown reply")),
        }
    }

    async fn complete(
        &self,
        scope: &str,
        token: &LeaseToken,
        response: &StoredResponse,
        retention: Duration,
    ) -> Result<(), StoreError> {
        let headers = serde_json::to_vec(&response.headers).map_err(|e| StoreError::Unexpected(e.into()))?;
        let mut invocation = COMPLETE_SCRIPT.key(self.scope_key(scope));
        invocation.arg(&token.0).arg(response.status).arg(headers).arg(&response.body).arg(millis(retention));
        let _: i64 = self.store.call(Op::Script(&invocation)).await?;
        Ok(())
    }

    async fn release(&self, scope: &str, token: &LeaseToken) -> Result<(), StoreError> {
        let mut invocation = RELEASE_SCRIPT.key(self.scope_key(scope));
        invocation.arg(&token.0);
        let _: i64 = self.store.call(Op::Script(&invocation)).await?;
        Ok(())
    }
}
