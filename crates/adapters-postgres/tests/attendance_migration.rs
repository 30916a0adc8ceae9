//! Migration 011 (attendance) on a database holding a bundle, a booking and their ledger: up
//! keeps every ledger entry (SQLite rebuilds the table) and leaves seats unmarked, bookings not
//! completed; the new entry kinds are checked; down refuses while the ledger holds attendance or
//! expiry entries (the ledger is append-only), and changes nothing when it refuses.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use common::raw_sql::{count, down_through, exec, id};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait as _, Database, DatabaseConnection, TransactionTrait as _};

const AT: &str = "'2026-12-01T00:00:00Z'";

/// An academy with a TA, a student, a course, a 5-session bundle with one credit spent on a
/// booking, written in the schema before 011.
async fn academy_with_a_spent_credit(db: &DatabaseConnection) {
    let [o, ta, student, course, product, bundle, booking] = [1, 2, 3, 4, 5, 6, 7].map(|n| id(db, n));
    let rows = [
        format!(
            "INSERT INTO organizations (id, name, slug, timezone, currency, cancellation_window_hours, \
             min_notice_minutes, max_advance_days, buffer_minutes, slot_step_minutes, created_at) \
             VALUES ({o}, 'Academy', 'academy', 'UTC', 'EUR', 24, 60, 90, 0, 30, {AT})"
        ),
        format!(
            "INSERT INTO users (id, organization_id, email, name, role, email_verified, password_hash, created_at) \
             VALUES ({ta}, {o}, 'ta@academy.test', 'Tara', 'ta', true, 'phc', {AT}), \
             ({student}, {o}, 'sam@academy.test', 'Sam', 'student', true, 'phc', {AT})"
        ),
        format!(
            "INSERT INTO courses (id, organization_id, code, title, description, active, created_at) \
             VALUES ({course}, {o}, 'MATH-101', 'Algebra', '', true, {AT})"
        ),
        format!(
            "INSERT INTO products (id, organization_id, course_id, kind, name, price_cents, currency, session_count, \
             validity_days, active, created_at) VALUES ({product}, {o}, {course}, 'bundle', 'Five', 20000, 'EUR', 5, 30, true, {AT})"
        ),
        format!(
            "INSERT INTO bundle_purchases (id, organization_id, student_id, course_id, product_id, total_sessions, \
             remaining_sessions, price_paid_cents, currency, valid_from, valid_to, created_at) \
             VALUES ({bundle}, {o}, {student}, {course}, {product}, 5, 5, 20000, 'EUR', {AT}, '2026-12-31T00:00:00Z', {AT})"
        ),
        format!(
            "INSERT INTO bookings (id, organization_id, course_id, ta_id, session_type, status, starts_at, ends_at, \
             blocked_until, capacity, seats_taken, price_per_student_cents, currency, created_by, created_at, \
             policy_cancellation_window_hours, policy_reschedule_window_hours, policy_max_reschedules, \
             policy_late_cancellation, policy_no_show) \
             VALUES ({booking}, {o}, {course}, {ta}, 'individual', 'booked', '2026-12-04T10:00:00Z', \
             '2026-12-04T11:00:00Z', '2026-12-04T11:00:00Z', 1, 1, 0, 'EUR', {student}, {AT}, 24, 24, 2, 'forfeit', \
             'forfeit')"
        ),
        format!(
            "INSERT INTO booking_seats (booking_id, organization_id, student_id, bundle_purchase_id, price_cents, \
             joined_at, starts_at, ends_at) VALUES ({booking}, {o}, {student}, {bundle}, 0, {AT}, \
             '2026-12-04T10:00:00Z', '2026-12-04T11:00:00Z')"
        ),
        // Balance and entry one after the other, as SQLite's trigger checks each entry.
        format!(
            "INSERT INTO ledger_entries (id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at) \
             VALUES ({}, {o}, {bundle}, 'purchase', 5, NULL, {AT})",
            id(db, 20)
        ),
        format!("UPDATE bundle_purchases SET remaining_sessions = 4 WHERE id = {bundle}"),
        format!(
            "INSERT INTO ledger_entries (id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at) \
             VALUES ({}, {o}, {bundle}, 'debit', -1, {booking}, {AT})",
            id(db, 21)
        ),
    ];
    // One transaction: PostgreSQL checks the balance against the ledger at commit.
    let txn = db.begin().await.unwrap();
    for sql in rows {
        txn.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn the_ledger_survives_and_down_refuses_while_attendance_entries_exist() {
    for test_db in test_support::all_backends().await {
        let b = test_db.backend();
        let db = Database::connect(test_db.url()).await.unwrap();
        down_through(&db, "m20261207_000007_add_attendance").await;
        academy_with_a_spent_credit(&db).await;

        Migrator::up(&db, None).await.unwrap();
        assert_eq!(count(&db, "SELECT count(*) FROM ledger_entries WHERE settlement_round IS NULL").await, 2, "{b:?}");
        let fresh = "SELECT count(*) FROM booking_seats WHERE attendance IS NULL AND settlement_round = 0";
        assert_eq!(count(&db, fresh).await, 1, "{b:?}: seats start unmarked");
        let open = "SELECT count(*) FROM bookings WHERE completed_at IS NULL AND ta_no_show = false";
        assert_eq!(count(&db, open).await, 1, "{b:?}");

        let (o, bundle, booking) = (id(&db, 1), id(&db, 6), id(&db, 7));
        let entry = |n: u8, kind: &str, delta: i32, round: &str| {
            format!(
                "INSERT INTO ledger_entries (id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at, \
                 settlement_round) VALUES ({}, {o}, {bundle}, '{kind}', {delta}, {booking}, {AT}, {round})",
                id(&db, n)
            )
        };
        assert!(exec(&db, &entry(30, "attended", 0, "NULL")).await.is_err(), "{b:?}: attended needs its round");
        assert!(exec(&db, &entry(30, "reversal", 1, "1")).await.is_err(), "{b:?}: a reversal takes back, never gives");
        exec(&db, &entry(30, "attended", 0, "1")).await.unwrap();
        assert!(exec(&db, &entry(31, "attended", 0, "1")).await.is_err(), "{b:?}: round 1 is settled once");
        exec(&db, &entry(32, "reversal", 0, "1")).await.unwrap();
        assert!(exec(&db, &entry(33, "reversal", 0, "1")).await.is_err(), "{b:?}: and reversed once");

        let refused = Migrator::down(&db, Some(1)).await;
        assert!(refused.is_err(), "{b:?}: down refuses while attendance entries exist");
        assert_eq!(count(&db, "SELECT count(*) FROM ledger_entries").await, 4, "{b:?}: nothing changed");
        let applied = Migrator::get_applied_migrations(&db).await.unwrap();
        assert_eq!(applied.last().unwrap().name(), "m20261207_000007_add_attendance", "{b:?}: still applied");
        db.close().await.unwrap();
    }
}
