//! Slot search (`GET /courses/{id}/slots`): the start times on the organization's grid at which
//! at least one TA of the course passes every scheduling rule.
//!
//! The search reads a fixed number of row sets whatever the window, the number of TAs or the
//! number of bookings: the organization, the course, its TAs (or the one TA asked for), all
//! their availabilities in one read and all their busy intervals in one read. The rules
//! themselves are the pure [`crate::scheduling::find_slots`].

use chrono::{DateTime, Utc};

use super::{AvailabilityService, ta_calendars};
use crate::accounts::user_with_role;
use crate::scheduling::{Slot, SlotQuery, find_slots, slots_stable_until};
use crate::shared::error::use_case_error;
use crate::shared::time::minutes;
use crate::shared::{Actor, CourseId, Role, UserId};

/// What a slot search found, and how long it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSearch {
    /// The bookable slots, sorted by start.
    pub slots: Vec<Slot>,
    /// The last instant at which the same search still finds exactly these slots, unless a
    /// booking, a group session, an availability or the catalog changes first
    /// ([`crate::scheduling::slots_stable_until`]); `None`: time alone never changes them.
    pub stable_until: Option<DateTime<Utc>>,
    /// When the search ran (the "now" of its window rule).
    pub computed_at: DateTime<Utc>,
}

impl SlotSearch {
    fn none(now: DateTime<Utc>) -> Self {
        Self { slots: Vec::new(), stable_until: None, computed_at: now }
    }
}

use_case_error! {
    /// Errors of [`AvailabilityService::search_slots`].
    pub enum SearchSlotsError { NotFound, TaNotAssignedToCourse }
}

impl AvailabilityService {
    /// The bookable slots of a course in the query's window (any member), sorted by start, each
    /// with the TAs free for it, and until when they hold. An inactive course has no slots.
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
    ) -> Result<SlotSearch, SearchSlotsError> {
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let org = repos.organizations().get(org_id).await?.ok_or(SearchSlotsError::NotFound)?;
        let course = repos.courses().get(org_id, course).await?.ok_or(SearchSlotsError::NotFound)?;
        // A TA that does not exist is a 404, which wins over every business rule, including
        // rule 3's "the course is active".
        let asked = match query.ta_id() {
            Some(ta) => Some(user_with_role(repos, org_id, ta, Role::Ta).await?.ok_or(SearchSlotsError::NotFound)?),
            None => None,
        };
        if !course.active {
            return Ok(SlotSearch::none(self.core.now()));
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
            return Ok(SlotSearch::none(self.core.now()));
        }

        let span = query.calendar_span(minutes(org.settings.buffer_minutes()));
        let calendars = ta_calendars(repos, &org, &tas, span).await?;
        let now = self.core.now();
        let slots = find_slots(query, &org.settings, org.timezone, now, &calendars);
        let stable_until = slots_stable_until(query, &org.settings, org.timezone, now, &slots);
        Ok(SlotSearch { slots, stable_until, computed_at: now })
    }
}
