//! `GET /courses/{id}/slots`: the bookable start times of a course, a page at a time, through
//! the read cache, under a per-user cost bound.

mod grids;
mod limits;

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use domain::shared::CourseId;
use edge::CacheNamespace;
use uuid::Uuid;

pub use grids::GridHints;
pub use limits::{IN_FLIGHT_PER_USER, InFlight, SEARCH_QUOTA};

use super::cached::cached_under;
use crate::dto::paging::PageResponse;
use crate::dto::slots::{SlotResponse, SlotsPage, SlotsQuery, encode_slot_cursor};
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// What slot search keeps per instance: the searches computing per user, and each
/// organization's grid as last seen.
#[derive(Debug, Default)]
pub struct SlotSearches {
    in_flight: InFlight,
    grids: GridHints,
}

/// Start times in `[from, to)` on the organization's `slotStepMinutes` grid at which at least
/// one TA of the course (or the TA asked for) passes every scheduling rule, sorted by start, a
/// page at a time (`?limit`, default 20, at most 100; `nextCursor` is where the next page
/// starts, null on the last). An inactive course has none.
///
/// **Size.** A page holds at most 100 slots, each listing at most the course's TAs: at most
/// `100 × (79 + 39 × TAs)` bytes plus 60 (51 KB with 11 TAs), whatever the window.
///
/// **Cache.** Pages are kept in the read cache (`Cache-Status`) under the organization's
/// schedule namespace, which every booking, cancellation, group session and catalog change
/// advances, and never past the instant at which time alone would change them (a slot coming
/// within the minimum notice, or one entering the maximum advance). The query is put on the
/// grid first (`from` and `to` moved up to the next grid start, which keeps the same starts
/// inside), so every `from` within one grid cell is served the same entry.
///
/// **Cost bound.** A search that is not served from the cache is computed, and a user may have
/// at most 2 computing at once on an instance and 60 computed a minute (policy `slots`, shared
/// by all instances); past either, 429 `rate_limited` with `Retry-After`. Pages from the cache
/// count only against the `default` limit.
#[utoipa::path(tag = "availability", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The course"), SlotsQuery),
    responses((status = 200, description = "A page of slots", body = PageResponse<SlotResponse>)))]
#[get("/{id}/slots")]
pub async fn search_slots(
    state: web::Data<HttpState>,
    searches: web::Data<SlotSearches>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<SlotsQuery>,
) -> Result<HttpResponse, ApiError> {
    let SlotsPage { query, limit } = query.try_into_domain()?;
    let course = id.into_inner();
    let organization = actor.organization_id;
    let lookup = match searches.grids.get(organization) {
        Some(grid) => grids::cache_key(course, &grid, &query.on_grid(&grid), limit),
        None => grids::unplaced_key(course),
    };
    cached_under(&state, CacheNamespace::schedule(organization), &lookup, || async {
        let ticket = limits::admit(&state, &searches.in_flight, actor.user_id).await?;
        let found = state.availability.search_slots(&actor, CourseId::from_uuid(course), &query, limit).await.api()?;
        drop(ticket);
        searches.grids.remember(organization, found.grid);
        let keep_for = match found.stable_until {
            Some(until) => (until - found.computed_at).to_std().unwrap_or(Duration::ZERO),
            None => Duration::MAX,
        };
        let page = PageResponse {
            data: found.slots.iter().map(SlotResponse::from).collect(),
            next_cursor: found.next.map(encode_slot_cursor),
        };
        Ok((page, keep_for, grids::cache_key(course, &found.grid, &found.query, limit)))
    })
    .await
}
