//! Recurring series of individual bookings: the series, the occurrences it skipped, each
//! booking's `series_id`, and the series' summary email kinds.
crate::sql::sql_migration!("010_booking_series");
