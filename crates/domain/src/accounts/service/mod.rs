//! Use cases of the accounts context: [`AccountService`], its security ports and settings, and
//! the steps several use cases share (opening a session, signing tokens, mailing a one-time
//! link, ending a session).
//!
//! Each use case lives in its own file: `signup`, `login`, `tokens` (refresh, logout,
//! authenticate), `sessions`, `verification`, `password_reset`, `reset_mail` (the worker's side
//! of a reset request), `invitation`; `throttle` holds the fail-open lockout checks they share,
//! `revocation` the ending of sessions.

mod invitation;
mod login;
mod password_reset;
mod reset_mail;
mod revocation;
mod sessions;
mod signup;
mod throttle;
mod tokens;
mod verification;

use std::sync::Arc;

use chrono::TimeDelta;

pub use invitation::*;
pub use login::*;
pub use password_reset::*;
pub use reset_mail::*;
pub use sessions::*;
pub use signup::*;
pub use throttle::RetryAfter;
pub use tokens::*;
pub use verification::*;

use super::model::{
    AccessClaims, AuthSession, IssuedTokens, LockoutPolicy, OneTimeToken, RefreshToken, TokenPurpose, User,
};
use super::ports::{LoginThrottle, PasswordHasher, RevocationList, SecretGenerator, TokenSigner};
use crate::core::Core;
use crate::notifications::EmailPayload;
use crate::shared::{Email, OrganizationId, PersonName, RequestContext, Role, Secret, SessionId};
use crate::store::{Repositories, StoreError};

/// The security primitives the account use cases need, implemented by adapters.
#[derive(Clone)]
pub struct SecurityPorts {
    /// Hashes and verifies passwords.
    pub hasher: Arc<dyn PasswordHasher>,
    /// Signs and verifies access tokens.
    pub signer: Arc<dyn TokenSigner>,
    /// Generates and hashes opaque tokens.
    pub secrets: Arc<dyn SecretGenerator>,
    /// Sessions whose access tokens are refused before they expire.
    pub revocations: Arc<dyn RevocationList>,
    /// Failure counters and locks of the lockout policy.
    pub throttle: Arc<dyn LoginThrottle>,
}

/// Lifetimes of tokens and the lockout policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthConfig {
    /// How long an access token is accepted (15 minutes by default).
    pub access_ttl: TimeDelta,
    /// How long a refresh token is accepted (30 days by default).
    pub refresh_ttl: TimeDelta,
    /// When repeated failures lock an email.
    pub lockout: LockoutPolicy,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self { access_ttl: TimeDelta::minutes(15), refresh_ttl: TimeDelta::days(30), lockout: LockoutPolicy::default() }
    }
}

/// A user who just logged in (or registered, or refreshed), with their new tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    /// The user.
    pub user: User,
    /// The new access and refresh tokens.
    pub tokens: IssuedTokens,
}

/// Sign-up, registration, login, sessions and their tokens, email verification, password reset
/// and TA invitation.
#[derive(Clone)]
pub struct AccountService {
    core: Core,
    security: SecurityPorts,
    config: AuthConfig,
}

impl AccountService {
    /// A service over the core ports, the security ports and the settings.
    pub fn new(core: Core, security: SecurityPorts, config: AuthConfig) -> Self {
        Self { core, security, config }
    }

    /// The same service, generating its opaque tokens with `secrets`: for a tool that must use
    /// the links it creates itself (`app seed-demo` accepts its TAs' invitations), since the
    /// outbox keeps a link's token only until its email is sent.
    #[must_use]
    pub fn with_secrets(&self, secrets: Arc<dyn SecretGenerator>) -> Self {
        let security = SecurityPorts { secrets, ..self.security.clone() };
        Self { core: self.core.clone(), security, config: self.config }
    }

    /// A new, unverified user of `role` in the organization.
    fn new_user(&self, organization: OrganizationId, email: &Email, name: &PersonName, role: Role) -> User {
        User {
            id: self.core.new_id(),
            organization_id: organization,
            email: email.clone(),
            name: name.clone(),
            role,
            email_verified: false,
            created_at: self.core.now(),
        }
    }

    /// Opens a session for `user` with its first refresh token (returned in clear, shown once).
    async fn open_session(
        &self,
        repos: &dyn Repositories,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<(AuthSession, Secret), StoreError> {
        let now = self.core.now();
        let session = AuthSession {
            id: self.core.new_id(),
            organization_id: user.organization_id,
            user_id: user.id,
            user_agent: ctx.user_agent.clone(),
            ip: ctx.ip,
            created_at: now,
            last_used_at: now,
            revoked_at: None,
        };
        repos.auth_sessions().insert(&session).await?;
        let refresh_token = self.new_refresh_token(repos, &session).await?;
        Ok((session, refresh_token))
    }

    /// Stores a new refresh token of the session (only its hash) and returns it in clear.
    async fn new_refresh_token(&self, repos: &dyn Repositories, session: &AuthSession) -> Result<Secret, StoreError> {
        let now = self.core.now();
        let (secret, token_hash) = self.security.secrets.generate();
        let token = RefreshToken {
            id: self.core.new_id(),
            organization_id: session.organization_id,
            session_id: session.id,
            token_hash,
            created_at: now,
            expires_at: now + self.config.refresh_ttl,
            rotated_at: None,
        };
        repos.auth_sessions().insert_refresh_token(&token).await?;
        Ok(secret)
    }

    /// Signs an access token for the user's session and pairs it with the refresh token.
    fn issue_tokens(
        &self,
        user: &User,
        session: SessionId,
        refresh_token: Secret,
    ) -> Result<IssuedTokens, anyhow::Error> {
        let now = self.core.now();
        let claims = AccessClaims {
            user_id: user.id,
            organization_id: user.organization_id,
            role: user.role,
            session_id: session,
            issued_at: now,
            not_before: now,
            expires_at: now + self.config.access_ttl,
        };
        let access_token = Secret::new(self.security.signer.sign(&claims)?);
        let expires_in = u64::try_from(self.config.access_ttl.num_seconds()).unwrap_or(0);
        Ok(IssuedTokens { access_token, refresh_token, expires_in })
    }

    /// Issues a one-time token of `purpose` to the user and queues the email carrying it, in
    /// the caller's transaction (the link exists if and only if the email is sent).
    async fn mail_link(
        &self,
        repos: &dyn Repositories,
        user: &User,
        purpose: TokenPurpose,
        payload: impl FnOnce(Secret) -> EmailPayload,
    ) -> Result<(), StoreError> {
        let (secret, hash) = self.security.secrets.generate();
        let token =
            OneTimeToken::issue(self.core.new_id(), user.organization_id, user.id, purpose, hash, self.core.now());
        repos.one_time_tokens().insert(&token).await?;
        let outbox = self.core.outbox();
        outbox.queue(repos, user.organization_id, &user.email, user.name.as_str(), payload(secret)).await
    }

    /// The one-time token presented, if it may be used now for one of `purposes`.
    async fn usable_token(
        &self,
        token: &Secret,
        purposes: &[TokenPurpose],
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let hash = self.security.secrets.hash(token.expose());
        let found = self.core.store.one_time_tokens().find(&hash).await?;
        Ok(found.filter(|t| t.is_usable(self.core.now(), purposes)))
    }
}
