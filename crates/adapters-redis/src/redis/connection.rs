//! The connection to Redis shared by every Redis port: [`RedisConfig`], and [`RedisStore`], a
//! pool with a key prefix, a time limit on every call and a circuit breaker.

use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use deadpool_redis::redis::aio::MultiplexedConnection;
use deadpool_redis::redis::{Cmd, ErrorKind, FromRedisValue, RedisError, ScriptInvocation, ServerErrorKind};
use deadpool_redis::{Pool, PoolError, Runtime, Timeouts};
use domain::store::StoreError;
use tokio::time::{Instant, timeout};

use super::breaker::Breaker;

/// How to reach Redis and how long to wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// `redis://[user:password@]host:port[/db]` (or `rediss://` is refused: no TLS built in).
    pub url: String,
    /// Starts every key (default `engify:`), so that several deployments or tests can share one
    /// Redis. Must not contain `{` or `}` (keys use hash tags).
    pub key_prefix: String,
    /// The longest a call may take, pool wait and connect included (default 500 ms); past it
    /// the call fails with `StoreError::Unavailable`.
    pub command_timeout: Duration,
    /// The most connections kept open (default 8). Each is multiplexed: many calls share one.
    pub pool_size: usize,
    /// How long calls fail fast after Redis stopped answering, before one tries again
    /// (default 1 s).
    pub breaker_cooldown: Duration,
}

impl RedisConfig {
    /// The default prefix of keys.
    pub const DEFAULT_PREFIX: &'static str = "engify:";

    /// The defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            key_prefix: Self::DEFAULT_PREFIX.to_owned(),
            command_timeout: Duration::from_millis(500),
            pool_size: 8,
            breaker_cooldown: Duration::from_secs(1),
        }
    }

    /// The same configuration with another key prefix.
    #[must_use]
    pub fn with_prefix(mut self, key_prefix: impl Into<String>) -> Self {
        self.key_prefix = key_prefix.into();
        self
    }
}

/// A handle on Redis, cheap to clone; every clone shares the pool and the circuit breaker.
///
/// Each call is one round trip (one command or one Lua script), limited to
/// `command_timeout`. A call that fails to reach Redis (refused, dropped, timed out) opens the
/// breaker: for `breaker_cooldown` every call fails at once with `StoreError::Unavailable`,
/// then one call is let through to probe, and its success closes the breaker.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    /// A multiplexed connection taken from the pool and shared by every call: many calls
    /// pipeline on it at once, and a call costs its one round trip (checking a connection out
    /// of the pool costs a PING each time). Dropped when a call finds Redis unreachable; the
    /// next call takes a connection from the pool again, which checks it.
    shared: std::sync::Mutex<Option<MultiplexedConnection>>,
    prefix: String,
    timeout: Duration,
    breaker: Breaker,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.inner.prefix)
            .field("timeout", &self.inner.timeout)
            .field("breaker_open", &self.inner.breaker.is_open())
            .finish_non_exhaustive()
    }
}

/// A call's failure, and whether it means Redis is unreachable.
struct Failure {
    error: anyhow::Error,
    unreachable: bool,
}

impl Failure {
    fn redis(e: RedisError) -> Self {
        let unreachable = e.is_io_error()
            || e.is_connection_dropped()
            || e.is_connection_refusal()
            || e.is_timeout()
            || matches!(
                e.kind(),
                ErrorKind::Server(
                    ServerErrorKind::BusyLoading
                        | ServerErrorKind::TryAgain
                        | ServerErrorKind::ClusterDown
                        | ServerErrorKind::MasterDown
                )
            );
        Self { error: anyhow::Error::new(e), unreachable }
    }

    fn pool(e: PoolError) -> Self {
        match e {
            PoolError::Backend(e) => Self::redis(e),
            PoolError::Timeout(kind) => {
                Self { error: anyhow!("no redis connection in time ({kind:?})"), unreachable: true }
            }
            other => Self { error: anyhow!("redis pool: {other}"), unreachable: false },
        }
    }
}

/// One round trip: a command or a script.
pub(crate) enum Op<'a> {
    /// A single command.
    Cmd(&'a Cmd),
    /// A script (EVALSHA, falling back on EVAL the first time a server sees it).
    Script(&'a ScriptInvocation<'a>),
}

impl RedisStore {
    /// A store for `config`. Checks the URL but does not connect: the service starts while
    /// Redis is down, and its calls fail with `StoreError::Unavailable` until Redis answers.
    ///
    /// # Errors
    /// `StoreError::Unexpected` for an invalid URL or key prefix.
    pub fn connect(config: &RedisConfig) -> Result<Self, StoreError> {
        if config.key_prefix.contains(['{', '}']) {
            return Err(StoreError::Unexpected(anyhow!("the redis key prefix must not contain braces")));
        }
        let limit = Some(config.command_timeout);
        let pool = deadpool_redis::Config::from_url(config.url.clone())
            .builder()
            .map_err(|e| StoreError::Unexpected(anyhow!("invalid REDIS_URL: {e}")))?
            .max_size(config.pool_size.max(1))
            .timeouts(Timeouts { wait: limit, create: limit, recycle: limit })
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Unexpected(anyhow!("cannot build the redis pool: {e}")))?;
        let breaker = Breaker::new(config.breaker_cooldown);
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                shared: std::sync::Mutex::new(None),
                prefix: config.key_prefix.clone(),
                timeout: config.command_timeout,
                breaker,
            }),
        })
    }

    /// One PING: its round-trip time (connection included if the pool had none), for readiness
    /// checks.
    ///
    /// # Errors
    /// `StoreError::Unavailable` when Redis does not answer in time or the breaker is open.
    pub async fn ping(&self) -> Result<Duration, StoreError> {
        let start = Instant::now();
        let pong: String = self.call(Op::Cmd(&deadpool_redis::redis::cmd("PING"))).await?;
        if pong != "PONG" {
            return Err(StoreError::Unexpected(anyhow!("PING answered {pong:?}")));
        }
        Ok(start.elapsed())
    }

    /// `key_prefix` followed by `rest`.
    pub(crate) fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.inner.prefix)
    }

    /// Runs one round trip under the time limit and the breaker (a `redis` span of its own).
    #[tracing::instrument(skip_all, name = "redis", fields(db.system = "redis"))]
    pub(crate) async fn call<T: FromRedisValue>(&self, op: Op<'_>) -> Result<T, StoreError> {
        let inner = &*self.inner;
        if !inner.breaker.admit() {
            return Err(StoreError::Unavailable(anyhow!("redis unavailable (circuit breaker open)")));
        }
        let attempt = async {
            let mut conn = inner.connection().await?;
            let result = match op {
                Op::Cmd(cmd) => cmd.query_async(&mut conn).await,
                Op::Script(invocation) => invocation.invoke_async(&mut conn).await,
            };
            result.map_err(Failure::redis)
        };
        let failure = match timeout(inner.timeout, attempt).await {
            Ok(Ok(value)) => {
                inner.breaker.succeeded();
                return Ok(value);
            }
            Ok(Err(failure)) => failure,
            Err(_) => Failure { error: anyhow!("redis did not answer within {:?}", inner.timeout), unreachable: true },
        };
        if failure.unreachable {
            inner.forget_connection();
            inner.breaker.failed(&failure.error);
            Err(StoreError::Unavailable(failure.error))
        } else {
            // Redis answered, with an error of the script or the data.
            inner.breaker.succeeded();
            Err(StoreError::Unexpected(failure.error))
        }
    }
}

impl Inner {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<MultiplexedConnection>> {
        self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The shared connection, taken from the pool (and checked by it) when there is none.
    async fn connection(&self) -> Result<MultiplexedConnection, Failure> {
        if let Some(conn) = self.slot().clone() {
            return Ok(conn);
        }
        let pooled = self.pool.get().await.map_err(Failure::pool)?;
        let conn = MultiplexedConnection::clone(&pooled);
        *self.slot() = Some(conn.clone());
        Ok(conn)
    }

    /// Drops the shared connection after Redis was found unreachable.
    fn forget_connection(&self) {
        *self.slot() = None;
    }
}
