//! TAs: inviting one (`POST /tas`), listing them (`GET /tas`) and reading one (`GET /tas/{taId}`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::shared::UserId;
use uuid::Uuid;

use super::cached::cached;
use super::respond::created;
use crate::dto::accounts::UserResponse;
use crate::dto::cursor::PagedList;
use crate::dto::list_query::PageQuery;
use crate::dto::paging::PageResponse;
use crate::dto::tas::InviteTaRequest;
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Invite a TA (admins): the account is created without a password and an invitation link is
/// emailed; the TA sets a password through `POST /auth/password-reset/confirm`.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "tas", security(("bearer" = [])), request_body = InviteTaRequest,
    responses((status = 201, description = "The TA", body = UserResponse)))]
#[post("")]
pub async fn invite_ta(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<InviteTaRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let ta = state.accounts.invite_ta(&actor, &cmd).await.api()?;
    Ok(created(&format!("/api/v1/tas/{}", ta.id), &UserResponse::from(&ta)))
}

/// The organization's TAs, ordered by name then id.
#[utoipa::path(tag = "tas", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "A page of TAs", body = PageResponse<UserResponse>)))]
#[get("")]
pub async fn list_tas(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page(PagedList::Tas)?;
    cached(&state, &actor, &req, || async {
        let tas = state.catalog.list_tas(&actor, &page).await.api()?;
        Ok(PageResponse::from_page(PagedList::Tas, &tas, |ta| UserResponse::from(ta)))
    })
    .await
}

/// A TA of the caller's organization.
#[utoipa::path(tag = "tas", security(("bearer" = [])), params(("taId" = Uuid, Path, description = "The TA")),
    responses((status = 200, description = "The TA", body = UserResponse)))]
#[get("/{taId}")]
pub async fn get_ta(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    ta: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    cached(&state, &actor, &req, || async {
        let ta = state.catalog.get_ta(&actor, UserId::from_uuid(ta.into_inner())).await.api()?;
        Ok(UserResponse::from(&ta))
    })
    .await
}
