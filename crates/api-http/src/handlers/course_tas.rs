//! The TAs of a course: assign (`PUT /courses/{id}/tas/{taId}`), remove
//! (`DELETE /courses/{id}/tas/{taId}`), list (`GET /courses/{id}/tas`).

use actix_web::{HttpRequest, HttpResponse, delete, get, put, web};
use domain::shared::{CourseId, UserId};
use uuid::Uuid;

use super::cached::cached;
use super::respond::no_content;
use crate::dto::accounts::UserResponse;
use crate::dto::paging::ListResponse;
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Assign a TA to a course (admins). Idempotent: assigning an assigned TA changes nothing.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The course"), ("taId" = Uuid, Path, description = "The TA")),
    responses((status = 204, description = "The TA teaches the course")))]
#[put("/{id}/tas/{taId}")]
pub async fn assign_ta(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (course, ta) = path.into_inner();
    state.catalog.assign_ta(&actor, CourseId::from_uuid(course), UserId::from_uuid(ta)).await.api()?;
    Ok(no_content())
}

/// Remove a TA from a course (admins). Removing a TA who is not assigned succeeds; sessions the
/// TA already has in the course stay.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The course"), ("taId" = Uuid, Path, description = "The TA")),
    responses((status = 204, description = "The TA no longer teaches the course")))]
#[delete("/{id}/tas/{taId}")]
pub async fn unassign_ta(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (course, ta) = path.into_inner();
    state.catalog.unassign_ta(&actor, CourseId::from_uuid(course), UserId::from_uuid(ta)).await.api()?;
    Ok(no_content())
}

/// The TAs who teach a course, ordered by name then id.
#[utoipa::path(tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The course")),
    responses((status = 200, description = "The course's TAs", body = ListResponse<UserResponse>)))]
#[get("/{id}/tas")]
pub async fn list_course_tas(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    cached(&state, &actor, &req, || async {
        let tas = state.catalog.list_course_tas(&actor, CourseId::from_uuid(id.into_inner())).await.api()?;
        Ok(ListResponse::from_items(&tas, |ta| UserResponse::from(ta)))
    })
    .await
}
