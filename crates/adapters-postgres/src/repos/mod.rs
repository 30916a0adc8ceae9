//! One implementation of each domain repository port for [`Repos`](crate::store::Repos), with
//! the conversions between rows and domain entities next to it. Shared helpers: instants at
//! database precision, keyset pagination.

mod attendance;
mod audit;
mod auth_sessions;
mod availability;
mod availability_json;
mod booking_rows;
mod bookings;
mod bundles;
mod course_tas;
mod courses;
mod keyset;
mod one_time_tokens;
mod organizations;
mod outbox;
mod outbox_payload;
mod policy_columns;
mod products;
mod reports;
mod series;
mod templates;
mod time_off;
mod users;
mod waitlist;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// An instant at the databases' precision (microseconds), so that what is written compares
/// equal to what is read back on both backends.
pub(crate) fn ts(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}
