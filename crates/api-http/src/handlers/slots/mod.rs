//! `GET /courses/{id}/slots`: the bookable start times of a course.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::edge::CacheNamespace;
use domain::shared::CourseId;
use uuid::Uuid;

use super::cached::cached_in;
use crate::dto::paging::ListResponse;
use crate::dto::slots::{SlotResponse, SlotsQuery};
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Start times in `[from, to)` on the organization's `slotStepMinutes` grid at which at least
/// one TA of the course (or the TA asked for) passes every scheduling rule, sorted by start.
/// An inactive course has none.
///
/// Results are kept in the read cache (`Cache-Status`) under the organization's schedule
/// namespace, which every booking, cancellation, group session and catalog change advances,
/// and never past the instant at which time alone would change them (a slot coming within
/// the minimum notice, or one entering the maximum advance).
#[utoipa::path(tag = "availability", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The course"), SlotsQuery),
    responses((status = 200, description = "The slots", body = ListResponse<SlotResponse>)))]
#[get("/{id}/slots")]
pub async fn search_slots(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<SlotsQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = query.try_into_domain()?;
    let namespace = CacheNamespace::schedule(actor.organization_id);
    cached_in(&state, namespace, &actor, &req, || async {
        let found =
            state.availability.search_slots(&actor, CourseId::from_uuid(id.into_inner()), &query).await.api()?;
        let keep_for = match found.stable_until {
            Some(until) => (until - found.computed_at).to_std().unwrap_or(Duration::ZERO),
            None => Duration::MAX,
        };
        Ok((ListResponse::from_items(&found.slots, |s| SlotResponse::from(s)), keep_for))
    })
    .await
}
