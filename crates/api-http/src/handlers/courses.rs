//! Courses: create (`POST /courses`), list (`GET /courses`), read and change
//! (`GET/PATCH /courses/{id}`).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::shared::CourseId;
use uuid::Uuid;

use super::cached::cached;
use super::respond::{created, ok};
use crate::dto::courses::{CoursePatchRequest, CourseResponse, NewCourseRequest};
use crate::dto::cursor::PagedList;
use crate::dto::list_query::PageQuery;
use crate::dto::paging::PageResponse;
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Create a course (admins); it starts active.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "catalog", security(("bearer" = [])), request_body = NewCourseRequest,
    responses((status = 201, description = "The course", body = CourseResponse)))]
#[post("")]
pub async fn create_course(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<NewCourseRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let course = state.catalog.create_course(&actor, &cmd).await.api()?;
    Ok(created(&format!("/api/v1/courses/{}", course.id), &CourseResponse::from(&course)))
}

/// The organization's courses, ordered by code (inactive ones included).
#[utoipa::path(tag = "catalog", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "A page of courses", body = PageResponse<CourseResponse>)))]
#[get("")]
pub async fn list_courses(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page(PagedList::Courses)?;
    cached(&state, &actor, &req, || async {
        let courses = state.catalog.list_courses(&actor, &page).await.api()?;
        Ok(PageResponse::from_page(PagedList::Courses, &courses, |c| CourseResponse::from(c)))
    })
    .await
}

/// A course of the caller's organization.
#[utoipa::path(tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The course")),
    responses((status = 200, description = "The course", body = CourseResponse)))]
#[get("/{id}")]
pub async fn get_course(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    cached(&state, &actor, &req, || async {
        let course = state.catalog.get_course(&actor, CourseId::from_uuid(id.into_inner())).await.api()?;
        Ok(CourseResponse::from(&course))
    })
    .await
}

/// Change a course's title, description or active flag (admins). A deactivated course takes no
/// new sessions; sessions already booked stay.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The course")),
    request_body = CoursePatchRequest,
    responses((status = 200, description = "The course", body = CourseResponse)))]
#[patch("/{id}")]
pub async fn update_course(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    JsonBody(body): JsonBody<CoursePatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.try_into_domain()?;
    let course = state.catalog.update_course(&actor, CourseId::from_uuid(id.into_inner()), &patch).await.api()?;
    Ok(ok(&CourseResponse::from(&course)))
}
