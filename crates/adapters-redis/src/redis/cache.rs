//! The read cache in Redis: a generation counter per namespace and one hash per cached value,
//! both under the namespace's hash tag. Lookups are two tracked reads (answered from the
//! connection's copies while Redis reports no change: a hit usually costs no round trip);
//! stores and invalidations are scripts that compare generations.

use std::sync::LazyLock;
use std::time::Duration;

use anyhow::anyhow;
use async_trait::async_trait;
use deadpool_redis::redis::{Script, cmd};
use domain::store::StoreError;
use edge::{Cache, CacheLookup, CacheNamespace, Generation};

use super::connection::Op;
use super::{RedisStore, millis};

/// How long a generation counter lives after its last use (invalidation or put). Values never
/// live longer (their time-to-live is capped to it), so a counter only disappears — and
/// restarts at 0 — when no value of its namespace is left to be mistaken for a current one.
pub const GENERATION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// KEYS[1]: the generation, KEYS[2]: the entry. ARGV: generation, value, ttl (ms),
/// generation ttl (ms). Stores only under the current generation.
const PUT: &str = r"
local g = redis.call('GET', KEYS[1])
if (g or '0') ~= ARGV[1] then return 0 end
if g then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
else
  redis.call('SET', KEYS[1], '0', 'PX', ARGV[4])
end
redis.call('HSET', KEYS[2], 'g', ARGV[1], 'v', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
";

/// KEYS[1]: the generation. ARGV: generation ttl (ms).
const INVALIDATE: &str = r"
local g = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return g
";

static PUT_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(PUT));
static INVALIDATE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(INVALIDATE));

/// The read cache in Redis. For a namespace (organization, kind):
/// `{prefix}cache:{org:kind}:gen` holds the generation (absent = 0) and
/// `{prefix}cache:{org:kind}:v:{key}` a hash of the generation the value was computed under
/// and the value, expiring after the `ttl` given to `put` (at most [`GENERATION_TTL`]).
#[derive(Debug, Clone)]
pub struct RedisCache {
    store: RedisStore,
}

impl RedisCache {
    /// The cache on `store`.
    pub fn new(store: RedisStore) -> Self {
        Self { store }
    }

    fn tag(namespace: CacheNamespace) -> String {
        format!("cache:{{{}:{}}}", namespace.organization, namespace.kind)
    }

    fn generation_key(&self, namespace: CacheNamespace) -> String {
        self.store.key(&format!("{}:gen", Self::tag(namespace)))
    }

    fn entry_key(&self, namespace: CacheNamespace, key: &str) -> String {
        self.store.key(&format!("{}:v:{key}", Self::tag(namespace)))
    }
}

fn generation(raw: &[u8]) -> Result<Generation, StoreError> {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| StoreError::Unexpected(anyhow!("cache generation is not a number")))
}

#[async_trait]
impl Cache for RedisCache {
    /// The generation, then the entry. Not atomic, and need not be: an entry of the generation
    /// read is that generation's value (a value is stored only under the generation current
    /// then), and an entry of any other generation is a miss — a store with the generation
    /// read then fails if the generation moved meanwhile.
    async fn get(&self, namespace: CacheNamespace, key: &str) -> Result<CacheLookup, StoreError> {
        let generation_key = self.generation_key(namespace);
        let mut current = cmd("GET");
        current.arg(&generation_key);
        let current: Option<Vec<u8>> = self.store.call(Op::Tracked(&generation_key, &current)).await?;
        let current = current.as_deref().map_or(Ok(0), generation)?;
        let entry_key = self.entry_key(namespace, key);
        let mut entry = cmd("HMGET");
        entry.arg(&entry_key).arg("g").arg("v");
        let (stored, value): (Option<Vec<u8>>, Option<Vec<u8>>) =
            self.store.call(Op::Tracked(&entry_key, &entry)).await?;
        match (stored.as_deref().map(generation).transpose()?, value) {
            (Some(stored), Some(value)) if stored == current => Ok(CacheLookup::Hit(value)),
            _ => Ok(CacheLookup::Miss(current)),
        }
    }

    async fn put(
        &self,
        namespace: CacheNamespace,
        key: &str,
        generation: Generation,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        if ttl.is_zero() {
            return Ok(());
        }
        let mut invocation = PUT_SCRIPT.key(self.generation_key(namespace));
        invocation.key(self.entry_key(namespace, key));
        invocation.arg(generation).arg(value).arg(millis(ttl.min(GENERATION_TTL))).arg(millis(GENERATION_TTL));
        let _: i64 = self.store.call(Op::Script(&invocation)).await?;
        Ok(())
    }

    async fn invalidate(&self, namespace: CacheNamespace) -> Result<(), StoreError> {
        let mut invocation = INVALIDATE_SCRIPT.key(self.generation_key(namespace));
        invocation.arg(millis(GENERATION_TTL));
        let _: i64 = self.store.call(Op::Script(&invocation)).await?;
        Ok(())
    }
}
