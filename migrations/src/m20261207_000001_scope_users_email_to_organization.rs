//! Emails unique per organization instead of across the platform: one user per academy for a
//! person who studies at several. Rolling back fails while an email is shared.
crate::sql::sql_migration!("005_users_email_per_organization");
