//! Migration 008 (policies per course) on a database holding bookings: up gives every existing
//! booking its organization's policy of that moment (its cancellation window, the same
//! reschedule window, the built-in rest), `sequence` and `reschedule_count` 0, and courses and
//! organizations no terms of their own; down removes the terms and keeps every booking; up
//! again restores them.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use common::raw_sql::{count, down_through, exec, id};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// An organization `org` with a cancellation window of `window` hours, a TA, a course and one
/// booking `booking`, written in the schema before 008.
async fn academy_with_a_booking(db: &DatabaseConnection, org: u8, window: u32, booking: u8) {
    let (o, ta, course, b) = (id(db, org), id(db, org + 1), id(db, org + 2), id(db, booking));
    exec(
        db,
        &format!(
            "INSERT INTO organizations (id, name, slug, timezone, currency, cancellation_window_hours, \
             min_notice_minutes, max_advance_days, buffer_minutes, slot_step_minutes, created_at) \
             VALUES ({o}, 'Academy', 'academy-{org}', 'UTC', 'EUR', {window}, 60, 90, 0, 30, '2026-12-01T00:00:00Z')"
        ),
    )
    .await
    .unwrap();
    exec(
        db,
        &format!(
            "INSERT INTO users (id, organization_id, email, name, role, email_verified, password_hash, created_at) \
             VALUES ({ta}, {o}, 'ta@academy.test', 'Tara', 'ta', true, 'phc', '2026-12-01T00:00:00Z')"
        ),
    )
    .await
    .unwrap();
    exec(
        db,
        &format!(
            "INSERT INTO courses (id, organization_id, code, title, description, active, created_at) \
             VALUES ({course}, {o}, 'MATH-101', 'Algebra', '', true, '2026-12-01T00:00:00Z')"
        ),
    )
    .await
    .unwrap();
    exec(
        db,
        &format!(
            "INSERT INTO bookings (id, organization_id, course_id, ta_id, session_type, status, starts_at, ends_at, \
             blocked_until, capacity, seats_taken, price_per_student_cents, currency, created_by, created_at) \
             VALUES ({b}, {o}, {course}, {ta}, 'individual', 'booked', '2027-01-04T10:00:00Z', \
             '2027-01-04T11:00:00Z', '2027-01-04T11:00:00Z', 1, 0, 5000, 'EUR', {ta}, '2026-12-01T00:00:00Z')"
        ),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn existing_bookings_get_their_organizations_policy_and_the_migration_rolls_back() {
    for test_db in test_support::all_backends().await {
        let b = test_db.backend();
        let db = Database::connect(test_db.url()).await.unwrap();
        down_through(&db, "m20261207_000004_add_booking_policies").await;
        academy_with_a_booking(&db, 10, 36, 50).await;
        academy_with_a_booking(&db, 20, 0, 60).await;

        Migrator::up(&db, None).await.unwrap();
        let policy = |booking: u8, window: u32| {
            format!(
                "SELECT count(*) FROM bookings WHERE id = {} AND policy_cancellation_window_hours = {window} \
                 AND policy_reschedule_window_hours = {window} AND policy_max_reschedules = 2 \
                 AND policy_late_cancellation = 'forfeit' AND policy_no_show = 'forfeit' \
                 AND sequence = 0 AND reschedule_count = 0",
                id(&db, booking)
            )
        };
        assert_eq!(count(&db, &policy(50, 36)).await, 1, "{b:?}: the 36 h academy's booking");
        assert_eq!(count(&db, &policy(60, 0)).await, 1, "{b:?}: the 0 h academy's booking");
        let unset = "SELECT count(*) FROM courses WHERE cancellation_window_hours IS NULL AND \
                     reschedule_window_hours IS NULL AND max_reschedules IS NULL AND late_cancellation IS NULL \
                     AND no_show IS NULL";
        assert_eq!(count(&db, unset).await, 2, "{b:?}: courses inherit");
        let out_of_range = format!("UPDATE courses SET max_reschedules = 11 WHERE id = {}", id(&db, 12));
        assert!(db.execute_unprepared(&out_of_range).await.is_err(), "{b:?}: the database checks the ranges");

        down_through(&db, "m20261207_000004_add_booking_policies").await;
        assert_eq!(count(&db, "SELECT count(*) FROM bookings").await, 2, "{b:?}: every booking kept");
        let gone = db.execute_unprepared("SELECT policy_no_show FROM bookings").await;
        assert!(gone.is_err(), "{b:?}: the terms are gone");
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(count(&db, &policy(50, 36)).await, 1, "{b:?}: up again");
        db.close().await.unwrap();
    }
}
