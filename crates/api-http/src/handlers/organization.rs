//! `GET/PATCH /organization`: the caller's own organization.

use actix_web::{HttpResponse, get, patch, web};

use super::respond::ok;
use crate::dto::organization::{OrganizationPatchRequest, OrganizationResponse};
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// The caller's organization.
#[utoipa::path(tag = "organization", security(("bearer" = [])),
    responses((status = 200, description = "The organization", body = OrganizationResponse)))]
#[get("")]
pub async fn get_organization(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let org = state.organizations.get(&actor).await.api()?;
    Ok(ok(&OrganizationResponse::from(&org)))
}

/// Change the caller's organization (admins).
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "organization", security(("bearer" = [])), request_body = OrganizationPatchRequest,
    responses((status = 200, description = "The organization", body = OrganizationResponse)))]
#[patch("")]
pub async fn update_organization(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<OrganizationPatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.try_into_domain()?;
    let org = state.organizations.update(&actor, &patch).await.api()?;
    Ok(ok(&OrganizationResponse::from(&org)))
}
