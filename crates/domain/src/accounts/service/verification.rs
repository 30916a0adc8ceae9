//! Email verification: confirming an address with the emailed link, and asking for a new link.

use super::{AccountService, RetryAfter};
use crate::accounts::model::{OneTimeToken, ThrottleScope, ThrottleSubject, TokenPurpose, User};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, OrganizationId, RequestContext, Secret};

use_case_error! {
    /// Errors of [`AccountService::verify_email`].
    pub enum VerifyEmailError { InvalidToken }
}

use_case_error! {
    /// Errors of [`AccountService::resend_verification`].
    pub enum ResendVerificationError { AccountLocked(RetryAfter) }
}

impl AccountService {
    /// Confirms the address of the link's user (`POST /auth/verify-email`); the token is used up.
    /// `_ctx` is taken like on every public endpoint; verification is not an audited event.
    /// Returns the user's organization (whose TA listings show `emailVerified`).
    ///
    /// # Errors
    /// `InvalidToken` for an unknown, expired or used token, or one meant for something else.
    #[tracing::instrument(skip_all, name = "accounts.verify_email")]
    pub async fn verify_email(
        &self,
        token: &Secret,
        _ctx: &RequestContext,
    ) -> Result<OrganizationId, VerifyEmailError> {
        let token = self
            .usable_token(token, &[TokenPurpose::EmailVerification])
            .await?
            .ok_or(VerifyEmailError::InvalidToken)?;
        retry_transient(|| self.try_verify_email(&token)).await?;
        Ok(token.organization_id)
    }

    async fn try_verify_email(&self, token: &OneTimeToken) -> Result<(), VerifyEmailError> {
        let tx = self.core.store.begin().await?;
        if !tx.one_time_tokens().consume(token.id, self.core.now()).await? {
            return Err(VerifyEmailError::InvalidToken);
        }
        tx.users().mark_email_verified(token.organization_id, token.user_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Mails the caller a new verification link (`POST /auth/verify-email/resend`), unless
    /// their address is already verified. Requests are counted like failed logins, per academy,
    /// email and client IP, so that the endpoint cannot be used to flood a mailbox; the throttle
    /// fails open (see [`AccountService::login`]).
    ///
    /// # Errors
    /// `AccountLocked` with the wait left while requests for the address are locked.
    #[tracing::instrument(skip_all, name = "accounts.resend_verification")]
    pub async fn resend_verification(&self, actor: &Actor) -> Result<(), ResendVerificationError> {
        // Users are never deleted; a token outliving its user has nothing to verify.
        let Some(user) = self.core.store.users().get(actor.organization_id, actor.user_id).await? else {
            return Ok(());
        };
        let organization = self.core.store.organizations().get(actor.organization_id).await?.ok_or_else(|| {
            anyhow::anyhow!("the organization {} of an authenticated user is missing", actor.organization_id)
        })?;
        let subject = ThrottleSubject::new(&organization.slug, &user.email);
        let now = self.core.now();
        let ip = actor.context.ip;
        if let Some(wait) = self.lock_in_force(ThrottleScope::EmailVerification, &subject, ip, now).await {
            return Err(ResendVerificationError::AccountLocked(wait));
        }
        self.count_attempt(ThrottleScope::EmailVerification, &subject, ip, now).await;
        if user.email_verified {
            return Ok(());
        }
        retry_transient(|| self.try_resend(&user)).await
    }

    async fn try_resend(&self, user: &User) -> Result<(), ResendVerificationError> {
        let tx = self.core.store.begin().await?;
        self.mail_link(&*tx, user, TokenPurpose::EmailVerification, |token| EmailPayload::EmailVerification { token })
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
