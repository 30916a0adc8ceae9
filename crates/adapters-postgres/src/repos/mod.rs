//! One implementation of each domain repository port for [`Repos`](crate::store::Repos), with
//! the conversions between rows and domain entities next to it. Shared helpers: instants at
//! database precision, keyset pagination.

mod audit;
mod auth_sessions;
mod availability;
mod availability_json;
mod booking_rows;
mod bookings;
mod bundles;
mod course_tas;
mod courses;
mod cursors;
mod one_time_tokens;
mod organizations;
mod outbox;
mod outbox_payload;
mod products;
mod templates;
mod users;
mod waitlist;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::shared::PageRequest;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Value};
use uuid::Uuid;

/// An instant at the databases' precision (microseconds), so that what is written compares
/// equal to what is read back on both backends.
pub(crate) fn ts(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

/// How many rows a page reads (one more than asked, see `Page::from_overfetch`).
pub(crate) fn fetch_limit(page: &PageRequest) -> u64 {
    u64::try_from(page.fetch_limit()).unwrap_or(u64::MAX)
}

/// `(key, id) > (cursor key, cursor id)` for lists ordered ascending by `key` then `id`.
pub(crate) fn after(
    key: impl ColumnTrait,
    id: impl ColumnTrait,
    cursor_key: impl Into<Value>,
    cursor_id: Uuid,
) -> SimpleExpr {
    Expr::tuple([Expr::col(key), Expr::col(id)]).gt(Expr::tuple([Expr::val(cursor_key), Expr::val(cursor_id)]))
}

/// `(key, id) < (cursor key, cursor id)` for lists ordered descending by `key` then `id`.
pub(crate) fn before(
    key: impl ColumnTrait,
    id: impl ColumnTrait,
    cursor_key: impl Into<Value>,
    cursor_id: Uuid,
) -> SimpleExpr {
    Expr::tuple([Expr::col(key), Expr::col(id)]).lt(Expr::tuple([Expr::val(cursor_key), Expr::val(cursor_id)]))
}
