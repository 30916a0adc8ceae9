//! Ports of the accounts context: persistence of users, sessions and one-time tokens, and the
//! security primitives (password hashing, token signing, secret generation, revocation list,
//! failure counters) whose implementations live in adapters.

use std::net::IpAddr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{
    AccessClaims, AuthSession, Credentials, FailureCounts, OneTimeToken, Password, PasswordHash, RefreshToken,
    ResetRequest, ThrottleScope, ThrottleSubject, TokenHash, TokenPurpose, User,
};
use crate::shared::{
    Email, OneTimeTokenId, OrganizationId, PageRequest, RefreshTokenId, Role, Secret, SessionId, UserId,
};
use crate::store::StoreError;
use crate::tenancy::Slug;

/// Stores users.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Inserts a user, with a password hash or none (an invited TA).
    ///
    /// # Errors
    /// MUST return `Conflict(EmailTaken)` when another user of the same organization has the
    /// email (users of other organizations may have it).
    async fn insert(&self, user: &User, password_hash: Option<PasswordHash>) -> Result<(), StoreError>;

    /// The user of the organization with this id.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: UserId) -> Result<Option<User>, StoreError>;

    /// Users of the organization with these ids (missing ones are left out), in any order.
    ///
    /// # Errors
    /// Only store failures.
    async fn get_many(&self, organization: OrganizationId, ids: &[UserId]) -> Result<Vec<User>, StoreError>;

    /// The user with this email in the organization of this slug, with its password hash. One
    /// statement whatever the slug, so that an unknown academy costs what an unknown email does.
    ///
    /// # Errors
    /// Only store failures.
    async fn find_credentials(&self, organization: &Slug, email: &Email) -> Result<Option<Credentials>, StoreError>;

    /// Replaces the password hash.
    ///
    /// # Errors
    /// Only store failures.
    async fn set_password(
        &self,
        organization: OrganizationId,
        id: UserId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError>;

    /// Marks the email verified.
    ///
    /// # Errors
    /// Only store failures.
    async fn mark_email_verified(&self, organization: OrganizationId, id: UserId) -> Result<(), StoreError>;

    /// Users of one role, ordered by name then id, at most `page.fetch_limit()` strictly after
    /// the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list_by_role(
        &self,
        organization: OrganizationId,
        role: Role,
        page: &PageRequest,
    ) -> Result<Vec<User>, StoreError>;

    /// Reads the user and locks its row until the transaction ends (PostgreSQL
    /// `SELECT … FOR UPDATE`), serializing per-user decisions such as "no second active bundle".
    ///
    /// # Errors
    /// Only store failures.
    async fn lock(&self, organization: OrganizationId, id: UserId) -> Result<Option<User>, StoreError>;
}

/// Stores authentication sessions and their refresh tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AuthSessionRepository: Send + Sync {
    /// Inserts a session.
    ///
    /// # Errors
    /// Only store failures.
    async fn insert(&self, session: &AuthSession) -> Result<(), StoreError>;

    /// The session with this id, in any organization (ids come from signed tokens).
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, id: SessionId) -> Result<Option<AuthSession>, StoreError>;

    /// The user's sessions that are not revoked, most recently used first.
    ///
    /// # Errors
    /// Only store failures.
    async fn list_active(&self, organization: OrganizationId, user: UserId) -> Result<Vec<AuthSession>, StoreError>;

    /// Records a use of the session.
    ///
    /// # Errors
    /// Only store failures.
    async fn touch(&self, id: SessionId, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Revokes the session if it is active; returns whether it was.
    ///
    /// # Errors
    /// Only store failures.
    async fn revoke(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Revokes every active session of the user; returns those revoked now.
    ///
    /// # Errors
    /// Only store failures.
    async fn revoke_all(
        &self,
        organization: OrganizationId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<Vec<SessionId>, StoreError>;

    /// Sessions revoked at or after `since`, to rebuild an in-process revocation list at start.
    ///
    /// # Errors
    /// Only store failures.
    async fn revoked_since(&self, since: DateTime<Utc>) -> Result<Vec<SessionId>, StoreError>;

    /// Inserts a refresh token.
    ///
    /// # Errors
    /// Only store failures.
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError>;

    /// The refresh token with this hash, rotated or not.
    ///
    /// # Errors
    /// Only store failures.
    async fn find_refresh_token(&self, hash: &TokenHash) -> Result<Option<RefreshToken>, StoreError>;

    /// Marks the token rotated if it was not; returns whether this call rotated it. Two
    /// concurrent refreshes with one token MUST NOT both get `true`.
    ///
    /// # Errors
    /// Only store failures.
    async fn mark_rotated(&self, id: RefreshTokenId, at: DateTime<Utc>) -> Result<bool, StoreError>;
}

/// Stores one-time tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OneTimeTokenRepository: Send + Sync {
    /// Inserts a token.
    ///
    /// # Errors
    /// Only store failures.
    async fn insert(&self, token: &OneTimeToken) -> Result<(), StoreError>;

    /// The token with this hash, used or not.
    ///
    /// # Errors
    /// Only store failures.
    async fn find(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError>;

    /// Marks the token used if it was not; returns whether this call used it. Two concurrent
    /// uses MUST NOT both get `true`.
    ///
    /// # Errors
    /// Only store failures.
    async fn consume(&self, id: OneTimeTokenId, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Marks every unused token of the user with one of `purposes` used (after a reset, older
    /// reset links stop working).
    ///
    /// # Errors
    /// Only store failures.
    async fn consume_all(
        &self,
        organization: OrganizationId,
        user: UserId,
        purposes: &[TokenPurpose],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// How many tokens of `purpose` were issued to the user at or after `since`, used or not.
    ///
    /// # Errors
    /// Only store failures.
    async fn count_issued_since(
        &self,
        organization: OrganizationId,
        user: UserId,
        purpose: TokenPurpose,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError>;

    /// Queues a password-reset request for the worker.
    ///
    /// # Errors
    /// Only store failures.
    async fn queue_reset_request(&self, request: &ResetRequest) -> Result<(), StoreError>;

    /// Takes the oldest queued reset request off the queue (deletes it and returns it). Inside a
    /// transaction the removal commits with what is done about the request, and another
    /// transaction MUST NOT take the same request meanwhile (PostgreSQL: `FOR UPDATE SKIP
    /// LOCKED`, so that concurrent workers take different requests).
    ///
    /// # Errors
    /// Only store failures.
    async fn take_reset_request(&self) -> Result<Option<ResetRequest>, StoreError>;
}

/// Hashes and verifies passwords (Argon2id in production). Implementations run the work off
/// the async executor.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A salted hash of the password.
    ///
    /// # Errors
    /// Only internal failures.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, anyhow::Error>;

    /// Whether the password matches the hash. With `None` (unknown email, or no password set)
    /// it MUST do the same work against a dummy hash and return `false`, so that the response
    /// time reveals nothing.
    ///
    /// # Errors
    /// Only internal failures (a malformed stored hash).
    async fn verify(&self, password: &Password, hash: Option<PasswordHash>) -> Result<bool, anyhow::Error>;
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid access token")]
pub struct InvalidAccessToken;

/// Signs and verifies access tokens (JWT in production).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenSigner: Send + Sync {
    /// A signed token carrying the claims (plus the issuer and audience of the deployment).
    ///
    /// # Errors
    /// Only internal failures.
    fn sign(&self, claims: &AccessClaims) -> Result<String, anyhow::Error>;

    /// The claims of a token. MUST pin the algorithm and require a valid signature, `exp`,
    /// `nbf`, the deployment's `iss` and `aud`.
    ///
    /// # Errors
    /// [`InvalidAccessToken`] for any token that fails a check.
    fn verify(&self, token: &str) -> Result<AccessClaims, InvalidAccessToken>;
}

/// Generates opaque tokens (256 random bits, URL-safe) and hashes them for storage.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SecretGenerator: Send + Sync {
    /// A new token and its hash.
    fn generate(&self) -> (Secret, TokenHash);

    /// The hash of a presented token (MUST equal the hash `generate` returned for it).
    fn hash(&self, token: &str) -> TokenHash;
}

/// Sessions whose access tokens must be refused before they expire, shared by every instance.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RevocationList: Send + Sync {
    /// Refuses the session's access tokens until `until` (their latest possible expiry).
    ///
    /// # Errors
    /// Only store failures.
    async fn revoke(&self, session: SessionId, until: DateTime<Utc>) -> Result<(), StoreError>;

    /// Whether the session's access tokens are refused.
    ///
    /// # Errors
    /// Only store failures.
    async fn is_revoked(&self, session: SessionId) -> Result<bool, StoreError>;
}

/// Failure counters and locks of the lockout policy, shared by every instance. Everything is
/// counted per [`ThrottleSubject`] (an email at one organization): the same email at another
/// organization has counters and locks of its own.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// Until when the subject is locked for this IP (an IP lock or an every-IP lock), if it is.
    ///
    /// # Errors
    /// Only store failures.
    async fn locked_until(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Counts one more failure for the subject from this IP; returns the counters after it.
    ///
    /// # Errors
    /// Only store failures.
    async fn record_failure(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<FailureCounts, StoreError>;

    /// Locks the subject until `until`, for this IP or (with `None`) for every IP.
    ///
    /// # Errors
    /// Only store failures.
    async fn lock(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Resets the consecutive-failure counter of the subject for this IP (after a success).
    ///
    /// # Errors
    /// Only store failures.
    async fn reset(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
    ) -> Result<(), StoreError>;
}
