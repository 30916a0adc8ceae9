//! Password reset: asking for a reset link (queued for the worker, see `reset_mail`), and
//! setting a new password with a reset link or a TA invitation link.

use super::{AccountService, RetryAfter};
use crate::accounts::model::{
    NewPassword, OneTimeToken, PasswordHash, ResetRequest, ThrottleScope, ThrottleSubject, TokenPurpose,
};
use crate::audit::{AuditAction, TargetType};
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Email, OrganizationId, RequestContext, Secret, SessionId};
use crate::tenancy::Slug;

/// A reset link asked for (`POST /auth/password-reset`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPasswordReset {
    /// The academy's slug.
    pub organization_slug: Slug,
    /// The account's email.
    pub email: Email,
}

use_case_error! {
    /// Errors of [`AccountService::request_password_reset`].
    pub enum PasswordResetRequestError { AccountLocked(RetryAfter) }
}

use_case_error! {
    /// Errors of [`AccountService::confirm_password_reset`].
    pub enum ConfirmPasswordResetError { InvalidToken }
}

/// The links that may set a password: a reset link, or a TA's invitation.
const PASSWORD_SETTING: [TokenPurpose; 2] = [TokenPurpose::PasswordReset, TokenPurpose::TaInvitation];

impl AccountService {
    /// Asks for a reset link to the address at the academy (`POST /auth/password-reset`).
    ///
    /// The request path does the same work for every address, known or not, at an academy that
    /// exists or not: the lock check, the count (per academy, email and client IP, like failed
    /// logins), and one queued [`ResetRequest`]; it never reads users. The worker later mails a
    /// link if the address is a user's of that academy ([`AccountService::process_reset_requests`]).
    /// So neither the answer nor its timing reveals whether an account exists. The throttle
    /// fails open (see [`AccountService::login`]).
    ///
    /// # Errors
    /// `AccountLocked` with the wait left while requests for the address are locked.
    #[tracing::instrument(skip_all, name = "accounts.request_password_reset")]
    pub async fn request_password_reset(
        &self,
        cmd: &RequestPasswordReset,
        ctx: &RequestContext,
    ) -> Result<(), PasswordResetRequestError> {
        let now = self.core.now();
        let subject = ThrottleSubject::new(&cmd.organization_slug, &cmd.email);
        if let Some(wait) = self.lock_in_force(ThrottleScope::PasswordReset, &subject, ctx.ip, now).await {
            return Err(PasswordResetRequestError::AccountLocked(wait));
        }
        self.count_attempt(ThrottleScope::PasswordReset, &subject, ctx.ip, now).await;
        let request = ResetRequest {
            id: self.core.new_id(),
            organization_slug: cmd.organization_slug.clone(),
            email: cmd.email.clone(),
            requested_at: now,
        };
        retry_transient(|| async {
            self.core.store.one_time_tokens().queue_reset_request(&request).await.map_err(Into::into)
        })
        .await
    }

    /// Sets a new password with a reset or invitation link (`POST /auth/password-reset/confirm`).
    /// The link also proves the address, so it becomes verified. Every session of the user is
    /// revoked (each audited as `session.revoked`, `reason=password_reset`, after the
    /// `password.reset` event) and their access tokens refused at once; every other reset or invitation link
    /// of the user stops working.
    ///
    /// Returns the user's organization (whose TA listings show `emailVerified`, now true).
    ///
    /// Once the change is committed the caller is told it succeeded: the revocations are in
    /// the store, which every instance checks or learns from (see `refuse_access`).
    ///
    /// # Errors
    /// `InvalidToken` for an unknown, expired or used link, or one meant for something else.
    #[tracing::instrument(skip_all, name = "accounts.confirm_password_reset")]
    pub async fn confirm_password_reset(
        &self,
        token: &Secret,
        password: &NewPassword,
        ctx: &RequestContext,
    ) -> Result<OrganizationId, ConfirmPasswordResetError> {
        let token =
            self.usable_token(token, &PASSWORD_SETTING).await?.ok_or(ConfirmPasswordResetError::InvalidToken)?;
        // The slow hash comes after the cheap token check (a forged link costs us nothing) and
        // before the transaction (which it would otherwise hold open).
        let hash = self.security.hasher.hash(password.as_password()).await?;
        let revoked = retry_transient(|| self.try_confirm_reset(&token, &hash, ctx)).await?;
        self.refuse_access(&revoked).await;
        Ok(token.organization_id)
    }

    async fn try_confirm_reset(
        &self,
        token: &OneTimeToken,
        hash: &PasswordHash,
        ctx: &RequestContext,
    ) -> Result<Vec<SessionId>, ConfirmPasswordResetError> {
        let now = self.core.now();
        let (organization, user) = (token.organization_id, token.user_id);
        let tx = self.core.store.begin().await?;
        if !tx.one_time_tokens().consume(token.id, now).await? {
            return Err(ConfirmPasswordResetError::InvalidToken);
        }
        tx.users().set_password(organization, user, hash).await?;
        tx.users().mark_email_verified(organization, user).await?;
        let revoked = tx.auth_sessions().revoke_all(organization, user, now).await?;
        tx.one_time_tokens().consume_all(organization, user, &PASSWORD_SETTING, now).await?;
        let event = self
            .core
            .audit()
            .event(organization, AuditAction::PasswordReset, (TargetType::User, user.into()), ctx)
            .by(user)
            .detail(format!("via={}", token.purpose.as_str()));
        tx.audit().append(&event).await?;
        for &session in &revoked {
            let target = (TargetType::Session, session.into());
            let ended = self.core.audit().event(organization, AuditAction::SessionRevoked, target, ctx).by(user);
            tx.audit().append(&ended.detail("reason=password_reset")).await?;
        }
        tx.commit().await?;
        Ok(revoked)
    }
}
