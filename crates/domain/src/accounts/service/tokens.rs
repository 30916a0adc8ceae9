//! The life of tokens: refreshing with rotation and reuse detection, logging out,
//! authenticating an access token, and the store's recent revocations.

use chrono::{DateTime, TimeDelta, Utc};

use super::{AccountService, LoggedIn};
use crate::accounts::model::{AccessClaims, AuthSession, RefreshCheck, RefreshToken};
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, RequestContext, Secret, SessionId, UserId};
use crate::store::StoreError;

use_case_error! {
    /// Errors of [`AccountService::refresh`].
    pub enum RefreshError { InvalidRefreshToken, RefreshTokenReused }
}

use_case_error! {
    /// Errors of [`AccountService::logout`].
    pub enum LogoutError { InvalidRefreshToken }
}

use_case_error! {
    /// Errors of [`AccountService::authenticate`].
    pub enum AuthenticateError { Unauthenticated }
}

impl AccountService {
    /// Exchanges a refresh token for a new pair (`POST /auth/refresh`); the presented token is
    /// rotated and can never be used again.
    ///
    /// Presenting a token that was already rotated means two parties hold it (theft): the whole
    /// session is revoked and its access tokens refused at once. Losing a race to a concurrent
    /// refresh with the same token is treated the same way, as only one of two holders can be
    /// the owner.
    ///
    /// # Errors
    /// `InvalidRefreshToken` for an unknown or expired token, or one of a revoked session;
    /// `RefreshTokenReused` for a token already rotated.
    #[tracing::instrument(skip_all, name = "accounts.refresh")]
    pub async fn refresh(&self, refresh_token: &Secret, ctx: &RequestContext) -> Result<LoggedIn, RefreshError> {
        let hash = self.security.secrets.hash(refresh_token.expose());
        let sessions = self.core.store.auth_sessions();
        let token = sessions.find_refresh_token(&hash).await?.ok_or(RefreshError::InvalidRefreshToken)?;
        let session = sessions.get(token.session_id).await?.ok_or(RefreshError::InvalidRefreshToken)?;
        match token.check(&session, self.core.now()) {
            RefreshCheck::Valid => {}
            RefreshCheck::Invalid => return Err(RefreshError::InvalidRefreshToken),
            RefreshCheck::Reused => return Err(self.refresh_token_reused(&session, ctx).await),
        }
        let user = self
            .core
            .store
            .users()
            .get(session.organization_id, session.user_id)
            .await?
            .ok_or(RefreshError::InvalidRefreshToken)?;
        let Some(new_token) = retry_transient(|| self.try_rotate(&token, &session)).await? else {
            return Err(self.refresh_token_reused(&session, ctx).await);
        };
        let tokens = self.issue_tokens(&user, session.id, new_token)?;
        Ok(LoggedIn { user, tokens })
    }

    /// Rotates the token and stores its successor; `None` when a concurrent refresh rotated it
    /// first (the transaction is then dropped, writing nothing).
    async fn try_rotate(&self, token: &RefreshToken, session: &AuthSession) -> Result<Option<Secret>, RefreshError> {
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        if !tx.auth_sessions().mark_rotated(token.id, now).await? {
            return Ok(None);
        }
        let next = self.new_refresh_token(&*tx, session).await?;
        tx.auth_sessions().touch(session.id, now).await?;
        tx.commit().await?;
        Ok(Some(next))
    }

    /// Revokes the session of a replayed refresh token and refuses its access tokens.
    ///
    /// # Errors
    /// `RefreshTokenReused` once the session is revoked.
    async fn refresh_token_reused(&self, session: &AuthSession, ctx: &RequestContext) -> RefreshError {
        if let Err(error) = self.revoke_recorded::<RefreshError>(session, None, ctx, "refresh_token_reused").await {
            return error;
        }
        self.refuse_access(&[session.id]).await;
        RefreshError::RefreshTokenReused
    }

    /// Logs out (`POST /auth/logout`): revokes the session of the refresh token, which must be
    /// one of the caller's, and refuses its access tokens at once. Idempotent: an already
    /// revoked session is fine. Once the revocation is committed it has taken effect, whatever
    /// the revocation list answers (see `refuse_access`).
    ///
    /// # Errors
    /// `InvalidRefreshToken` for an unknown token or one of another user's session.
    #[tracing::instrument(skip_all, name = "accounts.logout")]
    pub async fn logout(&self, actor: &Actor, refresh_token: &Secret) -> Result<(), LogoutError> {
        let hash = self.security.secrets.hash(refresh_token.expose());
        let sessions = self.core.store.auth_sessions();
        let token = sessions.find_refresh_token(&hash).await?.ok_or(LogoutError::InvalidRefreshToken)?;
        let session = sessions
            .get(token.session_id)
            .await?
            .filter(|s| s.user_id == actor.user_id && s.organization_id == actor.organization_id)
            .ok_or(LogoutError::InvalidRefreshToken)?;
        self.revoke_recorded::<LogoutError>(&session, Some(actor.user_id), &actor.context, "logout").await?;
        self.refuse_access(&[session.id]).await;
        Ok(())
    }

    /// The caller of a request bearing this access token.
    ///
    /// When the revocation list cannot be read (Redis down), the session is looked up in the
    /// database instead, which records every revocation: slower, never wrong. Only when both
    /// are unreachable is the token refused (503), since it may belong to a session revoked a
    /// minute ago.
    ///
    /// # Errors
    /// `Unauthenticated` for a token that fails a signature or claim check, or whose session
    /// was revoked; `Unexpected` when neither the revocation list nor the database answers.
    #[tracing::instrument(skip_all, name = "accounts.authenticate")]
    pub async fn authenticate(&self, access_token: &str, ctx: RequestContext) -> Result<Actor, AuthenticateError> {
        let token = self.verify_access_token(access_token).ok_or(AuthenticateError::Unauthenticated)?;
        self.authenticate_verified(&token, ctx).await
    }

    /// [`AccountService::authenticate`] for a token already verified by
    /// [`AccountService::verify_access_token`]: only the revocation check is left.
    ///
    /// # Errors
    /// As [`AccountService::authenticate`].
    #[tracing::instrument(skip_all, name = "accounts.authenticate")]
    pub async fn authenticate_verified(
        &self,
        token: &VerifiedToken,
        ctx: RequestContext,
    ) -> Result<Actor, AuthenticateError> {
        let claims = &token.0;
        let revoked = match self.security.revocations.is_revoked(claims.session_id).await {
            Ok(revoked) => revoked,
            Err(error) => {
                tracing::debug!(error = %error, "revocation list unreadable; asking the database");
                let session = self.core.store.auth_sessions().get(claims.session_id).await?;
                !session.is_some_and(|s| s.is_active() && s.user_id == claims.user_id)
            }
        };
        if revoked {
            return Err(AuthenticateError::Unauthenticated);
        }
        Ok(Actor::new(claims.user_id, claims.organization_id, claims.role, claims.session_id).with_context(ctx))
    }

    /// The user an access token was signed for, checking its signature and claims only (not
    /// revocation): cheap enough for the edge to key rate limits and idempotency scopes by user
    /// before the request is authenticated in full. `None` for a token that fails a check.
    pub fn token_subject(&self, access_token: &str) -> Option<UserId> {
        self.verify_access_token(access_token).map(|token| token.user_id())
    }

    /// The access token's signature and claims checked (not its revocation), kept so that a
    /// request checks them once: the edge keys limits by its user, then
    /// [`AccountService::authenticate_verified`] finishes the job. `None` for a token that fails
    /// a check.
    pub fn verify_access_token(&self, access_token: &str) -> Option<VerifiedToken> {
        self.security.signer.verify(access_token).ok().map(VerifiedToken)
    }

    /// The sessions revoked in the store at or after `since`: what an instance's own copy of
    /// the revocation list is filled from at start-up (`since` one access-token lifetime ago)
    /// and kept up to date with, whatever the shared list missed.
    ///
    /// # Errors
    /// Store failures.
    #[tracing::instrument(skip_all, name = "accounts.revoked_since")]
    pub async fn revoked_since(&self, since: DateTime<Utc>) -> Result<Vec<SessionId>, StoreError> {
        self.core.store.auth_sessions().revoked_since(since).await
    }

    /// How long an access token lives: a session revoked longer ago than this has no token
    /// left to refuse.
    pub fn access_token_lifetime(&self) -> TimeDelta {
        self.config.access_ttl
    }
}

/// An access token whose signature and claims the service checked (see
/// [`AccountService::verify_access_token`]); only the service makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken(AccessClaims);

impl VerifiedToken {
    /// The user the token was signed for.
    pub const fn user_id(&self) -> UserId {
        self.0.user_id
    }

    /// Its claims.
    pub const fn claims(&self) -> &AccessClaims {
        &self.0
    }
}
