//! The audit trail API (`GET /admin/audit-events`): the organization's security- and
//! money-relevant events, newest first, for admins.

use actix_web::{HttpResponse, get, web};

use super::respond::ok;
use crate::dto::audit::{AuditEventResponse, AuditQuery};
use crate::dto::cursor::PagedList;
use crate::dto::paging::PageResponse;
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// The organization's audit events, newest first (`at`, then id), filtered by action, actor and
/// the window `[from, to)` (admins).
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, description = "A page of audit events", body = PageResponse<AuditEventResponse>)))]
#[get("/audit-events")]
pub async fn list_audit_events(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page) = query.try_into_domain()?;
    let events = state.audit.list(&actor, &filter, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::AuditEvents, &events, |e| AuditEventResponse::from(e))))
}
