//! `/auth/*` and `POST /organizations`: signing up, registering, logging in and out, tokens.

use actix_web::{HttpRequest, HttpResponse, post, web};
use domain::shared::Secret;

use super::respond::{accepted, created, no_content, ok};
use crate::dto::accounts::{
    LoginRequest, PasswordResetConfirmRequest, PasswordResetRequest, RefreshRequest, RegisterRequest, SignUpRequest,
    SignUpResponse, TokenRequest, TokensResponse,
};
use crate::extract::{Authenticated, Context, JsonBody};
use crate::middleware::invalidation::touched;
use crate::problem::{ApiError, LockedResultExt, UseCaseResultExt};
use crate::state::HttpState;

/// Sign up an organization and its first admin.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, description = "The organization, its admin and the admin's tokens", body = SignUpResponse)))]
#[post("")]
pub async fn sign_up(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<SignUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let signed_up = state.accounts.sign_up(&cmd, &ctx).await.api()?;
    Ok(created("/api/v1/organization", &SignUpResponse::from(&signed_up)))
}

/// Register a student in an organization.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, description = "The student and their tokens; a verification email is sent", body = TokensResponse)))]
#[post("/register")]
pub async fn register(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let logged_in = state.accounts.register(&cmd, &ctx).await.api()?;
    Ok(created("/api/v1/me", &TokensResponse::from(&logged_in)))
}

/// Log in to an academy with email and password.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", request_body = LoginRequest,
    responses((status = 200, description = "New tokens", body = TokensResponse)))]
#[post("/login")]
pub async fn login(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let logged_in = state.accounts.login(&cmd, &ctx).await.api_locked()?;
    Ok(ok(&TokensResponse::from(&logged_in)))
}

/// Exchange a refresh token for a new pair; the old one stops working (presenting it again
/// revokes the session).
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = TokensResponse)))]
#[post("/refresh")]
pub async fn refresh(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let logged_in = state.accounts.refresh(&Secret::new(body.refresh_token), &ctx).await.api()?;
    Ok(ok(&TokensResponse::from(&logged_in)))
}

/// Log out: the refresh token's session ends, its access tokens are refused at once.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", request_body = RefreshRequest, security(("bearer" = [])),
    responses((status = 204, description = "Logged out")))]
#[post("/logout")]
pub async fn logout(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    state.accounts.logout(&actor, &Secret::new(body.refresh_token)).await.api()?;
    Ok(no_content())
}

/// Confirm an email address with the token of the verification link.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "accounts", request_body = TokenRequest, responses((status = 204, description = "Verified")))]
#[post("/verify-email")]
pub async fn verify_email(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<TokenRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let organization = state.accounts.verify_email(&Secret::new(body.token), &ctx).await.api()?;
    touched(&req, organization);
    Ok(no_content())
}

/// Send the verification email again.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", security(("bearer" = [])),
    responses((status = 202, description = "A new link is on its way (nothing is sent if already verified)")))]
#[post("/verify-email/resend")]
pub async fn resend_verification(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    state.accounts.resend_verification(&actor).await.api_locked()?;
    Ok(accepted())
}

/// Ask for a password-reset link. 202 whether the academy exists and the email has an account
/// there or not: the request is queued and the link, if any, mailed by the worker, so the
/// answer and its timing are the same either way.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", request_body = PasswordResetRequest,
    responses((status = 202, description = "If the email has an account at the academy, a link is on its way")))]
#[post("/password-reset")]
pub async fn request_password_reset(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(cmd) = body.try_into_domain()? {
        state.accounts.request_password_reset(&cmd, &ctx).await.api_locked()?;
    }
    Ok(accepted())
}

/// Set a new password with the token of a reset or TA-invitation link; every session of the
/// user ends.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "accounts", request_body = PasswordResetConfirmRequest,
    responses((status = 204, description = "Password set")))]
#[post("/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<HttpState>,
    Context(ctx): Context,
    JsonBody(body): JsonBody<PasswordResetConfirmRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let password = body.password()?;
    let organization = state.accounts.confirm_password_reset(&Secret::new(body.token), &password, &ctx).await.api()?;
    touched(&req, organization);
    Ok(no_content())
}
