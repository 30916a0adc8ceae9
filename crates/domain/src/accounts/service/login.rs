//! Logging in to an academy with an email and a password, under the lockout policy.

use chrono::{DateTime, Utc};

use super::{AccountService, LoggedIn, RetryAfter};
use crate::accounts::model::{AuthSession, LockScope, Password, ThrottleScope, ThrottleSubject, User};
use crate::audit::{AuditAction, TargetType};
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{BusinessEvent, Email, RequestContext, Secret};
use crate::tenancy::Slug;

/// Credentials as typed at login (`POST /auth/login`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The academy's slug: an email is an account of one academy.
    pub organization_slug: Slug,
    /// The account's email.
    pub email: Email,
    /// The password as typed.
    pub password: Password,
}

use_case_error! {
    /// Errors of [`AccountService::login`].
    pub enum LoginError { AccountLocked(RetryAfter), InvalidCredentials }
}

impl Login {
    /// Whose failures this login counts: the email at the academy named.
    fn subject(&self) -> ThrottleSubject {
        ThrottleSubject::new(&self.organization_slug, &self.email)
    }
}

impl AccountService {
    /// Logs a user of the academy of the slug in (`POST /auth/login`) and opens a session.
    ///
    /// A lock is checked first, so a locked email is refused even with the right password. The
    /// user is looked up by slug and email in one statement, and the password is then always
    /// verified, against `None` when the academy does not exist, the email has no account there
    /// or no password yet, so that every refusal costs the same hashing time and says the same
    /// thing. Failures and locks are per academy and email ([`ThrottleSubject`]): each failure is
    /// counted, for an unknown academy or email too; the
    /// one that reaches the policy's threshold sets the lock and is still answered
    /// `InvalidCredentials` — the next attempt gets `AccountLocked`. Failures for an existing
    /// user are audited (`login.failed`, and `account.locked` when they set a lock).
    ///
    /// The throttle fails open: when its store is unreachable the lock is not enforced and the
    /// failure is not counted (a warning is logged), so that a cache outage does not stop
    /// logins.
    ///
    /// # Errors
    /// `AccountLocked` with the wait left while the email is locked at this academy for this
    /// client; `InvalidCredentials` for an unknown academy, an unknown email, a wrong password,
    /// or an invited TA who has not set a password.
    #[tracing::instrument(skip_all, name = "accounts.login")]
    pub async fn login(&self, cmd: &Login, ctx: &RequestContext) -> Result<LoggedIn, LoginError> {
        let now = self.core.now();
        let subject = cmd.subject();
        if let Some(wait) = self.lock_in_force(ThrottleScope::Login, &subject, ctx.ip, now).await {
            self.core.count(BusinessEvent::LoginLocked);
            return Err(LoginError::AccountLocked(wait));
        }
        let credentials = self.core.store.users().find_credentials(&cmd.organization_slug, &cmd.email).await?;
        let (user, hash) = credentials.map_or((None, None), |c| (Some(c.user), c.password_hash));
        let has_password = hash.is_some();
        let verified = self.security.hasher.verify(&cmd.password, hash).await?;
        // Without a stored hash nothing can match, whatever the hasher says.
        let user = match user {
            Some(user) if verified && has_password => user,
            user => {
                self.login_failed(cmd, user.as_ref(), ctx, now).await?;
                self.core.count(BusinessEvent::LoginFailed);
                return Err(LoginError::InvalidCredentials);
            }
        };
        self.clear_failures(ThrottleScope::Login, &subject, ctx.ip).await;
        let (session, refresh_token) = retry_transient(|| self.try_open_login(&user, ctx)).await?;
        let tokens = self.issue_tokens(&user, session.id, refresh_token)?;
        Ok(LoggedIn { user, tokens })
    }

    async fn try_open_login(&self, user: &User, ctx: &RequestContext) -> Result<(AuthSession, Secret), LoginError> {
        let tx = self.core.store.begin().await?;
        let opened = self.open_session(&*tx, user, ctx).await?;
        let target = (TargetType::User, user.id.into());
        let event = self.core.audit().event(user.organization_id, AuditAction::LoginSucceeded, target, ctx).by(user.id);
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(opened)
    }

    /// Counts the failure (locking per the policy) and audits it when the email is a user's of
    /// the academy: events belong to an organization, which an unknown email does not have.
    async fn login_failed(
        &self,
        cmd: &Login,
        user: Option<&User>,
        ctx: &RequestContext,
        now: DateTime<Utc>,
    ) -> Result<(), LoginError> {
        let lock = self.count_attempt(ThrottleScope::Login, &cmd.subject(), ctx.ip, now).await;
        let Some(user) = user else { return Ok(()) };
        let audit = self.core.audit();
        let target = (TargetType::User, user.id.into());
        let mut events = vec![audit.event(user.organization_id, AuditAction::LoginFailed, target, ctx)];
        if let Some(lock) = lock {
            let scope = match lock {
                LockScope::ThisIp => "scope=ip",
                LockScope::AllIps => "scope=all_ips",
            };
            events.push(audit.event(user.organization_id, AuditAction::AccountLocked, target, ctx).detail(scope));
        }
        for event in &events {
            self.core.store.audit().append(event).await?;
        }
        Ok(())
    }
}
