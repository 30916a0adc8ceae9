//! Attendance: recording a session's marks (`PUT /bookings/{id}/attendance`) and the sessions a
//! TA still has to mark (`GET /tas/me/unmarked-sessions`).

use actix_web::{HttpResponse, get, put, web};
use domain::shared::BookingId;
use uuid::Uuid;

use super::respond::ok;
use crate::dto::attendance::RecordAttendanceRequest;
use crate::dto::booking_resource::BookingResponse;
use crate::dto::cursor::PagedList;
use crate::dto::list_query::PageQuery;
use crate::dto::paging::PageResponse;
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Record attendance of a session that started: its TA until 48 hours after the end, an admin
/// any time. Each seat given gets `present`, `absent` or `excused`; `taNoShow` records that the
/// TA did not come. Each seat is settled under the booking's policy: present keeps the credit
/// spent (ledger `attended`), excused refunds it, absent follows `policy.noShow`, a TA no-show
/// refunds every seat; a changed mark writes a `reversal` entry and the new settlement. The
/// booking is `completed` once every seat is marked (or the TA's no-show recorded). Students
/// refunded by a TA no-show are emailed.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "bookings", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The booking")), request_body = RecordAttendanceRequest,
    responses((status = 200, description = "The booking with its marks", body = BookingResponse)))]
#[put("/{id}/attendance")]
pub async fn record_attendance(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    JsonBody(body): JsonBody<RecordAttendanceRequest>,
) -> Result<HttpResponse, ApiError> {
    let marks = body.try_into_domain()?;
    let booking = state.attendance.record(&actor, BookingId::from_uuid(id.into_inner()), &marks).await.api()?;
    Ok(ok(&BookingResponse::for_actor(booking, &actor)))
}

/// The caller's (a TA's) sessions that ended without full attendance, oldest first: not
/// cancelled, not completed, with at least one seat.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "A page of sessions to mark", body = PageResponse<BookingResponse>)))]
#[get("/me/unmarked-sessions")]
pub async fn list_unmarked_sessions(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page(PagedList::UnmarkedSessions)?;
    let sessions = state.attendance.unmarked(&actor, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::UnmarkedSessions, &sessions, |b| {
        BookingResponse::for_actor(b.clone(), &actor)
    })))
}
