//! Keyed requests (`Idempotency-Key`) in the database: [`SqlIdempotencyStore`] opens a *unit*,
//! one transaction that holds the key's scope, and every store call the request makes runs
//! inside it (see [`Routed`](crate::store::Routed)); the request's outcome is inserted into
//! `idempotency_keys` in that transaction before it commits. The change and the answer a retry
//! replays therefore commit together or not at all, whatever crashes when.
//!
//! Who holds a scope: on PostgreSQL, the transaction holding the advisory lock of the scope's
//! digest (`pg_try_advisory_xact_lock`: released by the commit, the rollback, or the server
//! when the connection dies — no lease to wait out after a crash); on SQLite (one process),
//! an in-process set of the scopes in flight, the write lock doing the rest.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::store::StoreError;
use edge::{IdempotencyStore, KeyedUnit, Opening, RecordedOutcome, UnitWork};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, Statement, TransactionTrait,
};

use crate::entities::idempotency_keys::{ActiveModel, Column, Entity, Model};
use crate::errors::DbResultExt;
use crate::repos::ts;
use crate::store::begin_options;

tokio::task_local! {
    /// The unit of the keyed request this task is handling.
    static UNIT: Arc<DatabaseTransaction>;
}

/// The transaction of the keyed request the current task is handling, if any.
pub(crate) fn current_unit() -> Option<Arc<DatabaseTransaction>> {
    UNIT.try_with(Arc::clone).ok()
}

/// Keyed requests' scopes and outcomes in `idempotency_keys`.
pub struct SqlIdempotencyStore {
    db: DatabaseConnection,
    /// SQLite: the scopes held by a unit of this process.
    in_flight: Arc<Mutex<HashSet<String>>>,
}

impl SqlIdempotencyStore {
    /// The store over the pool (the same pool as the [`crate::SeaStore`] the requests use).
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, in_flight: Arc::default() }
    }
}

fn outcome_from_row(m: Model) -> RecordedOutcome {
    RecordedOutcome {
        fingerprint: m.fingerprint,
        status: u16::try_from(m.status).unwrap_or(500),
        sealed: m.sealed,
        created_at: m.created_at,
        expires_at: m.expires_at,
    }
}

/// The outcome recorded for `scope` and not expired at `now`.
async fn recorded(
    conn: &impl ConnectionTrait,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<Option<RecordedOutcome>, StoreError> {
    let row =
        Entity::find().filter(Column::Scope.eq(scope)).filter(Column::ExpiresAt.gt(ts(now))).one(conn).await.store()?;
    Ok(row.map(outcome_from_row))
}

/// The advisory-lock key of a scope: its first eight bytes. Two scopes sharing them (odds of
/// 2⁻⁶⁴ per pair) only make one of them answer "in progress" while the other runs.
fn lock_key(scope: &str) -> i64 {
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(scope.bytes()) {
        *slot = byte;
    }
    i64::from_be_bytes(bytes)
}

#[async_trait]
impl IdempotencyStore for SqlIdempotencyStore {
    #[tracing::instrument(skip_all, name = "db.idempotency.open")]
    async fn open(&self, scope: &str, now: DateTime<Utc>) -> Result<Opening, StoreError> {
        // A replay needs no unit: answer it from a plain read.
        if let Some(outcome) = recorded(&self.db, scope, now).await? {
            return Ok(Opening::Done(outcome));
        }
        let backend = self.db.get_database_backend();
        let guard = match backend {
            DbBackend::Sqlite => match InFlight::enter(&self.in_flight, scope) {
                Some(guard) => Some(guard),
                None => return Ok(Opening::InProgress),
            },
            _ => None,
        };
        let txn = self.db.begin_with_options(begin_options(backend)).await.store()?;
        if backend == DbBackend::Postgres {
            let lock = Statement::from_sql_and_values(
                backend,
                "SELECT pg_try_advisory_xact_lock($1) AS held",
                [lock_key(scope).into()],
            );
            let row = txn.query_one_raw(lock).await.store()?;
            let held = row.map(|r| r.try_get::<bool>("", "held")).transpose().store()?.unwrap_or(false);
            if !held {
                return Ok(Opening::InProgress);
            }
        }
        // The holder before us may have committed between the first read and the lock.
        if let Some(outcome) = recorded(&txn, scope, now).await? {
            return Ok(Opening::Done(outcome));
        }
        Ok(Opening::Fresh(Box::new(Unit { txn: Arc::new(txn), scope: scope.to_owned(), _in_flight: guard })))
    }

    #[tracing::instrument(skip_all, name = "db.idempotency.purge_expired")]
    async fn purge_expired(&self, now: DateTime<Utc>, limit: u32) -> Result<u64, StoreError> {
        // A bounded batch, by the expiry index: short statements that hold no lock for long.
        let expired = Entity::find()
            .select_only()
            .column(Column::Scope)
            .filter(Column::ExpiresAt.lte(ts(now)))
            .limit(u64::from(limit))
            .into_tuple::<String>()
            .all(&self.db)
            .await
            .store()?;
        if expired.is_empty() {
            return Ok(0);
        }
        let done = Entity::delete_many()
            .filter(Column::Scope.is_in(expired))
            .filter(Column::ExpiresAt.lte(ts(now)))
            .exec(&self.db)
            .await
            .store()?;
        Ok(done.rows_affected)
    }
}

/// A scope held by this process (SQLite), released when the unit ends.
struct InFlight {
    set: Arc<Mutex<HashSet<String>>>,
    scope: String,
}

impl InFlight {
    fn enter(set: &Arc<Mutex<HashSet<String>>>, scope: &str) -> Option<Self> {
        let fresh = set.lock().unwrap_or_else(PoisonError::into_inner).insert(scope.to_owned());
        fresh.then(|| Self { set: set.clone(), scope: scope.to_owned() })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.scope);
    }
}

/// One keyed request's transaction.
struct Unit {
    txn: Arc<DatabaseTransaction>,
    scope: String,
    _in_flight: Option<InFlight>,
}

#[async_trait]
impl KeyedUnit for Unit {
    fn run<'a>(&'a self, work: UnitWork<'a>) -> UnitWork<'a> {
        Box::pin(UNIT.scope(self.txn.clone(), work))
    }

    #[tracing::instrument(skip_all, name = "db.idempotency.finish")]
    async fn finish(self: Box<Self>, outcome: Option<RecordedOutcome>) -> Result<(), StoreError> {
        let Unit { txn, scope, _in_flight } = *self;
        if let Some(outcome) = outcome {
            let row = ActiveModel {
                scope: Set(scope),
                fingerprint: Set(outcome.fingerprint),
                status: Set(i16::try_from(outcome.status).unwrap_or(500)),
                sealed: Set(outcome.sealed),
                created_at: Set(ts(outcome.created_at)),
                expires_at: Set(ts(outcome.expires_at)),
            };
            // An expired outcome of the same scope may still be there (not purged yet).
            let replace = OnConflict::column(Column::Scope)
                .update_columns([
                    Column::Fingerprint,
                    Column::Status,
                    Column::Sealed,
                    Column::CreatedAt,
                    Column::ExpiresAt,
                ])
                .to_owned();
            Entity::insert(row).on_conflict(replace).exec_without_returning(&*txn).await.store()?;
        }
        let txn = Arc::into_inner(txn).ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("a keyed unit is still in use by its request's work"))
        })?;
        txn.commit().await.store()
    }
}
