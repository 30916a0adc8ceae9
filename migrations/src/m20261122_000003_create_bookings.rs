//! Group-session templates, bundles and their ledger, bookings and seats, waitlists, with the
//! exclusion constraints and triggers that hold the booking invariants.
crate::sql::sql_migration!("003_bookings");
