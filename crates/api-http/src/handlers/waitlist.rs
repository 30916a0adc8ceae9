//! The waitlist of a full group session: a student joins it (`POST
//! /group-sessions/{id}/waitlist`) or leaves it (`DELETE /group-sessions/{id}/waitlist`).

use actix_web::{HttpResponse, delete, post, web};
use domain::shared::BookingId;
use uuid::Uuid;

use super::respond::{created, no_content};
use crate::dto::group_sessions::{SeatPaymentRequest, WaitlistEntryResponse};
use crate::extract::{Authenticated, OptionalJsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Join the waitlist of a full session (students), naming how the seat will be paid when a
/// seat frees; students are seated first in, first out.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "group-sessions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group session")), request_body(content = Option<SeatPaymentRequest>, description = "Optional: the body may be left out"),
    responses((status = 201, description = "The caller's place on the waitlist", body = WaitlistEntryResponse)))]
#[post("/{id}/waitlist")]
pub async fn join_waitlist(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    OptionalJsonBody(body): OptionalJsonBody<SeatPaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let bundle = body.try_into_domain()?;
    let id = BookingId::from_uuid(id.into_inner());
    let place = state.group_sessions.join_waitlist(&actor, id, bundle).await.api()?;
    Ok(created(&format!("/api/v1/group-sessions/{id}/waitlist"), &WaitlistEntryResponse::from(&place)))
}

/// Leave the waitlist (students).
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "group-sessions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group session")),
    responses((status = 204, description = "Left")))]
#[delete("/{id}/waitlist")]
pub async fn leave_waitlist(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.group_sessions.leave_waitlist(&actor, BookingId::from_uuid(id.into_inner())).await.api()?;
    Ok(no_content())
}
