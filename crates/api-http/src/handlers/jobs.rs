//! The admin job API: the organization's email outbox (`GET /admin/jobs`) and retrying a dead
//! or retrying email (`POST /admin/jobs/{id}/retry`).

use actix_web::{HttpResponse, get, post, web};
use domain::shared::OutboxMessageId;
use uuid::Uuid;

use super::respond::{accepted, ok};
use crate::dto::cursor::PagedList;
use crate::dto::jobs::{JobQuery, JobResponse};
use crate::dto::paging::PageResponse;
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// The organization's email jobs, newest first (admins).
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(JobQuery),
    responses((status = 200, description = "A page of jobs", body = PageResponse<JobResponse>)))]
#[get("/jobs")]
pub async fn list_jobs(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<JobQuery>,
) -> Result<HttpResponse, ApiError> {
    let (status, page) = query.try_into_domain()?;
    let jobs = state.outbox.list_jobs(&actor, status, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::Jobs, &jobs, |j| JobResponse::from(j))))
}

/// Queue a dead or retrying email again, at once and with a fresh attempt count (admins). A
/// pending job is left as it is; a sent one is `job_not_retryable`.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "admin", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The job")),
    responses((status = 202, description = "Queued")))]
#[post("/jobs/{id}/retry")]
pub async fn retry_job(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.outbox.retry_job(&actor, OutboxMessageId::from_uuid(id.into_inner())).await.api()?;
    Ok(accepted())
}
