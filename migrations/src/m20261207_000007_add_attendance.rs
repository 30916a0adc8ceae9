//! Attendance and settlement: marks and completion of bookings, settlement rounds of seats and
//! their ledger entries, the `attended`/`reversal`/`expire` ledger kinds, attendance digests,
//! and the attendance email kinds.
crate::sql::sql_migration!("011_attendance");
