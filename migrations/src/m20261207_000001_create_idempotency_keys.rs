//! The recorded outcomes of keyed requests (`Idempotency-Key`).
crate::sql::sql_migration!("005_idempotency_keys");
