//! Translates driver errors into [`StoreError`]: constraint violations become the domain
//! [`Conflict`] they protect (by constraint name on PostgreSQL, by message on SQLite, whose
//! errors name the columns or carry the trigger's message), serialization failures, deadlocks
//! and a busy SQLite become `Transient`, lost connections `Unavailable`. Driver errors never
//! cross the port.

use std::ops::Deref;

use domain::store::{Conflict, StoreError};
use sea_orm::{DbErr, RuntimeErr, sqlx};

/// Constraint (PostgreSQL) or trigger message / column list (SQLite) → the invariant it holds.
const CONFLICTS: &[(&str, Conflict)] = &[
    ("organizations_slug_key", Conflict::SlugTaken),
    ("organizations.slug", Conflict::SlugTaken),
    ("users_org_email_key", Conflict::EmailTaken),
    ("users.organization_id, users.email", Conflict::EmailTaken),
    ("courses_org_code_key", Conflict::CourseCodeTaken),
    ("courses.organization_id, courses.code", Conflict::CourseCodeTaken),
    ("products_one_active_session_price", Conflict::SessionPriceExists),
    ("products.course_id", Conflict::SessionPriceExists),
    ("bookings_ta_overlap", Conflict::TaOverlap),
    ("booking_seats_student_overlap", Conflict::StudentOverlap),
    ("booking_seats_pkey", Conflict::AlreadyJoined),
    ("booking_seats.booking_id, booking_seats.student_id", Conflict::AlreadyJoined),
    ("waitlist_entries_booking_student_key", Conflict::AlreadyWaitlisted),
    ("waitlist_entries.booking_id, waitlist_entries.student_id", Conflict::AlreadyWaitlisted),
    ("bookings_capacity_check", Conflict::CapacityExceeded),
    ("booking_seat_count", Conflict::CapacityExceeded),
    ("bundle_purchases_balance_check", Conflict::BundleBalance),
    ("bundle_ledger_balance", Conflict::BundleBalance),
];

/// The message of the trigger that refuses a session over its TA's time off (SQLite; on
/// PostgreSQL it fails with a serialization failure, which is transient already).
const TIME_OFF_TRIGGER: &str = "bookings_ta_time_off";

/// The store error for a driver error.
pub(crate) fn store_error(err: DbErr) -> StoreError {
    match &err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => StoreError::Unavailable(err.into()),
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => sqlx_error(e.deref(), &err),
        _ => StoreError::Unexpected(err.into()),
    }
}

fn sqlx_error(e: &sqlx::Error, original: &DbErr) -> StoreError {
    let wrap = || anyhow::anyhow!(original.to_string());
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let named = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            match code.deref() {
                // PostgreSQL: serialization failure, deadlock, lock not available; SQLite:
                // SQLITE_BUSY, SQLITE_LOCKED and their extended codes.
                "40001" | "40P01" | "55P03" | "5" | "6" | "261" | "262" | "517" | "773" => {
                    StoreError::Transient(wrap())
                }
                // PostgreSQL foreign key; SQLite SQLITE_CONSTRAINT_FOREIGNKEY.
                "23503" | "787" => StoreError::Conflict(Conflict::MissingReference),
                // A session written for a TA whose time off committed after the use case read
                // it (the trigger of migration 009): the reads were stale, run it again.
                _ if named.contains(TIME_OFF_TRIGGER) => StoreError::Transient(wrap()),
                _ => match conflict_named(&named) {
                    Some(conflict) => StoreError::Conflict(conflict),
                    None => StoreError::Unexpected(wrap()),
                },
            }
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
            StoreError::Unavailable(wrap())
        }
        _ => StoreError::Unexpected(wrap()),
    }
}

/// The conflict named by a PostgreSQL constraint name, a SQLite trigger message, or the end
/// of a SQLite message (`UNIQUE constraint failed: users.organization_id, users.email`,
/// `CHECK constraint failed: bookings_capacity_check`).
fn conflict_named(text: &str) -> Option<Conflict> {
    let key = text.rsplit_once(": ").map_or(text, |(_, k)| k).trim();
    CONFLICTS.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
}

/// `Result<T, DbErr>` → `Result<T, StoreError>`.
pub(crate) trait DbResultExt<T> {
    /// Translates the driver error.
    fn store(self) -> Result<T, StoreError>;
}

impl<T> DbResultExt<T> for Result<T, DbErr> {
    fn store(self) -> Result<T, StoreError> {
        self.map_err(store_error)
    }
}

/// A row the domain refuses (a value it would not have written): the data is corrupt.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("corrupt {what} row: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_constraint_names_map_to_conflicts() {
        assert_eq!(conflict_named("bookings_ta_overlap"), Some(Conflict::TaOverlap));
        assert_eq!(conflict_named("users_org_email_key"), Some(Conflict::EmailTaken));
        assert_eq!(conflict_named("booking_seat_count"), Some(Conflict::CapacityExceeded));
        assert_eq!(conflict_named("some_other_key"), None);
    }

    #[test]
    fn sqlite_messages_map_to_conflicts() {
        assert_eq!(
            conflict_named("UNIQUE constraint failed: users.organization_id, users.email"),
            Some(Conflict::EmailTaken)
        );
        assert_eq!(
            conflict_named("UNIQUE constraint failed: booking_seats.booking_id, booking_seats.student_id"),
            Some(Conflict::AlreadyJoined)
        );
        assert_eq!(conflict_named("UNIQUE constraint failed: products.course_id"), Some(Conflict::SessionPriceExists));
        assert_eq!(
            conflict_named("CHECK constraint failed: bookings_capacity_check"),
            Some(Conflict::CapacityExceeded)
        );
        assert_eq!(conflict_named("bookings_ta_overlap"), Some(Conflict::TaOverlap));
        assert_eq!(
            conflict_named("CHECK constraint failed: bundle_purchases_balance_check"),
            Some(Conflict::BundleBalance)
        );
        assert_eq!(conflict_named("NOT NULL constraint failed: users.name"), None);
    }
}
