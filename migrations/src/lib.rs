//! Engify's database schema as sea-orm migrations, for PostgreSQL (production) and SQLite (the
//! embedded default). Each migration is plain SQL per backend under `migrations/sql/`; an
//! applied migration is never edited — changes come as new migrations.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_accounts;
mod m20261122_000002_create_catalog;
mod m20261122_000003_create_bookings;
mod m20261122_000004_create_outbox_and_audit;
mod m20261207_000001_scope_users_email_to_organization;
mod m20261207_000002_create_password_reset_requests;
mod m20261207_000003_create_idempotency_keys;
mod m20261207_000004_add_booking_policies;
mod m20261207_000005_add_ta_time_off;
mod m20261207_000006_create_booking_series;
mod m20261207_000007_add_attendance;
mod sql;

/// Every migration, oldest first.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_accounts::Migration),
            Box::new(m20261122_000002_create_catalog::Migration),
            Box::new(m20261122_000003_create_bookings::Migration),
            Box::new(m20261122_000004_create_outbox_and_audit::Migration),
            Box::new(m20261207_000001_scope_users_email_to_organization::Migration),
            Box::new(m20261207_000002_create_password_reset_requests::Migration),
            Box::new(m20261207_000003_create_idempotency_keys::Migration),
            Box::new(m20261207_000004_add_booking_policies::Migration),
            Box::new(m20261207_000005_add_ta_time_off::Migration),
            Box::new(m20261207_000006_create_booking_series::Migration),
            Box::new(m20261207_000007_add_attendance::Migration),
        ]
    }
}

/// A fingerprint of every migration's SQL (FNV-1a, hex): test support names its migrated
/// template databases after it, so that a changed schema gets a fresh template.
pub fn fingerprint() -> String {
    let sources = [
        m20261122_000001_create_accounts::SOURCES,
        m20261122_000002_create_catalog::SOURCES,
        m20261122_000003_create_bookings::SOURCES,
        m20261122_000004_create_outbox_and_audit::SOURCES,
        m20261207_000001_scope_users_email_to_organization::SOURCES,
        m20261207_000002_create_password_reset_requests::SOURCES,
        m20261207_000003_create_idempotency_keys::SOURCES,
        m20261207_000004_add_booking_policies::SOURCES,
        m20261207_000005_add_ta_time_off::SOURCES,
        m20261207_000006_create_booking_series::SOURCES,
        m20261207_000007_add_attendance::SOURCES,
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sources.iter().flatten().flat_map(|s| s.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
