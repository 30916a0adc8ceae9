//! `app migrate up|down|status`, and the migration `serve` runs at start. On PostgreSQL the
//! migration runs under an advisory lock on its own connection, so that instances starting
//! together apply it once.

use anyhow::Context as _;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

/// Serializes migrations across instances.
const MIGRATION_LOCK: i64 = 0x656e_6769_6d69;

async fn dedicated(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.max_connections(1).sqlx_logging(false);
    if url.starts_with("sqlite") {
        options.map_sqlx_sqlite_opts(|o| o.create_if_missing(true).foreign_keys(true));
    }
    Database::connect(options).await.context("connecting to the database to migrate it")
}

async fn locked<F, Fut>(url: &str, run: F) -> anyhow::Result<()>
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: std::future::Future<Output = Result<DatabaseConnection, sea_orm::DbErr>>,
{
    let db = dedicated(url).await?;
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    if postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).await?;
    }
    let db = run(db).await.context("migrating")?;
    if postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).await?;
    }
    db.close().await?;
    Ok(())
}

/// Applies every pending migration.
///
/// # Errors
/// When the database cannot be reached or a migration fails (its transaction rolls back).
pub async fn up(url: &str) -> anyhow::Result<()> {
    locked(url, |db| async move { Migrator::up(&db, None).await.map(|()| db) }).await
}

/// Rolls back the last `steps` migrations.
///
/// # Errors
/// As [`up`].
pub async fn down(url: &str, steps: u32) -> anyhow::Result<()> {
    locked(url, |db| async move { Migrator::down(&db, Some(steps)).await.map(|()| db) }).await
}

/// Applied and pending migrations, one per line.
///
/// # Errors
/// When the database cannot be reached.
pub async fn status(url: &str) -> anyhow::Result<Vec<String>> {
    let db = dedicated(url).await?;
    let applied = Migrator::get_applied_migrations(&db).await?;
    let pending = Migrator::get_pending_migrations(&db).await?;
    db.close().await?;
    let lines = applied
        .iter()
        .map(|m| format!("applied  {}", m.name()))
        .chain(pending.iter().map(|m| format!("pending  {}", m.name())))
        .collect();
    Ok(lines)
}

/// Whether no migration is pending, for `/health/startup`.
pub struct MigrationStatus {
    pub(crate) db: DatabaseConnection,
}

#[async_trait::async_trait]
impl api_http::state::SchemaStatus for MigrationStatus {
    async fn up_to_date(&self) -> Result<bool, anyhow::Error> {
        Ok(Migrator::get_pending_migrations(&self.db).await?.is_empty())
    }
}
