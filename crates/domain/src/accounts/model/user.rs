//! Users and their stored credentials.

use chrono::{DateTime, Utc};

use super::password::PasswordHash;
use crate::shared::{Email, OrganizationId, PersonName, Role, UserId};

/// A person with an account in exactly one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The one organization it belongs to.
    pub organization_id: OrganizationId,
    /// Its address, unique within its organization, lower-cased.
    pub email: Email,
    /// Its display name.
    pub name: PersonName,
    /// Its role in the organization.
    pub role: Role,
    /// Whether the address was confirmed through a verification (or invitation) link.
    pub email_verified: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// A user with its password hash, for logging in. Never leaves the accounts context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// The hash, or `None` for an invited TA who has not set a password yet.
    pub password_hash: Option<PasswordHash>,
}
