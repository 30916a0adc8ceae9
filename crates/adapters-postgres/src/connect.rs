//! Opening the database: PostgreSQL for production, SQLite for the embedded default, each with
//! the settings its guarantees depend on.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// `postgres://…` or `sqlite://path?mode=rwc`.
    pub url: String,
    /// Pool size (`DATABASE_MAX_CONNECTIONS`).
    pub max_connections: u32,
    /// How long a request waits for a connection before the store is `Unavailable` (a 503):
    /// for a free one from the pool, including opening a new one (TCP, TLS, authentication)
    /// and checking an idle one is still alive.
    pub acquire_timeout: Duration,
}

/// The default [`DbConfig::acquire_timeout`].
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

impl DbConfig {
    /// A pool of 20 connections, waiting at most [`ACQUIRE_TIMEOUT`] for one.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), max_connections: 20, acquire_timeout: ACQUIRE_TIMEOUT }
    }

    /// The backend the URL names.
    ///
    /// # Errors
    /// For a scheme other than `postgres`, `postgresql` or `sqlite`.
    pub fn backend(&self) -> Result<DbBackend, DbErr> {
        let scheme = self.url.split_once(':').map_or("", |(s, _)| s);
        match scheme {
            "postgres" | "postgresql" => Ok(DbBackend::Postgres),
            "sqlite" => Ok(DbBackend::Sqlite),
            other => {
                Err(DbErr::Custom(format!("unsupported database URL scheme `{other}`: use postgres:// or sqlite://")))
            }
        }
    }
}

/// How long a SQLite writer waits for the write lock before giving up (`SQLITE_BUSY`, which
/// the store reports as transient so the use case runs again).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection pool.
///
/// Every wait for the database is bounded by the acquire timeout: sea-orm hands its connect
/// timeout to the same sqlx setting, which covers opening a connection, so a database that
/// accepts connections and never answers costs a request at most that long before a 503. A
/// statement on a connection already acquired has no bound of its own: the request timeout
/// (30 s) ends it.
///
/// SQLite runs in WAL mode (readers never wait for the writer), with foreign keys enforced, a
/// busy timeout, and `synchronous = NORMAL` (durable across application crashes; a power loss
/// may lose the last transactions but never corrupts the file). Write transactions are
/// `BEGIN IMMEDIATE` (see [`crate::SeaStore`]).
///
/// # Errors
/// When the URL is not PostgreSQL or SQLite, or the database cannot be reached.
pub async fn connect(config: &DbConfig) -> Result<DatabaseConnection, DbErr> {
    let backend = config.backend()?;
    let mut options = ConnectOptions::new(config.url.clone());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .acquire_timeout(config.acquire_timeout)
        .sqlx_logging(false);
    if backend == DbBackend::Sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
        });
    }
    Database::connect(options).await
}
