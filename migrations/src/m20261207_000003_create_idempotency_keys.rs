//! The recorded outcomes of keyed requests (`Idempotency-Key`).
crate::sql::sql_migration!("007_idempotency_keys");
