//! Creating accounts: an academy signs up with its first admin, and a student registers with an
//! academy. Both log the new user in and mail a verification link.

use super::{AccountService, LoggedIn};
use crate::accounts::model::{AuthSession, IssuedTokens, NewPassword, PasswordHash, TokenPurpose, User};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Currency, Email, OrganizationId, PersonName, RequestContext, Role, Secret, TimeZoneId};
use crate::store::{Conflict, ConflictExt, Repositories, StoreError};
use crate::tenancy::{OrgName, OrgSettings, Organization, Slug};

/// A new account's own details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Its email address.
    pub email: Email,
    /// Its password, already checked against the policy.
    pub password: NewPassword,
    /// Its display name.
    pub name: PersonName,
}

/// An academy signing up (`POST /organizations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUp {
    /// The organization's name.
    pub name: OrgName,
    /// Its unique URL-safe name.
    pub slug: Slug,
    /// Its time zone (UTC when not given).
    pub timezone: Option<TimeZoneId>,
    /// Its currency (EUR when not given).
    pub currency: Option<Currency>,
    /// Its first admin.
    pub admin: NewAccount,
}

/// A new organization with its admin, logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUp {
    /// The organization.
    pub organization: Organization,
    /// Its admin.
    pub user: User,
    /// The admin's tokens.
    pub tokens: IssuedTokens,
}

/// A student registering with an academy (`POST /auth/register`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterStudent {
    /// The academy's slug.
    pub organization_slug: Slug,
    /// The student's details.
    pub account: NewAccount,
}

use_case_error! {
    /// Errors of [`AccountService::sign_up`]. Emails are unique within an organization and a new
    /// one has no users yet: its admin may have an email used at other academies.
    pub enum SignUpError { SlugTaken }
}

use_case_error! {
    /// Errors of [`AccountService::register`].
    pub enum RegisterError { NotFound, EmailTaken }
}

impl AccountService {
    /// Creates an organization with its first admin and logs the admin in (`POST
    /// /organizations`): the organization, the admin, the session and the verification email
    /// commit together.
    ///
    /// # Errors
    /// `SlugTaken` when another organization has the slug.
    #[tracing::instrument(skip_all, name = "accounts.sign_up")]
    pub async fn sign_up(&self, cmd: &SignUp, ctx: &RequestContext) -> Result<SignedUp, SignUpError> {
        // Hashing is deliberately slow: done once, before a transaction is held open, and not
        // again when a transient conflict reruns the transaction.
        let hash = self.security.hasher.hash(cmd.admin.password.as_password()).await?;
        let (organization, user, session, refresh_token) =
            retry_transient(|| self.try_sign_up(cmd, &hash, ctx)).await?;
        let tokens = self.issue_tokens(&user, session.id, refresh_token)?;
        Ok(SignedUp { organization, user, tokens })
    }

    async fn try_sign_up(
        &self,
        cmd: &SignUp,
        hash: &PasswordHash,
        ctx: &RequestContext,
    ) -> Result<(Organization, User, AuthSession, Secret), SignUpError> {
        let organization = Organization {
            id: self.core.new_id(),
            name: cmd.name.clone(),
            slug: cmd.slug.clone(),
            timezone: cmd.timezone.unwrap_or(TimeZoneId::UTC),
            currency: cmd.currency.unwrap_or(Currency::EUR),
            settings: OrgSettings::default(),
            created_at: self.core.now(),
        };
        let tx = self.core.store.begin().await?;
        tx.organizations().insert(&organization).await.on_conflict(Conflict::SlugTaken, SignUpError::SlugTaken)?;
        let user = self.new_user(organization.id, &cmd.admin.email, &cmd.admin.name, Role::Admin);
        tx.users().insert(&user, Some(hash.clone())).await?;
        let (session, refresh_token) = self.welcome(&*tx, &user, ctx).await?;
        tx.commit().await?;
        Ok((organization, user, session, refresh_token))
    }

    /// Registers a student with the academy of the slug and logs them in (`POST
    /// /auth/register`); the verification email commits with the account.
    ///
    /// # Errors
    /// `NotFound` for an unknown slug; `EmailTaken` when another user of the academy has the
    /// email (users of other academies may have it: nothing here tells whether they do).
    #[tracing::instrument(skip_all, name = "accounts.register")]
    pub async fn register(&self, cmd: &RegisterStudent, ctx: &RequestContext) -> Result<LoggedIn, RegisterError> {
        let organization = self
            .core
            .store
            .organizations()
            .find_by_slug(&cmd.organization_slug)
            .await?
            .ok_or(RegisterError::NotFound)?;
        let hash = self.security.hasher.hash(cmd.account.password.as_password()).await?;
        let (user, session, refresh_token) =
            retry_transient(|| self.try_register(organization.id, &cmd.account, &hash, ctx)).await?;
        let tokens = self.issue_tokens(&user, session.id, refresh_token)?;
        Ok(LoggedIn { user, tokens })
    }

    async fn try_register(
        &self,
        organization: OrganizationId,
        account: &NewAccount,
        hash: &PasswordHash,
        ctx: &RequestContext,
    ) -> Result<(User, AuthSession, Secret), RegisterError> {
        let user = self.new_user(organization, &account.email, &account.name, Role::Student);
        let tx = self.core.store.begin().await?;
        tx.users()
            .insert(&user, Some(hash.clone()))
            .await
            .on_conflict(Conflict::EmailTaken, RegisterError::EmailTaken)?;
        let (session, refresh_token) = self.welcome(&*tx, &user, ctx).await?;
        tx.commit().await?;
        Ok((user, session, refresh_token))
    }

    /// What every new account with a password gets: a session, and a verification link.
    async fn welcome(
        &self,
        repos: &dyn Repositories,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<(AuthSession, Secret), StoreError> {
        let opened = self.open_session(repos, user, ctx).await?;
        self.mail_link(repos, user, TokenPurpose::EmailVerification, |token| EmailPayload::EmailVerification { token })
            .await?;
        Ok(opened)
    }
}
