//! A TA's working hours: read (`GET /tas/{taId}/availability`) and replace
//! (`PUT /tas/{taId}/availability`).

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use domain::shared::UserId;
use uuid::Uuid;

use super::cached::cached;
use super::respond::ok;
use crate::dto::availability::AvailabilityBody;
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// A TA's availability: the one they set, or Mon–Fri 09:00–17:00 in the organization's time
/// zone when they never set one.
#[utoipa::path(tag = "availability", security(("bearer" = [])), params(("taId" = Uuid, Path, description = "The TA")),
    responses((status = 200, description = "The availability", body = AvailabilityBody)))]
#[get("/{taId}/availability")]
pub async fn get_availability(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    ta: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    cached(&state, &actor, &req, || async {
        let availability = state.availability.get(&actor, UserId::from_uuid(ta.into_inner())).await.api()?;
        Ok(AvailabilityBody::from(&availability))
    })
    .await
}

/// Replace a TA's availability (admins, or that TA). Sessions already booked stay.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "availability", security(("bearer" = [])), params(("taId" = Uuid, Path, description = "The TA")),
    request_body = AvailabilityBody,
    responses((status = 200, description = "The availability", body = AvailabilityBody)))]
#[put("/{taId}/availability")]
pub async fn put_availability(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    ta: web::Path<Uuid>,
    JsonBody(body): JsonBody<AvailabilityBody>,
) -> Result<HttpResponse, ApiError> {
    let availability = body.try_into_domain(UserId::from_uuid(ta.into_inner()))?;
    let availability = state.availability.put(&actor, &availability).await.api()?;
    Ok(ok(&AvailabilityBody::from(&availability)))
}
