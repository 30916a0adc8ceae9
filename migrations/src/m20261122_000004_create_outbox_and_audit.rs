//! The email outbox and the append-only audit trail.
crate::sql::sql_migration!("004_outbox_audit");
