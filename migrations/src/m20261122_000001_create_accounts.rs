//! Organizations, users, authentication sessions, refresh tokens, one-time tokens.
crate::sql::sql_migration!("001_accounts");
