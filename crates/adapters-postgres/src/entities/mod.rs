//! sea-orm entities, one per table of the schema in `migrations/sql/`. Columns mirror the SQL;
//! conversion to domain types lives with each repository.

pub(crate) mod attendance_digests;
pub(crate) mod audit_events;
pub(crate) mod auth_sessions;
pub(crate) mod availabilities;
pub(crate) mod booking_seats;
pub(crate) mod booking_series;
pub(crate) mod booking_series_skips;
pub(crate) mod bookings;
pub(crate) mod bundle_purchases;
pub(crate) mod course_tas;
pub(crate) mod courses;
pub(crate) mod group_session_templates;
pub(crate) mod idempotency_keys;
pub(crate) mod ledger_entries;
pub(crate) mod one_time_tokens;
pub(crate) mod organizations;
pub(crate) mod outbox_messages;
pub(crate) mod password_reset_requests;
pub(crate) mod products;
pub(crate) mod refresh_tokens;
pub(crate) mod ta_time_off;
pub(crate) mod users;
pub(crate) mod waitlist_entries;
