//! Shared by the adapter tests: a store per available backend, each over its own fresh
//! database, and raw SQL helpers for checking what the database holds.
#![allow(dead_code, reason = "each test binary uses part of it")]

pub mod invariants;
pub mod raw_sql;
pub mod seed;

use std::sync::Arc;

use adapters_postgres::{DbConfig, SeaStore, connect};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use test_support::{Backend, TestDatabase};

/// A store over a fresh database; the database lives as long as this value.
pub struct TestStore {
    pub store: Arc<SeaStore>,
    pub backend: Backend,
    _db: TestDatabase,
}

impl TestStore {
    pub fn conn(&self) -> &DatabaseConnection {
        self.store.connection()
    }

    /// Runs raw SQL, e.g. to break an invariant on purpose.
    pub async fn exec(&self, sql: &str) -> Result<(), sea_orm::DbErr> {
        self.conn().execute_unprepared(sql).await.map(|_| ())
    }

    /// A uuid as a SQL literal of this backend (PostgreSQL text, SQLite 16-byte blob).
    pub fn id(&self, id: impl Into<uuid::Uuid>) -> String {
        let id: uuid::Uuid = id.into();
        match self.backend {
            Backend::Postgres => format!("'{id}'"),
            Backend::Sqlite => format!("x'{}'", id.simple()),
        }
    }

    /// The first column of the first row of a query, as i64.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let stmt = Statement::from_string(self.conn().get_database_backend(), sql.to_owned());
        let row = self.conn().query_one_raw(stmt).await.expect(sql).expect("one row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }
}

/// A store over `db`, pool of `pool` connections.
pub async fn store_on(db: TestDatabase, pool: u32) -> TestStore {
    let mut config = DbConfig::new(db.url());
    config.max_connections = pool;
    let conn = connect(&config).await.expect("connect to the test database");
    TestStore { store: Arc::new(SeaStore::new(conn)), backend: db.backend(), _db: db }
}

/// One store per available backend (SQLite always, PostgreSQL when configured).
pub async fn stores() -> Vec<TestStore> {
    let mut out = Vec::new();
    for db in test_support::all_backends().await {
        out.push(store_on(db, 10).await);
    }
    out
}
