//! The migrations apply, roll back completely, and apply again, on both backends.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

async fn table_count(db: &sea_orm::DatabaseConnection) -> i64 {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'seaql_migrations'"
        }
        _ => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT IN ('seaql_migrations', 'sqlite_sequence')"
        }
    };
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn migrations_roll_back_and_apply_again() {
    for test_db in test_support::all_backends().await {
        let db = Database::connect(test_db.url()).await.unwrap();
        assert_eq!(table_count(&db).await, 23, "{:?}: every table after up", test_db.backend());
        assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());

        Migrator::down(&db, None).await.unwrap();
        assert_eq!(table_count(&db).await, 0, "{:?}: down removes every table", test_db.backend());
        assert_eq!(Migrator::get_applied_migrations(&db).await.unwrap().len(), 0);

        Migrator::up(&db, None).await.unwrap();
        assert_eq!(table_count(&db).await, 23, "{:?}: up again", test_db.backend());
        db.close().await.unwrap();
    }
}

#[tokio::test]
async fn migrations_step_down_one_at_a_time() {
    for test_db in test_support::all_backends().await {
        let db = Database::connect(test_db.url()).await.unwrap();
        let mut tables = vec![table_count(&db).await];
        for _ in 0..11 {
            Migrator::down(&db, Some(1)).await.unwrap();
            tables.push(table_count(&db).await);
        }
        // 011 drops the attendance digests, 010 the two series tables, 009 the time off table, 008 policy columns, 007 the idempotency keys, 006 the reset queue; 005 rebuilds
        // `users` (SQLite) or swaps its key in place.
        assert_eq!(tables, vec![23, 22, 20, 19, 19, 18, 17, 17, 15, 9, 5, 0], "{:?}", test_db.backend());
        db.close().await.unwrap();
    }
}
