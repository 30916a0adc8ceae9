//! A TA's time off: record a window (`POST /tas/{taId}/time-off`, perhaps moving the TA's
//! sessions in it to other TAs), list the windows, delete one.

use actix_web::{HttpResponse, delete, get, post, web};
use domain::shared::{TimeOffId, UserId};
use uuid::Uuid;

use super::respond::{created, no_content, ok};
use crate::dto::cursor::PagedList;
use crate::dto::paging::PageResponse;
use crate::dto::time_off::{RecordTimeOffRequest, RecordedTimeOffResponse, TimeOffQuery, TimeOffResponse};
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Record a TA's time off (admins, or that TA): from the answer on, the window is unavailable
/// for new bookings, reschedules and slot searches. The answer lists the TA's sessions in the
/// window that have not started; with `reassign: true` each is moved, in the same transaction,
/// to another TA of its course free at that time (the least busy that day, then the smallest
/// id): `reassigned` with its new `taId`, or `unresolved` when no TA is free. The students and
/// both TAs of a moved session are emailed. Sessions that started are not listed.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "availability", security(("bearer" = [])),
    params(("taId" = Uuid, Path, description = "The TA")),
    request_body = RecordTimeOffRequest,
    responses((status = 201, description = "The time off and the sessions it touched", body = RecordedTimeOffResponse)))]
#[post("/{taId}/time-off")]
pub async fn record_time_off(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    ta: web::Path<Uuid>,
    JsonBody(body): JsonBody<RecordTimeOffRequest>,
) -> Result<HttpResponse, ApiError> {
    let ta = UserId::from_uuid(ta.into_inner());
    let cmd = body.try_into_domain(ta)?;
    let recorded = state.time_off.record(&actor, &cmd).await.api()?;
    let location = format!("/api/v1/tas/{ta}/time-off/{}", recorded.time_off.id);
    Ok(created(&location, &RecordedTimeOffResponse::from(&recorded)))
}

/// A TA's time off (any member), by start: windows ending after `from` and starting before
/// `to`. The reason is shown to admins and the TA only.
#[utoipa::path(tag = "availability", security(("bearer" = [])),
    params(("taId" = Uuid, Path, description = "The TA"), TimeOffQuery),
    responses((status = 200, description = "A page of time off", body = PageResponse<TimeOffResponse>)))]
#[get("/{taId}/time-off")]
pub async fn list_time_off(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    ta: web::Path<Uuid>,
    query: web::Query<TimeOffQuery>,
) -> Result<HttpResponse, ApiError> {
    let ((from, to), page) = query.try_into_domain()?;
    let ta = UserId::from_uuid(ta.into_inner());
    let windows = state.time_off.list(&actor, ta, from, to, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::TimeOff, &windows, |t| TimeOffResponse::from(t))))
}

/// Delete a window of time off (admins, or that TA): it is available again at once; sessions
/// moved when it was recorded stay where they are.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "availability", security(("bearer" = [])),
    params(("taId" = Uuid, Path, description = "The TA"), ("id" = Uuid, Path, description = "The time off")),
    responses((status = 204, description = "Deleted")))]
#[delete("/{taId}/time-off/{id}")]
pub async fn delete_time_off(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (ta, id) = path.into_inner();
    state.time_off.delete(&actor, UserId::from_uuid(ta), TimeOffId::from_uuid(id)).await.api()?;
    Ok(no_content())
}
