//! A fresh migrated SQLite file per test.

use std::path::PathBuf;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database};

use crate::{Backend, TestDatabase};

struct Files(PathBuf);

impl Drop for Files {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A new SQLite database in the system's temporary directory, migrated, removed on drop.
///
/// # Panics
/// When the file cannot be created or migrated (a broken migration fails the test).
pub async fn database() -> TestDatabase {
    let path = std::env::temp_dir().join(format!("engify-test-{}.db", uuid::Uuid::now_v7().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut options = ConnectOptions::new(url.clone());
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await.expect("create the SQLite test database");
    Migrator::up(&db, None).await.expect("migrate the SQLite test database");
    db.close().await.expect("close the migration connection");
    TestDatabase { url, backend: Backend::Sqlite, _guard: Box::new(Files(path)) }
}
