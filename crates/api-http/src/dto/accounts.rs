//! Bodies of the account endpoints: sign-up, registration, login, tokens, password reset,
//! verification, and the user and token responses.

use chrono::{DateTime, Utc};
use domain::accounts::{
    AuthSession, IssuedTokens, LoggedIn, Login, NewAccount, NewPassword, Password, RegisterStudent,
    RequestPasswordReset, SignUp, SignedUp, User,
};
use domain::shared::{Currency, Email, PersonName, TimeZoneId, ValidationErrors, Validator};
use domain::tenancy::{OrgName, Slug};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::organization::OrganizationResponse;

/// An account to create (the organization's first admin, or a student).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountRequest {
    /// Unique within the academy (other academies may have a user with the same email).
    #[garde(length(max = 254))]
    #[schema(example = "ada@example.com")]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 12–128 characters, hard to guess (zxcvbn score ≥ 3).
    #[garde(length(max = 1024))]
    #[schema(example = "violet-kettle-harbor-92")]
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    /// Display name.
    #[garde(length(max = 512))]
    #[schema(example = "Ada Lovelace")]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 120)]
    pub name: String,
}

impl AccountRequest {
    fn parse(&self, v: &mut Validator, prefix: &str) -> Option<NewAccount> {
        let at = |f: &str| if prefix.is_empty() { f.to_owned() } else { format!("{prefix}.{f}") };
        let email = v.field(at("email"), Email::parse(&self.email));
        let name = v.field(at("name"), PersonName::parse(&self.name));
        let password = v.field(at("password"), NewPassword::parse_for_user(&self.password, &self.email, &self.name));
        Some(NewAccount { email: email?, password: password?, name: name? })
    }
}

/// `POST /organizations`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignUpRequest {
    /// The academy's name.
    #[garde(length(max = 512))]
    #[schema(example = "Acme Tutoring")]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 120)]
    pub name: String,
    /// `[a-z0-9-]{3,40}`, unique; students register with it.
    #[garde(length(max = 64))]
    #[schema(example = "acme")]
    #[schema(pattern = r"^[a-z0-9-]{3,40}$")]
    pub slug: String,
    /// IANA time zone (default `UTC`).
    #[garde(length(max = 64))]
    #[schema(example = "Europe/Berlin")]
    #[schema(value_type = Option<super::schemas::TimeZoneName>)]
    pub timezone: Option<String>,
    /// ISO 4217 code (default `EUR`).
    #[garde(length(max = 8))]
    #[schema(example = "EUR")]
    #[schema(value_type = Option<super::schemas::CurrencyCode>)]
    pub currency: Option<String>,
    /// The first admin.
    #[garde(dive)]
    #[serde(deserialize_with = "super::objects::object")]
    pub admin: AccountRequest,
}

impl SignUpRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<SignUp, ValidationErrors> {
        let mut v = Validator::default();
        let name = v.field("name", OrgName::parse(&self.name));
        let slug = v.field("slug", Slug::parse(&self.slug));
        let timezone = v.optional("timezone", self.timezone.as_deref().map(TimeZoneId::parse));
        let currency = v.optional("currency", self.currency.as_deref().map(Currency::parse));
        let admin = self.admin.parse(&mut v, "admin");
        match (name, slug, timezone, currency, admin) {
            (Some(name), Some(slug), Some(timezone), Some(currency), Some(admin)) if v.is_ok() => {
                Ok(SignUp { name, slug, timezone, currency, admin })
            }
            _ => Err(v.into_errors()),
        }
    }
}

/// `POST /auth/register`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegisterRequest {
    /// The academy to join.
    #[garde(length(max = 64))]
    #[schema(example = "acme")]
    #[schema(pattern = r"^[a-z0-9-]{3,40}$")]
    pub organization_slug: String,
    /// Unique within the academy (other academies may have a user with the same email).
    #[garde(length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 12–128 characters, hard to guess.
    #[garde(length(max = 1024))]
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    /// Display name.
    #[garde(length(max = 512))]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 120)]
    pub name: String,
}

impl RegisterRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<RegisterStudent, ValidationErrors> {
        let mut v = Validator::default();
        let slug = v.field("organizationSlug", Slug::parse(&self.organization_slug));
        let account =
            AccountRequest { email: self.email.clone(), password: self.password.clone(), name: self.name.clone() }
                .parse(&mut v, "");
        match (slug, account) {
            (Some(organization_slug), Some(account)) if v.is_ok() => Ok(RegisterStudent { organization_slug, account }),
            _ => Err(v.into_errors()),
        }
    }
}

/// `POST /auth/login`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginRequest {
    /// The academy the account belongs to. An unknown academy is answered like a wrong
    /// password (401 `invalid_credentials`), and counted the same way.
    #[garde(length(max = 64))]
    #[schema(example = "acme")]
    #[schema(pattern = r"^[a-z0-9-]{3,40}$")]
    pub organization_slug: String,
    /// The account's email at that academy.
    #[garde(length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The password.
    #[garde(length(max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

impl LoginRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<Login, ValidationErrors> {
        let mut v = Validator::default();
        let slug = v.field("organizationSlug", Slug::parse(&self.organization_slug));
        let email = v.field("email", Email::parse(&self.email));
        let password = v.field("password", Password::parse(&self.password));
        match (slug, email, password) {
            (Some(organization_slug), Some(email), Some(password)) => Ok(Login { organization_slug, email, password }),
            _ => Err(v.into_errors()),
        }
    }
}

/// A refresh token (`POST /auth/refresh`, `POST /auth/logout`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token received at login or at the last refresh.
    #[garde(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

/// A one-time token from an email link (`POST /auth/verify-email`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TokenRequest {
    /// The token of the link.
    #[garde(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
}

/// `POST /auth/password-reset`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordResetRequest {
    /// The academy the account belongs to (an unknown one is answered like a known one).
    #[garde(length(max = 64))]
    #[schema(example = "acme")]
    #[schema(pattern = r"^[a-z0-9-]{3,40}$")]
    pub organization_slug: String,
    /// The account's email at that academy.
    #[garde(length(max = 254))]
    #[schema(max_length = 254)]
    pub email: String,
}

impl PasswordResetRequest {
    /// The command; `None` for an address that cannot exist, which has no account and gets
    /// the same answer as an unknown one.
    ///
    /// # Errors
    /// A slug that is not one.
    pub fn try_into_domain(&self) -> Result<Option<RequestPasswordReset>, ValidationErrors> {
        let organization_slug =
            Slug::parse(&self.organization_slug).map_err(|e| ValidationErrors::single("organizationSlug", e))?;
        Ok(Email::parse(&self.email).ok().map(|email| RequestPasswordReset { organization_slug, email }))
    }
}

/// `POST /auth/password-reset/confirm` (also accepts a TA invitation token).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordResetConfirmRequest {
    /// The token of the reset or invitation link.
    #[garde(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
    /// The new password: 12–128 characters, hard to guess.
    #[garde(length(max = 1024))]
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
}

impl PasswordResetConfirmRequest {
    /// The new password, or why it is refused.
    ///
    /// # Errors
    /// The refused field.
    pub fn password(&self) -> Result<NewPassword, ValidationErrors> {
        NewPassword::parse(&self.password, &[]).map_err(|e| ValidationErrors::single("password", e))
    }
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    /// Its id.
    pub id: Uuid,
    /// Its email.
    pub email: String,
    /// Its name.
    pub name: String,
    /// `admin`, `ta` or `student`.
    pub role: String,
    /// Whether the email was confirmed.
    pub email_verified: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserResponse {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.as_uuid(),
            email: u.email.to_string(),
            name: u.name.to_string(),
            role: u.role.as_str().to_owned(),
            email_verified: u.email_verified,
            created_at: u.created_at,
        }
    }
}

/// New tokens and the user they belong to (login, registration, refresh).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokensResponse {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// An opaque token for `POST /auth/refresh` (shown once, rotated on every use).
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The user.
    pub user: UserResponse,
}

impl From<&LoggedIn> for TokensResponse {
    fn from(l: &LoggedIn) -> Self {
        tokens(&l.tokens, &l.user)
    }
}

fn tokens(t: &IssuedTokens, user: &User) -> TokensResponse {
    TokensResponse {
        access_token: t.access_token.expose().to_owned(),
        refresh_token: t.refresh_token.expose().to_owned(),
        token_type: "Bearer",
        expires_in: t.expires_in,
        user: user.into(),
    }
}

/// A new organization, its admin and the admin's tokens.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignUpResponse {
    /// The organization.
    pub organization: OrganizationResponse,
    /// Its admin.
    pub user: UserResponse,
    /// A JWT for the admin.
    pub access_token: String,
    /// The admin's refresh token.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

impl From<&SignedUp> for SignUpResponse {
    fn from(s: &SignedUp) -> Self {
        let t = tokens(&s.tokens, &s.user);
        Self {
            organization: (&s.organization).into(),
            user: t.user,
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: t.token_type,
            expires_in: t.expires_in,
        }
    }
}

/// One of the caller's sessions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// Its id (for `DELETE /auth/sessions/{id}`).
    pub id: Uuid,
    /// The user agent at login.
    pub user_agent: Option<String>,
    /// The client IP at login.
    pub ip: Option<String>,
    /// When the user logged in.
    pub created_at: DateTime<Utc>,
    /// When a refresh token of it was last used.
    pub last_used_at: DateTime<Utc>,
    /// Whether the caller's access token belongs to it.
    pub current: bool,
}

impl SessionResponse {
    /// The session as shown to its owner.
    pub fn new(s: &AuthSession, current: bool) -> Self {
        Self {
            id: s.id.as_uuid(),
            user_agent: s.user_agent.clone(),
            ip: s.ip.map(|ip| ip.to_string()),
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current,
        }
    }
}

/// A list of sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsResponse {
    /// The caller's active sessions, most recently used first.
    pub data: Vec<SessionResponse>,
}
