//! Single-use, expiring tokens for email verification, password reset and TA invitation.

use chrono::{DateTime, TimeDelta, Utc};

use super::session::TokenHash;
use crate::shared::{OneTimeTokenId, OrganizationId, UserId};

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Confirms an email address (48 hours).
    EmailVerification,
    /// Sets a new password (1 hour).
    PasswordReset,
    /// Lets an invited TA set their first password (7 days).
    TaInvitation,
}

impl TokenPurpose {
    /// How long a token of this purpose is accepted.
    pub fn lifetime(self) -> TimeDelta {
        match self {
            TokenPurpose::EmailVerification => TimeDelta::hours(48),
            TokenPurpose::PasswordReset => TimeDelta::hours(1),
            TokenPurpose::TaInvitation => TimeDelta::days(7),
        }
    }

    /// `email_verification`, `password_reset` or `ta_invitation`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::EmailVerification => "email_verification",
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::TaInvitation => "ta_invitation",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [TokenPurpose::EmailVerification, TokenPurpose::PasswordReset, TokenPurpose::TaInvitation]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// A single-use token, stored as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    /// Its id.
    pub id: OneTimeTokenId,
    /// The user's organization.
    pub organization_id: OrganizationId,
    /// Whose token it is.
    pub user_id: UserId,
    /// What it is for.
    pub purpose: TokenPurpose,
    /// Hash of the token sent by email.
    pub token_hash: TokenHash,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was used, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

impl OneTimeToken {
    /// A token for `purpose` issued at `now`, valid for the purpose's lifetime.
    pub fn issue(
        id: OneTimeTokenId,
        organization_id: OrganizationId,
        user_id: UserId,
        purpose: TokenPurpose,
        token_hash: TokenHash,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            organization_id,
            user_id,
            purpose,
            token_hash,
            created_at: now,
            expires_at: now + purpose.lifetime(),
            used_at: None,
        }
    }

    /// Whether it may be used now for one of `purposes`: unused, unexpired, right purpose.
    pub fn is_usable(&self, now: DateTime<Utc>, purposes: &[TokenPurpose]) -> bool {
        self.used_at.is_none() && now < self.expires_at && purposes.contains(&self.purpose)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn token(purpose: TokenPurpose, now: DateTime<Utc>) -> OneTimeToken {
        OneTimeToken::issue(
            OneTimeTokenId::from_uuid(Uuid::now_v7()),
            OrganizationId::from_uuid(Uuid::now_v7()),
            UserId::from_uuid(Uuid::now_v7()),
            purpose,
            TokenHash::new("00"),
            now,
        )
    }

    #[test]
    fn lifetimes_match_the_contract() {
        assert_eq!(TokenPurpose::EmailVerification.lifetime(), TimeDelta::hours(48));
        assert_eq!(TokenPurpose::PasswordReset.lifetime(), TimeDelta::hours(1));
        assert_eq!(TokenPurpose::TaInvitation.lifetime(), TimeDelta::days(7));
    }

    #[test]
    fn tokens_expire_exactly_at_their_lifetime() {
        let now = Utc::now();
        let t = token(TokenPurpose::PasswordReset, now);
        assert!(t.is_usable(now + TimeDelta::minutes(59), &[TokenPurpose::PasswordReset]));
        assert!(!t.is_usable(now + TimeDelta::hours(1), &[TokenPurpose::PasswordReset]));
    }

    #[test]
    fn tokens_are_single_use_and_purpose_bound() {
        let now = Utc::now();
        let mut t = token(TokenPurpose::EmailVerification, now);
        assert!(!t.is_usable(now, &[TokenPurpose::PasswordReset, TokenPurpose::TaInvitation]));
        t.used_at = Some(now);
        assert!(!t.is_usable(now, &[TokenPurpose::EmailVerification]));
    }

    #[test]
    fn purposes_round_trip() {
        for p in [TokenPurpose::EmailVerification, TokenPurpose::PasswordReset, TokenPurpose::TaInvitation] {
            assert_eq!(TokenPurpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(TokenPurpose::parse("magic"), None);
    }
}
