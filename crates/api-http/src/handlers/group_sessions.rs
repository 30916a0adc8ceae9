//! Group sessions: scheduling one from a template (`POST /group-sessions`), listing them
//! (`GET /group-sessions`), and a student taking or giving up a seat (`POST
//! /group-sessions/{id}/join`, `/leave`). Seats are shown as the caller may see them.

use actix_web::{HttpResponse, get, post, web};
use domain::shared::BookingId;
use uuid::Uuid;

use super::respond::{created, ok};
use crate::dto::booking_resource::BookingResponse;
use crate::dto::cursor::PagedList;
use crate::dto::group_sessions::{GroupSessionQuery, ScheduleGroupSessionRequest, SeatPaymentRequest};
use crate::dto::paging::PageResponse;
use crate::extract::{Authenticated, JsonBody, OptionalJsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Schedule a group session from a template (admins, or the template's TA): capacity, length
/// and price come from the template; the TA's availability and other sessions are checked.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "group-sessions", security(("bearer" = [])), request_body = ScheduleGroupSessionRequest,
    responses((status = 201, description = "The session", body = BookingResponse)))]
#[post("")]
pub async fn schedule_group_session(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<ScheduleGroupSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (template, starts_at) = body.try_into_domain()?;
    let session = state.group_sessions.schedule(&actor, template, starts_at).await.api()?;
    Ok(created(&format!("/api/v1/bookings/{}", session.id), &BookingResponse::for_actor(session, &actor)))
}

/// Group sessions of the organization, ordered by start then id; a student sees only their own
/// seat in each.
#[utoipa::path(tag = "group-sessions", security(("bearer" = [])), params(GroupSessionQuery),
    responses((status = 200, description = "A page of sessions", body = PageResponse<BookingResponse>)))]
#[get("")]
pub async fn list_group_sessions(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<GroupSessionQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page) = query.try_into_domain()?;
    let sessions = state.group_sessions.list_sessions(&actor, filter, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::GroupSessions, &sessions, |b| {
        BookingResponse::for_actor(b.clone(), &actor)
    })))
}

/// Take a seat (students), paying with a bundle credit or at the session's price; the session
/// is `full` once its last seat is taken.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "group-sessions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group session")),
    request_body(content = Option<SeatPaymentRequest>, description = "Optional: the body may be left out"),
    responses((status = 200, description = "The session with the caller's seat", body = BookingResponse)))]
#[post("/{id}/join")]
pub async fn join_group_session(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    OptionalJsonBody(body): OptionalJsonBody<SeatPaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let bundle = body.try_into_domain()?;
    let session = state.group_sessions.join(&actor, BookingId::from_uuid(id.into_inner()), bundle).await.api()?;
    Ok(ok(&BookingResponse::for_actor(session, &actor)))
}

/// Give up the caller's seat (students): refunded per the cancellation window; the first
/// waitlisted student whose payment succeeds takes it.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "group-sessions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group session")),
    responses((status = 200, description = "The session without the caller's seat", body = BookingResponse)))]
#[post("/{id}/leave")]
pub async fn leave_group_session(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let session = state.group_sessions.leave(&actor, BookingId::from_uuid(id.into_inner())).await.api()?;
    Ok(ok(&BookingResponse::for_actor(session, &actor)))
}
