//! Migration 005 (emails unique per organization) on a database holding data: up keeps every
//! row and every reference to the users (SQLite rebuilds the table with foreign keys enforced),
//! and the key it puts in place admits one email in two organizations but not twice in one;
//! down refuses, changing nothing, while an email is shared, and restores the platform-wide key
//! once it is not.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use common::raw_sql::{count, down_through, exec, id};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

async fn insert_org(db: &DatabaseConnection, n: u8, slug: &str) {
    let sql = format!(
        "INSERT INTO organizations (id, name, slug, timezone, currency, cancellation_window_hours, \
         min_notice_minutes, max_advance_days, buffer_minutes, slot_step_minutes, created_at) \
         VALUES ({}, 'Academy', '{slug}', 'UTC', 'EUR', 24, 60, 90, 0, 30, '2026-12-01T00:00:00Z')",
        id(db, n)
    );
    exec(db, &sql).await.unwrap();
}

async fn insert_user(db: &DatabaseConnection, n: u8, org: u8, email: &str) -> Result<(), sea_orm::DbErr> {
    let sql = format!(
        "INSERT INTO users (id, organization_id, email, name, role, email_verified, password_hash, created_at) \
         VALUES ({}, {}, '{email}', 'Sam', 'student', false, 'phc', '2026-12-01T00:00:00Z')",
        id(db, n),
        id(db, org)
    );
    exec(db, &sql).await
}

/// Rows that point at users: sessions and one-time tokens.
async fn insert_references(db: &DatabaseConnection, org: u8, user: u8, n: u8) {
    let sessions = format!(
        "INSERT INTO auth_sessions (id, organization_id, user_id, created_at, last_used_at) \
         VALUES ({}, {}, {}, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')",
        id(db, n),
        id(db, org),
        id(db, user)
    );
    exec(db, &sessions).await.unwrap();
    let token = format!(
        "INSERT INTO one_time_tokens (id, organization_id, user_id, purpose, token_hash, created_at, expires_at) \
         VALUES ({}, {}, {}, 'password_reset', 'hash-{n}', '2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z')",
        id(db, n),
        id(db, org),
        id(db, user)
    );
    exec(db, &token).await.unwrap();
}

/// Every row still has its user (SQLite: `PRAGMA foreign_key_check` finds nothing; PostgreSQL
/// checks them on every write).
async fn references_hold(db: &DatabaseConnection) {
    if db.get_database_backend() == DbBackend::Sqlite {
        let stmt = Statement::from_string(DbBackend::Sqlite, "PRAGMA foreign_key_check".to_owned());
        assert!(db.query_all_raw(stmt).await.unwrap().is_empty(), "dangling references");
    }
    let joined = "SELECT count(*) FROM auth_sessions s JOIN users u ON u.id = s.user_id";
    assert_eq!(count(db, joined).await, 2);
}

#[tokio::test]
async fn emails_become_unique_per_organization_with_the_data_kept_and_roll_back_unless_shared() {
    for test_db in test_support::all_backends().await {
        let b = test_db.backend();
        let db = Database::connect(test_db.url()).await.unwrap();
        // Back to the schema before 005 (the later ones go first), with data in it.
        down_through(&db, "m20261207_000001_scope_users_email_to_organization").await;
        insert_org(&db, 1, "acme").await;
        insert_org(&db, 2, "globex").await;
        insert_user(&db, 11, 1, "sam@example.com").await.unwrap();
        insert_user(&db, 12, 1, "kim@example.com").await.unwrap();
        insert_references(&db, 1, 11, 21).await;
        insert_references(&db, 1, 12, 22).await;
        assert!(insert_user(&db, 13, 2, "sam@example.com").await.is_err(), "{b:?}: unique across the platform");

        Migrator::up(&db, None).await.unwrap();
        assert_eq!(count(&db, "SELECT count(*) FROM users").await, 2, "{b:?}: every user kept");
        references_hold(&db).await;
        insert_user(&db, 13, 2, "sam@example.com").await.unwrap();
        let twice = insert_user(&db, 14, 1, "sam@example.com").await.unwrap_err().to_string();
        assert!(
            twice.contains("users_org_email_key") || twice.contains("users.organization_id, users.email"),
            "{b:?}: {twice}"
        );

        // Down refuses while sam@example.com belongs to two organizations, and changes nothing.
        down_through(&db, "m20261207_000002_create_password_reset_requests").await;
        let refused = Migrator::down(&db, Some(1)).await.unwrap_err().to_string();
        assert!(refused.contains("some emails belong to users of several organizations"), "{b:?}: {refused}");
        assert_eq!(Migrator::get_applied_migrations(&db).await.unwrap().len(), 5, "{b:?}: 005 still applied");
        assert_eq!(count(&db, "SELECT count(*) FROM users").await, 3, "{b:?}");
        references_hold(&db).await;

        // Once the email is no longer shared, down restores the platform-wide key.
        exec(&db, &format!("DELETE FROM users WHERE id = {}", id(&db, 13))).await.unwrap();
        Migrator::down(&db, Some(1)).await.unwrap();
        assert_eq!(count(&db, "SELECT count(*) FROM users").await, 2, "{b:?}");
        references_hold(&db).await;
        assert!(insert_user(&db, 13, 2, "sam@example.com").await.is_err(), "{b:?}: unique across the platform again");
        insert_user(&db, 13, 2, "other@example.com").await.unwrap();

        Migrator::up(&db, None).await.unwrap();
        assert_eq!(count(&db, "SELECT count(*) FROM users").await, 3, "{b:?}");
        references_hold(&db).await;
        db.close().await.unwrap();
    }
}
