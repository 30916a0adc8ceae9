//! Runs a migration's SQL for the connected backend: each migration is written once per
//! backend (PostgreSQL and SQLite differ in types, constraints and triggers), as plain SQL
//! files under `migrations/sql/` that a reviewer can read as they will run.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// The up and down SQL of one migration for each supported backend.
pub(crate) struct BackendSql {
    pub(crate) postgres_up: &'static str,
    pub(crate) postgres_down: &'static str,
    pub(crate) sqlite_up: &'static str,
    pub(crate) sqlite_down: &'static str,
}

impl BackendSql {
    /// Applies the migration.
    pub(crate) async fn up(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        Self::run(manager, self.postgres_up, self.sqlite_up).await
    }

    /// Rolls the migration back.
    pub(crate) async fn down(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        Self::run(manager, self.postgres_down, self.sqlite_down).await
    }

    async fn run(manager: &SchemaManager<'_>, postgres: &str, sqlite: &str) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            DbBackend::Postgres => postgres,
            DbBackend::Sqlite => sqlite,
            other => return Err(DbErr::Migration(format!("{other:?} is not supported: use PostgreSQL or SQLite"))),
        };
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}

/// Declares a migration from the four SQL files `sql/{postgres,sqlite}/<stem>.{up,down}.sql`.
macro_rules! sql_migration {
    ($stem:literal) => {
        use sea_orm_migration::prelude::*;

        /// This migration (named after its file).
        #[derive(DeriveMigrationName)]
        pub struct Migration;

        const SQL: $crate::sql::BackendSql = $crate::sql::BackendSql {
            postgres_up: include_str!(concat!("../sql/postgres/", $stem, ".up.sql")),
            postgres_down: include_str!(concat!("../sql/postgres/", $stem, ".down.sql")),
            sqlite_up: include_str!(concat!("../sql/sqlite/", $stem, ".up.sql")),
            sqlite_down: include_str!(concat!("../sql/sqlite/", $stem, ".down.sql")),
        };

        // The trait's signature elides `SchemaManager`'s lifetime; the impl has to match it.
        #[allow(elided_lifetimes_in_paths)]
        #[sea_orm_migration::async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                SQL.up(manager).await
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                SQL.down(manager).await
            }

            // DDL is transactional on both backends: a failed migration leaves nothing behind.
            fn use_transaction(&self) -> Option<bool> {
                Some(true)
            }
        }

        /// The SQL of this migration, for the schema fingerprint.
        pub(crate) const SOURCES: [&str; 4] = [SQL.postgres_up, SQL.postgres_down, SQL.sqlite_up, SQL.sqlite_down];
    };
}
pub(crate) use sql_migration;
