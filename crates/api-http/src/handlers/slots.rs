//! `GET /courses/{id}/slots`: the bookable start times of a course.

use actix_web::{HttpResponse, get, web};
use domain::shared::CourseId;
use uuid::Uuid;

use super::respond::ok;
use crate::dto::paging::ListResponse;
use crate::dto::slots::{SlotResponse, SlotsQuery};
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Start times in `[from, to)` on the organization's `slotStepMinutes` grid at which at least
/// one TA of the course (or the TA asked for) passes every scheduling rule, sorted by start.
/// An inactive course has none.
#[utoipa::path(tag = "availability", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The course"), SlotsQuery),
    responses((status = 200, description = "The slots", body = ListResponse<SlotResponse>)))]
#[get("/courses/{id}/slots")]
pub async fn search_slots(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<SlotsQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.try_into_domain()?;
    let slots = state.availability.search_slots(&actor, CourseId::from_uuid(id.into_inner()), &query).await.api()?;
    Ok(ok(&ListResponse::from_items(&slots, |s| SlotResponse::from(s))))
}
