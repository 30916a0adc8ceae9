//! The caller's own account: `GET /me`, `GET /auth/sessions`, `DELETE /auth/sessions/{id}`.

use actix_web::{HttpResponse, delete, get, web};
use domain::shared::SessionId;
use uuid::Uuid;

use super::respond::{no_content, ok};
use crate::dto::accounts::{SessionResponse, SessionsResponse, UserResponse};
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// The caller.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses((status = 200, description = "The caller", body = UserResponse)))]
#[get("")]
pub async fn me(state: web::Data<HttpState>, Authenticated(actor): Authenticated) -> Result<HttpResponse, ApiError> {
    let user = state.accounts.me(&actor).await.api()?;
    Ok(ok(&UserResponse::from(&user)))
}

/// The caller's active sessions, most recently used first.
#[utoipa::path(tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "Sessions", body = SessionsResponse)))]
#[get("/sessions")]
pub async fn list_sessions(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let sessions = state.accounts.list_sessions(&actor).await.api()?;
    let data = sessions.iter().map(|s| SessionResponse::new(&s.session, s.current)).collect();
    Ok(ok(&SessionsResponse { data }))
}

/// End one of the caller's sessions; its access tokens are refused at once.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session")),
    responses((status = 204, description = "Revoked")))]
#[delete("/sessions/{id}")]
pub async fn revoke_session(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.accounts.revoke_session(&actor, SessionId::from_uuid(id.into_inner())).await.api()?;
    Ok(no_content())
}
