//! The domain's unit of work over sea-orm: [`SeaStore`] hands out repositories over the pool
//! and [`Transaction`]s over one database transaction. Every repository is implemented once,
//! for [`Repos`] over any sea-orm connection, so the same code runs inside and outside a
//! transaction.
//!
//! The store's own connection is [`Routed`]: the pool, except while the task handles a keyed
//! request (see [`crate::keyed`]), when every statement goes to that request's transaction and
//! [`Store::begin`] opens a savepoint of it.

use async_trait::async_trait;
use domain::accounts::{AuthSessionRepository, OneTimeTokenRepository, UserRepository};
use domain::attendance::AttendanceRepository;
use domain::audit::AuditRepository;
use domain::availability::AvailabilityRepository;
use domain::booking::BookingRepository;
use domain::bundles::BundleRepository;
use domain::catalog::{CourseRepository, CourseTaRepository, ProductRepository};
use domain::group_sessions::{TemplateRepository, WaitlistRepository};
use domain::notifications::OutboxRepository;
use domain::reports::ReportRepository;
use domain::series::SeriesRepository;
use domain::store::{Repositories, Store, StoreError, Transaction};
use domain::tenancy::OrganizationRepository;
use domain::time_off::TimeOffRepository;
use std::future::Future;
use std::pin::Pin;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, IsolationLevel,
    QueryResult, SqliteTransactionMode, Statement, TransactionError, TransactionOptions, TransactionTrait,
};

use crate::errors::DbResultExt;
use crate::keyed::current_unit;

/// Repositories over one sea-orm connection: the pool, or an open transaction.
pub(crate) struct Repos<C> {
    pub(crate) conn: C,
}

/// Whether statements on a connection belong to a transaction some caller opened (and will
/// commit or roll back as a whole), or each commits on its own.
pub(crate) trait Scope {
    /// `true` for an open transaction.
    const IN_TRANSACTION: bool;
}

impl Scope for Routed {
    // A keyed request's unit is a transaction, but one the repository's caller did not open:
    // a repository that needs several statements to be atomic still opens its own (a
    // savepoint of the unit).
    const IN_TRANSACTION: bool = false;
}

impl Scope for DatabaseTransaction {
    const IN_TRANSACTION: bool = true;
}

macro_rules! repositories {
    ($($method:ident: $port:ident;)*) => {
        impl<C: ConnectionTrait + TransactionTrait + Scope + Send + Sync + 'static> Repositories for Repos<C> {
            $(fn $method(&self) -> &dyn $port { self })*
        }

        impl Repositories for SeaStore {
            $(fn $method(&self) -> &dyn $port { &self.repos })*
        }

        impl Repositories for SeaTransaction {
            $(fn $method(&self) -> &dyn $port { &self.repos })*
        }
    };
}

repositories! {
    organizations: OrganizationRepository;
    users: UserRepository;
    auth_sessions: AuthSessionRepository;
    one_time_tokens: OneTimeTokenRepository;
    courses: CourseRepository;
    course_tas: CourseTaRepository;
    products: ProductRepository;
    availability: AvailabilityRepository;
    bundles: BundleRepository;
    bookings: BookingRepository;
    templates: TemplateRepository;
    waitlist: WaitlistRepository;
    outbox: OutboxRepository;
    audit: AuditRepository;
    time_off: TimeOffRepository;
    series: SeriesRepository;
    attendance: AttendanceRepository;
    reports: ReportRepository;
}

/// How transactions begin on each backend. SQLite takes the write lock at BEGIN, so that a
/// transaction never reads, decides, and then fails to upgrade to a writer; writers queue
/// behind the busy timeout.
pub(crate) fn begin_options(backend: DbBackend) -> TransactionOptions {
    match backend {
        DbBackend::Sqlite => {
            TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }
        }
        _ => TransactionOptions::default(),
    }
}

/// The domain's [`Store`] over a sea-orm connection pool (PostgreSQL or SQLite).
pub struct SeaStore {
    repos: Repos<Routed>,
}

impl SeaStore {
    /// A store over the pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { repos: Repos { conn: Routed { pool: db } } }
    }

    /// The pool.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.repos.conn.pool
    }

    /// The store's own connection: the pool, or the current keyed request's transaction.
    pub(crate) fn routed(&self) -> &Routed {
        &self.repos.conn
    }
}

#[async_trait]
impl Store for SeaStore {
    async fn begin<'a>(&'a self) -> Result<Box<dyn Transaction + 'a>, StoreError> {
        let txn = self.repos.conn.begin().await.store()?;
        Ok(Box::new(SeaTransaction { repos: Repos { conn: txn } }))
    }

    #[tracing::instrument(skip_all, name = "db.ping")]
    async fn ping(&self) -> Result<(), StoreError> {
        self.repos.conn.pool.ping().await.store()
    }
}

/// The store's connection: the pool, or the transaction of the keyed request the current task
/// handles. Routing every statement of such a request to its one transaction makes the
/// request's writes commit with its recorded outcome, lets it read what it wrote, and keeps it
/// to one pooled connection (a request holding one connection while waiting for a second
/// could exhaust the pool).
pub(crate) struct Routed {
    pool: DatabaseConnection,
}

/// Runs `$call` on the current keyed request's transaction if there is one, else on the pool.
macro_rules! routed {
    ($self:ident, $conn:ident => $call:expr) => {
        match current_unit() {
            Some(unit) => {
                let $conn = &*unit;
                $call.await
            }
            None => {
                let $conn = &$self.pool;
                $call.await
            }
        }
    };
}

#[async_trait]
impl ConnectionTrait for Routed {
    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        routed!(self, conn => conn.execute_raw(stmt))
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        routed!(self, conn => conn.execute_unprepared(sql))
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        routed!(self, conn => conn.query_one_raw(stmt))
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        routed!(self, conn => conn.query_all_raw(stmt))
    }

    fn support_returning(&self) -> bool {
        self.pool.support_returning()
    }
}

#[async_trait]
impl TransactionTrait for Routed {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.begin_with_options(TransactionOptions::default()).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        let options = TransactionOptions { isolation_level, access_mode, ..begin_options(self.get_database_backend()) };
        self.begin_with_options(options).await
    }

    /// Inside a keyed request: a savepoint of its transaction (the options apply to a real
    /// BEGIN only). Else a transaction of the pool, SQLite's taking the write lock at once.
    async fn begin_with_options(&self, options: TransactionOptions) -> Result<DatabaseTransaction, DbErr> {
        match current_unit() {
            Some(unit) => unit.begin().await,
            None => {
                let backend = self.get_database_backend();
                let options = TransactionOptions {
                    sqlite_transaction_mode: options
                        .sqlite_transaction_mode
                        .or(begin_options(backend).sqlite_transaction_mode),
                    ..options
                };
                self.pool.begin_with_options(options).await
            }
        }
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self.begin().await.map_err(TransactionError::Connection)?;
        run_callback(txn, callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self.begin_with_config(isolation_level, access_mode).await.map_err(TransactionError::Connection)?;
        run_callback(txn, callback).await
    }
}

/// Runs a callback in `txn`: commit on `Ok`, roll back on `Err`.
async fn run_callback<F, T, E>(txn: DatabaseTransaction, callback: F) -> Result<T, TransactionError<E>>
where
    F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
    E: std::fmt::Display + std::fmt::Debug,
{
    match callback(&txn).await {
        Ok(value) => {
            txn.commit().await.map_err(TransactionError::Connection)?;
            Ok(value)
        }
        Err(error) => {
            txn.rollback().await.map_err(TransactionError::Connection)?;
            Err(TransactionError::Transaction(error))
        }
    }
}

/// An open database transaction; dropped without commit, it rolls back.
pub struct SeaTransaction {
    repos: Repos<DatabaseTransaction>,
}

#[async_trait]
impl Transaction for SeaTransaction {
    #[tracing::instrument(skip_all, name = "db.commit")]
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.repos.conn.commit().await.store()
    }
}
