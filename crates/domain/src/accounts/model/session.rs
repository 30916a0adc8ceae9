//! Authentication sessions, refresh tokens with rotation and reuse detection, and the claims
//! of access tokens.

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::shared::{OrganizationId, RefreshTokenId, Role, Secret, SessionId, UserId};

/// The SHA-256 of an opaque token, hex-encoded: the only form in which refresh and one-time
/// tokens are stored.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// Wraps a hash computed by a [`SecretGenerator`](crate::accounts::SecretGenerator).
    pub fn new(hex: impl Into<String>) -> Self {
        Self(hex.into())
    }

    /// The hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(***)")
    }
}

/// One login of one user on one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSession {
    /// Its id (the `sid` claim of its access tokens).
    pub id: SessionId,
    /// The user's organization.
    pub organization_id: OrganizationId,
    /// The user.
    pub user_id: UserId,
    /// The user agent at login.
    pub user_agent: Option<String>,
    /// The client IP at login.
    pub ip: Option<IpAddr>,
    /// When the user logged in.
    pub created_at: DateTime<Utc>,
    /// When a refresh token of it was last used.
    pub last_used_at: DateTime<Utc>,
    /// When it was revoked (logout, revoke, reset, reuse), if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl AuthSession {
    /// Whether it has not been revoked.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A refresh token of a session. Each use replaces it with a new one ("rotation"); the old one
/// is kept, marked rotated, so that presenting it again is recognized as theft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// Its id.
    pub id: RefreshTokenId,
    /// The session's organization.
    pub organization_id: OrganizationId,
    /// The session it renews.
    pub session_id: SessionId,
    /// Hash of the opaque token.
    pub token_hash: TokenHash,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for a new one, if it was.
    pub rotated_at: Option<DateTime<Utc>>,
}

/// What presenting a refresh token means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshCheck {
    /// Rotate it and issue a new pair.
    Valid,
    /// It was already rotated: someone replayed it; revoke the whole session.
    Reused,
    /// Expired, or its session is revoked.
    Invalid,
}

impl RefreshToken {
    /// Judges a presented token against its session at `now`.
    pub fn check(&self, session: &AuthSession, now: DateTime<Utc>) -> RefreshCheck {
        if !session.is_active() || session.id != self.session_id {
            RefreshCheck::Invalid
        } else if self.rotated_at.is_some() {
            RefreshCheck::Reused
        } else if now >= self.expires_at {
            RefreshCheck::Invalid
        } else {
            RefreshCheck::Valid
        }
    }
}

/// The claims of an access token (the signer adds `iss` and `aud`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// `sub`: the user.
    pub user_id: UserId,
    /// `org`: the user's organization.
    pub organization_id: OrganizationId,
    /// `role`.
    pub role: Role,
    /// `sid`: the session, so that revoking it refuses the token at once.
    pub session_id: SessionId,
    /// `iat`.
    pub issued_at: DateTime<Utc>,
    /// `nbf`.
    pub not_before: DateTime<Utc>,
    /// `exp`.
    pub expires_at: DateTime<Utc>,
}

/// A new access token and refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    /// The signed JWT.
    pub access_token: Secret,
    /// The opaque refresh token (shown once; only its hash is stored).
    pub refresh_token: Secret,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;
    use uuid::Uuid;

    fn fixtures(now: DateTime<Utc>) -> (AuthSession, RefreshToken) {
        let session = AuthSession {
            id: SessionId::from_uuid(Uuid::now_v7()),
            organization_id: OrganizationId::from_uuid(Uuid::now_v7()),
            user_id: UserId::from_uuid(Uuid::now_v7()),
            user_agent: None,
            ip: None,
            created_at: now,
            last_used_at: now,
            revoked_at: None,
        };
        let token = RefreshToken {
            id: RefreshTokenId::from_uuid(Uuid::now_v7()),
            organization_id: session.organization_id,
            session_id: session.id,
            token_hash: TokenHash::new("ab"),
            created_at: now,
            expires_at: now + TimeDelta::days(30),
            rotated_at: None,
        };
        (session, token)
    }

    #[test]
    fn a_fresh_token_of_an_active_session_is_valid() {
        let now = Utc::now();
        let (s, t) = fixtures(now);
        assert_eq!(t.check(&s, now), RefreshCheck::Valid);
    }

    #[test]
    fn a_rotated_token_is_reuse() {
        let now = Utc::now();
        let (s, mut t) = fixtures(now);
        t.rotated_at = Some(now);
        assert_eq!(t.check(&s, now), RefreshCheck::Reused);
    }

    #[test]
    fn expired_tokens_and_revoked_sessions_are_invalid() {
        let now = Utc::now();
        let (mut s, t) = fixtures(now);
        assert_eq!(t.check(&s, now + TimeDelta::days(30)), RefreshCheck::Invalid);
        s.revoked_at = Some(now);
        assert_eq!(t.check(&s, now), RefreshCheck::Invalid);
    }

    #[test]
    fn a_token_of_another_session_is_invalid() {
        let now = Utc::now();
        let (mut s, t) = fixtures(now);
        s.id = SessionId::from_uuid(Uuid::now_v7());
        assert_eq!(t.check(&s, now), RefreshCheck::Invalid);
    }
}
