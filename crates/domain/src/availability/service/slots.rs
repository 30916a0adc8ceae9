//! Slot search (`GET /courses/{id}/slots`): the start times on the organization's grid at which
//! at least one TA of the course passes every scheduling rule.
//!
//! The search reads a fixed number of row sets whatever the window, the number of TAs or the
//! number of bookings: the organization, the course, its TAs (or the one TA asked for), all
//! their availabilities in one read and all their busy intervals in one read. The rules
//! themselves are the pure [`crate::scheduling::find_slot_page`], run on the query put on the
//! organization's grid.

use chrono::{DateTime, Utc};

use super::{AvailabilityService, ta_calendars};
use crate::accounts::user_with_role;
use crate::scheduling::{Slot, SlotGrid, SlotQuery, find_slot_page, slots_stable_until};
use crate::shared::error::use_case_error;
use crate::shared::time::minutes;
use crate::shared::{Actor, CourseId, Role, UserId};

/// A page of a slot search, how long it holds, and the query it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSearch {
    /// The first bookable slots (at most the page size), sorted by start.
    pub slots: Vec<Slot>,
    /// The start of the first slot left out, where the next page begins; `None` on the last
    /// page.
    pub next: Option<DateTime<Utc>>,
    /// The last instant at which the same search still finds exactly this page, unless a
    /// booking, a group session, an availability or the catalog changes first
    /// ([`crate::scheduling::slots_stable_until`]); `None`: time alone never changes it.
    pub stable_until: Option<DateTime<Utc>>,
    /// When the search ran (the "now" of its window rule).
    pub computed_at: DateTime<Utc>,
    /// The organization's grid at the time.
    pub grid: SlotGrid,
    /// The query as it ran: on that grid ([`SlotQuery::on_grid`]). Queries equal on the grid
    /// get equal answers.
    pub query: SlotQuery,
}

impl SlotSearch {
    fn none(now: DateTime<Utc>, grid: SlotGrid, query: SlotQuery) -> Self {
        Self { slots: Vec::new(), next: None, stable_until: None, computed_at: now, grid, query }
    }
}

use_case_error! {
    /// Errors of [`AvailabilityService::search_slots`].
    pub enum SearchSlotsError { NotFound, TaNotAssignedToCourse }
}

impl AvailabilityService {
    /// The first `limit` bookable slots of a course in the query's window (any member), sorted
    /// by start, each with the TAs free for it, where the next page starts, and until when they
    /// hold. An inactive course has no slots.
    ///
    /// # Errors
    /// `NotFound` for an unknown course or another organization's, or when `taId` names a user
    /// who is unknown, of another organization, or not a TA; `TaNotAssignedToCourse` when that
    /// TA does not teach the course.
    #[tracing::instrument(skip_all, name = "availability.search_slots")]
    pub async fn search_slots(
        &self,
        actor: &Actor,
        course: CourseId,
        query: &SlotQuery,
        limit: usize,
    ) -> Result<SlotSearch, SearchSlotsError> {
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let org = repos.organizations().get(org_id).await?.ok_or(SearchSlotsError::NotFound)?;
        let grid = SlotGrid::of(&org.settings, org.timezone);
        let query = query.on_grid(&grid);
        let course = repos.courses().get(org_id, course).await?.ok_or(SearchSlotsError::NotFound)?;
        // A TA that does not exist is a 404, which wins over every business rule, including
        // rule 3's "the course is active".
        let asked = match query.ta_id() {
            Some(ta) => Some(user_with_role(repos, org_id, ta, Role::Ta).await?.ok_or(SearchSlotsError::NotFound)?),
            None => None,
        };
        if !course.active {
            return Ok(SlotSearch::none(self.core.now(), grid, query));
        }
        let tas: Vec<UserId> = match asked {
            Some(ta) => {
                if !repos.course_tas().is_assigned(org_id, course.id, ta.id).await? {
                    return Err(SearchSlotsError::TaNotAssignedToCourse);
                }
                vec![ta.id]
            }
            None => repos.course_tas().tas(org_id, course.id).await?.into_iter().map(|u| u.id).collect(),
        };
        if tas.is_empty() {
            return Ok(SlotSearch::none(self.core.now(), grid, query));
        }

        if query.window().is_none() {
            // No grid start in the window: nothing to read.
            return Ok(SlotSearch::none(self.core.now(), grid, query));
        }
        let span = query
            .calendar_span(minutes(org.settings.buffer_minutes()))
            .map_err(|e| SearchSlotsError::Unexpected(anyhow::anyhow!("slot search calendar span: {}", e.0)))?;
        let calendars = ta_calendars(repos, &org, &tas, span).await?;
        let now = self.core.now();
        let page = find_slot_page(&query, &org.settings, org.timezone, now, &calendars, limit);
        let stable_until = slots_stable_until(&query, &org.settings, org.timezone, now, &page.slots);
        Ok(SlotSearch { slots: page.slots, next: page.next, stable_until, computed_at: now, grid, query })
    }
}
