//! Per-course policies fixed at booking time: the organization's default terms, a course's
//! overrides, and each booking's copy of its effective policy (with its `sequence` and
//! `reschedule_count`); existing bookings get their organization's policy of the moment the
//! migration runs.
crate::sql::sql_migration!("008_booking_policies");
