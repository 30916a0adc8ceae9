//! The domain's unit of work over sea-orm: [`SeaStore`] hands out repositories over the pool
//! and [`Transaction`]s over one database transaction. Every repository is implemented once,
//! for [`Repos`] over any sea-orm connection, so the same code runs inside and outside a
//! transaction.

use async_trait::async_trait;
use domain::accounts::{AuthSessionRepository, OneTimeTokenRepository, UserRepository};
use domain::audit::AuditRepository;
use domain::availability::AvailabilityRepository;
use domain::booking::BookingRepository;
use domain::bundles::BundleRepository;
use domain::catalog::{CourseRepository, CourseTaRepository, ProductRepository};
use domain::group_sessions::{TemplateRepository, WaitlistRepository};
use domain::notifications::OutboxRepository;
use domain::store::{Repositories, Store, StoreError, Transaction};
use domain::tenancy::OrganizationRepository;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::errors::DbResultExt;

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

impl Scope for DatabaseConnection {
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
}

/// The domain's [`Store`] over a sea-orm connection pool (PostgreSQL or SQLite).
pub struct SeaStore {
    repos: Repos<DatabaseConnection>,
}

impl SeaStore {
    /// A store over the pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { repos: Repos { conn: db } }
    }

    /// The pool.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.repos.conn
    }
}

#[async_trait]
impl Store for SeaStore {
    async fn begin<'a>(&'a self) -> Result<Box<dyn Transaction + 'a>, StoreError> {
        let db = &self.repos.conn;
        // SQLite: take the write lock at BEGIN, so that a transaction never reads, decides,
        // and then fails to upgrade to a writer; writers queue behind the busy timeout.
        let options = match db.get_database_backend() {
            DbBackend::Sqlite => TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            },
            _ => TransactionOptions::default(),
        };
        let txn = db.begin_with_options(options).await.store()?;
        Ok(Box::new(SeaTransaction { repos: Repos { conn: txn } }))
    }

    #[tracing::instrument(skip_all, name = "db.ping")]
    async fn ping(&self) -> Result<(), StoreError> {
        self.repos.conn.ping().await.store()
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
