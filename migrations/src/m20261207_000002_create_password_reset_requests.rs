//! The queue of password-reset requests the worker turns into reset emails, and the index the
//! per-user bound on those emails reads.
crate::sql::sql_migration!("006_password_reset_requests");
