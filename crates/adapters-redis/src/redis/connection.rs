//! The connections to Redis shared by every Redis port: [`RedisConfig`], and [`RedisStore`],
//! one multiplexed connection per thread with a key prefix, a time limit on every call and a
//! circuit breaker.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::ThreadId;
use std::time::Duration;

use anyhow::anyhow;
use deadpool_redis::redis::aio::MultiplexedConnection;
use deadpool_redis::redis::{
    AsyncConnectionConfig, Client, Cmd, ErrorKind, FromRedisValue, IntoConnectionInfo, ProtocolVersion, PushInfo,
    RedisError, ScriptInvocation, ServerErrorKind, Value,
};
use domain::store::StoreError;
use tokio::time::{Instant, timeout};

use super::barrier::Barrier;
use super::breaker::Breaker;
use super::tracking::{Lookup, TrackedCopies};

/// How to reach Redis and how long to wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// `redis://[user:password@]host:port[/db]` (or `rediss://` is refused: no TLS built in).
    pub url: String,
    /// Starts every key (default `engify:`), so that several deployments or tests can share one
    /// Redis. Must not contain `{` or `}` (keys use hash tags).
    pub key_prefix: String,
    /// The longest a call may take, connecting included (default 500 ms); past it the call
    /// fails with `StoreError::Unavailable`.
    pub command_timeout: Duration,
    /// How long calls fail fast after Redis stopped answering, before one tries again
    /// (default 1 s).
    pub breaker_cooldown: Duration,
    /// How calls reach Redis (default [`ClientDesign::Tracked`]).
    pub design: ClientDesign,
}

/// How a [`RedisStore`] talks to Redis. Both designs keep every guarantee of the ports (a read
/// after a write sees it, on any instance); they differ in round trips per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientDesign {
    /// One multiplexed connection per calling thread, client-side tracking of the revocation
    /// and read-cache lookups (answered from the connection's copies until Redis reports a
    /// change), and rate-limit leases for keys that send fast.
    #[default]
    Tracked,
    /// The simplest correct design, kept to measure the other against (`REDIS_CLIENT=plain`,
    /// `just bench --redis-client plain`): one multiplexed connection shared by every thread,
    /// every lookup and every rate-limit check a round trip of its own.
    Plain,
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
            breaker_cooldown: Duration::from_secs(1),
            design: ClientDesign::Tracked,
        }
    }

    /// The same configuration with another key prefix.
    #[must_use]
    pub fn with_prefix(mut self, key_prefix: impl Into<String>) -> Self {
        self.key_prefix = key_prefix.into();
        self
    }
}

/// A handle on Redis, cheap to clone; every clone shares the connections and the circuit
/// breaker.
///
/// Each thread that calls gets a multiplexed connection of its own, opened on its first call:
/// the connection's reader and writer run on the runtime of that thread (an actix worker's),
/// so a reply wakes the request that waits for it without a hop to another thread, and the
/// calls of that thread's concurrent requests are pipelined on it. Connections speak RESP3 and
/// keep local copies of *tracked* reads (revocation lookups, read-cache lookups), kept
/// current by Redis's invalidation messages.
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
    client: Client,
    /// Each calling thread's connection (the plain design's one shared connection under
    /// `None`). All are dropped when a call finds Redis unreachable; the next call opens a new
    /// one.
    connections: std::sync::Mutex<HashMap<Option<ThreadId>, Connection>>,
    /// Each calling thread's `PING` generations (see [`RedisStore::sync`]).
    barriers: std::sync::Mutex<HashMap<ThreadId, Arc<Barrier>>>,
    /// Round trips attempted by every clone.
    round_trips: AtomicU64,
    prefix: String,
    timeout: Duration,
    breaker: Breaker,
    design: ClientDesign,
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

/// One thread's connection and its copies of tracked reads.
#[derive(Clone)]
struct Connection {
    conn: MultiplexedConnection,
    copies: Arc<TrackedCopies>,
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
}

/// One round trip: a command or a script.
pub(crate) enum Op<'a> {
    /// A single command.
    Cmd(&'a Cmd),
    /// A *tracked read* of the key: a single-key read whose reply the connection keeps and
    /// answers later identical reads from, until Redis reports a change of the key
    /// (`tracking::TrackedCopies`), the copy is a minute old, or the connection drops.
    ///
    /// A copy is as fresh as the connection's last reply: Redis sends a key's invalidation on
    /// the connection before any later reply, and the connection applies it first. So a
    /// tracked read that follows any round trip on the same connection sees every write that
    /// completed before that round trip began — on any instance. The API makes such a round
    /// trip before its handlers read (the rate-limit check of every `/api/v1` request, on the
    /// worker's own connection: a script, or for a check answered from a lease,
    /// [`RedisStore::sync`]); other callers that need that guarantee call
    /// [`RedisStore::sync`] first.
    Tracked(&'a str, &'a Cmd),
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
        let invalid = |e: RedisError| StoreError::Unexpected(anyhow!("invalid REDIS_URL: {e}"));
        let info = config.url.as_str().into_connection_info().map_err(invalid)?;
        // RESP3: the invalidation messages of client-side caching arrive on the connection.
        let settings = info.redis_settings().clone().set_protocol(ProtocolVersion::RESP3);
        let client = Client::open(info.set_redis_settings(settings)).map_err(invalid)?;
        let breaker = Breaker::new(config.breaker_cooldown);
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                connections: std::sync::Mutex::new(HashMap::new()),
                barriers: std::sync::Mutex::new(HashMap::new()),
                round_trips: AtomicU64::new(0),
                prefix: config.key_prefix.clone(),
                timeout: config.command_timeout,
                breaker,
                design: config.design,
            }),
        })
    }

    /// One PING: its round-trip time (connecting included if the thread had no connection),
    /// for readiness checks.
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

    /// Returns once a round trip on this thread's connection, sent after this call began, was
    /// answered: from then on, this thread's tracked reads see every write completed before
    /// the call began, on any instance. Concurrent callers of one thread share one `PING` in
    /// flight: a caller that arrives while one is in flight waits for the next, sent when that
    /// one is answered.
    ///
    /// # Errors
    /// `StoreError::Unavailable` when Redis does not answer in time or the breaker is open.
    pub async fn sync(&self) -> Result<(), StoreError> {
        if self.inner.design == ClientDesign::Plain {
            // No copies to bring up to date: every read is a round trip of its own.
            return Ok(());
        }
        let barrier = {
            let mut barriers = self.inner.barriers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(barriers.entry(std::thread::current().id()).or_default())
        };
        barrier.pass(|| async { self.ping().await.map(|_| ()) }).await
    }

    /// How many round trips this store and its clones attempted (commands and scripts sent,
    /// or refused by the open breaker), for tests and diagnostics.
    pub fn round_trips(&self) -> u64 {
        self.inner.round_trips.load(Ordering::Relaxed)
    }

    /// The design this store was built with.
    pub fn design(&self) -> ClientDesign {
        self.inner.design
    }

    /// `key_prefix` followed by `rest`.
    pub(crate) fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.inner.prefix)
    }

    /// Runs one round trip under the time limit and the breaker (a `redis` span of its own).
    #[tracing::instrument(skip_all, name = "redis", fields(db.system = "redis"))]
    pub(crate) async fn call<T: FromRedisValue>(&self, op: Op<'_>) -> Result<T, StoreError> {
        let inner = &*self.inner;
        inner.round_trips.fetch_add(1, Ordering::Relaxed);
        if !inner.breaker.admit() {
            return Err(StoreError::Unavailable(anyhow!("redis unavailable (circuit breaker open)")));
        }
        let attempt = async {
            let Connection { mut conn, copies } = inner.connection().await?;
            let result = match op {
                Op::Cmd(cmd) => cmd.query_async(&mut conn).await,
                Op::Script(invocation) => invocation.invoke_async(&mut conn).await,
                Op::Tracked(_, cmd) if inner.design == ClientDesign::Plain => cmd.query_async(&mut conn).await,
                Op::Tracked(key, cmd) => tracked_read(&mut conn, &copies, key, cmd)
                    .await
                    .and_then(|value| T::from_redis_value(value).map_err(RedisError::from)),
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
            inner.forget_connections();
            inner.breaker.failed(&failure.error);
            Err(StoreError::Unavailable(failure.error))
        } else {
            // Redis answered, with an error of the script or the data.
            inner.breaker.succeeded();
            Err(StoreError::Unexpected(failure.error))
        }
    }
}

/// `cmd`, a read of `key`, answered from the connection's copy or sent as a tracked read
/// (`CLIENT CACHING YES`, the read, and `PTTL` of the key, in one write) and kept.
async fn tracked_read(
    conn: &mut MultiplexedConnection,
    copies: &TrackedCopies,
    key: &str,
    cmd: &Cmd,
) -> Result<Value, RedisError> {
    let command = cmd.get_packed_command();
    let mark = match copies.lookup(key, &command, std::time::Instant::now()) {
        Lookup::Copy(value) => return Ok(value),
        Lookup::Missing(mark) => mark,
    };
    let mut pipe = deadpool_redis::redis::pipe();
    pipe.cmd("CLIENT").arg("CACHING").arg("YES").ignore().add_command(cmd.clone()).cmd("PTTL").arg(key);
    let (value, pttl): (Value, i64) = pipe.query_async(conn).await?;
    // -1: no time-to-live; -2: no such key (a write creating it is reported).
    let expires_in = u64::try_from(pttl).ok().map(Duration::from_millis);
    copies.keep(key, command, value.clone(), mark, std::time::Instant::now(), expires_in);
    Ok(value)
}

impl Inner {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<Option<ThreadId>, Connection>> {
        self.connections.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// This thread's connection, opened when it has none, with client tracking on (`OPTIN`);
    /// in the plain design, the one connection of every thread, without tracking.
    async fn connection(&self) -> Result<Connection, Failure> {
        let thread = match self.design {
            ClientDesign::Tracked => Some(std::thread::current().id()),
            ClientDesign::Plain => None,
        };
        if let Some(connection) = self.slots().get(&thread).cloned() {
            return Ok(connection);
        }
        let copies = Arc::new(TrackedCopies::default());
        let pushed = Arc::clone(&copies);
        // Called by the connection's reader, in the order of the stream, before the replies
        // that follow are handed out.
        let config = AsyncConnectionConfig::new().set_push_sender(move |push: PushInfo| {
            pushed.pushed(&push);
            Ok::<(), deadpool_redis::redis::aio::SendError>(())
        });
        let mut conn =
            self.client.get_multiplexed_async_connection_with_config(&config).await.map_err(Failure::redis)?;
        if self.design == ClientDesign::Tracked {
            let mut tracking = Cmd::new();
            tracking.arg("CLIENT").arg("TRACKING").arg("ON").arg("OPTIN");
            let () = tracking.query_async(&mut conn).await.map_err(Failure::redis)?;
        }
        let connection = Connection { conn, copies };
        self.slots().insert(thread, connection.clone());
        Ok(connection)
    }

    /// Drops every connection after Redis was found unreachable.
    fn forget_connections(&self) {
        self.slots().clear();
    }
}
