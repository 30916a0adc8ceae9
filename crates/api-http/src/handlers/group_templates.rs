//! Group-session templates: creating one (`POST /group-session-templates`) and listing them
//! (`GET /group-session-templates`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::cached::cached;
use super::respond::created;
use crate::dto::cursor::PagedList;
use crate::dto::group_sessions::{CreateTemplateRequest, TemplateQuery, TemplateResponse};
use crate::dto::paging::PageResponse;
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Create a template (admins): a course, its TA, a title, seats, length and price per student.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "group-sessions", security(("bearer" = [])), request_body = CreateTemplateRequest,
    responses((status = 201, description = "The template", body = TemplateResponse)))]
#[post("")]
pub async fn create_group_session_template(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<CreateTemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.try_into_domain()?;
    let template = state.group_sessions.create_template(&actor, &new).await.api()?;
    Ok(created(&format!("/api/v1/group-session-templates/{}", template.id), &TemplateResponse::from(&template)))
}

/// The organization's templates, ordered by title, optionally of one course.
#[utoipa::path(tag = "group-sessions", security(("bearer" = [])), params(TemplateQuery),
    responses((status = 200, description = "A page of templates", body = PageResponse<TemplateResponse>)))]
#[get("")]
pub async fn list_group_session_templates(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<TemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    let (course, page) = query.try_into_domain()?;
    cached(&state, &actor, &req, || async {
        let templates = state.group_sessions.list_templates(&actor, course, &page).await.api()?;
        Ok(PageResponse::from_page(PagedList::GroupSessionTemplates, &templates, |t| TemplateResponse::from(t)))
    })
    .await
}
