//! Use cases of TA availability: reading and replacing a TA's working hours, and searching the
//! bookable slots of a course ([`AvailabilityService::search_slots`], in `slots`).

mod slots;

pub use slots::*;

use std::collections::HashMap;

use super::model::Availability;
use crate::accounts::user_with_role;
use crate::core::Core;
use crate::scheduling::TaCalendar;
use crate::shared::error::use_case_error;
use crate::shared::time::subtract_intervals;
use crate::shared::{Actor, Interval, Operation, Role, TimeZoneId, UserId};
use crate::store::{Repositories, StoreError};
use crate::tenancy::Organization;

use_case_error! {
    /// Errors of [`AvailabilityService::get`].
    pub enum GetAvailabilityError { NotFound }
}

use_case_error! {
    /// Errors of [`AvailabilityService::put`].
    pub enum PutAvailabilityError { Forbidden, NotFound }
}

/// The availability in force for `ta`: the stored one, or, when none was ever stored, the
/// default every new TA gets (Mon–Fri 09:00–17:00 in the organization's time zone).
///
/// This is the one place of the "missing row = default" rule: the availability API, slot
/// search and the booking rules (rule 4) all go through it (or [`availabilities_or_default`]),
/// so that what a TA is shown is what bookings are checked against.
pub fn availability_or_default(ta: UserId, stored: Option<Availability>, org_timezone: TimeZoneId) -> Availability {
    stored.unwrap_or_else(|| Availability::default_for(ta, org_timezone))
}

/// [`availability_or_default`] for several TAs read at once (`AvailabilityRepository::get_many`
/// leaves out the TAs with no stored row): one availability per TA of `tas`, in that order.
pub fn availabilities_or_default(
    tas: &[UserId],
    mut stored: Vec<Availability>,
    org_timezone: TimeZoneId,
) -> Vec<Availability> {
    tas.iter()
        .map(|ta| {
            let found = stored.iter().position(|a| a.ta_id() == *ta).map(|i| stored.swap_remove(i));
            availability_or_default(*ta, found, org_timezone)
        })
        .collect()
}

/// The calendars of these TAs over `span`, one per TA in the order given: availability (via
/// [`availabilities_or_default`]) less their time off, and the intervals of their active
/// sessions, in three reads whatever the number of TAs or bookings. Slot search and the booking rules both use it, so
/// that every proposed slot books.
///
/// # Errors
/// Store failures.
pub(crate) async fn ta_calendars(
    repos: &dyn Repositories,
    org: &Organization,
    tas: &[UserId],
    span: Interval,
) -> Result<Vec<TaCalendar>, StoreError> {
    ta_calendars_except(repos, org, tas, span, None).await
}

/// [`ta_calendars`] where the session `except` (its TA and interval: a booking being moved)
/// does not count as busy.
pub(crate) async fn ta_calendars_except(
    repos: &dyn Repositories,
    org: &Organization,
    tas: &[UserId],
    span: Interval,
    except: Option<(UserId, Interval)>,
) -> Result<Vec<TaCalendar>, StoreError> {
    let stored = repos.availability().get_many(org.id, tas).await?;
    let mut away: HashMap<UserId, Vec<Interval>> = HashMap::new();
    for (ta, window) in repos.time_off().overlapping(org.id, tas, span).await? {
        away.entry(ta).or_default().push(window);
    }
    let mut busy: HashMap<UserId, Vec<Interval>> = HashMap::new();
    for (ta, interval) in repos.bookings().ta_busy(org.id, tas, span).await? {
        // A TA's sessions never share an interval (the store refuses overlaps), so this is the
        // moved session and nothing else.
        if except != Some((ta, interval)) {
            busy.entry(ta).or_default().push(interval);
        }
    }
    Ok(availabilities_or_default(tas, stored, org.timezone)
        .into_iter()
        .map(|a| {
            let working = a.blocks_between(span.start(), span.end());
            let available = subtract_intervals(&working, away.get(&a.ta_id()).map_or(&[], Vec::as_slice));
            TaCalendar::new(a.ta_id(), available, busy.remove(&a.ta_id()).unwrap_or_default())
        })
        .collect())
}

/// Reads and replaces TA availability, and searches slots.
#[derive(Clone)]
pub struct AvailabilityService {
    core: Core,
}

impl AvailabilityService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }

    /// A TA's availability (`GET /tas/{taId}/availability`, any member): the stored one, or the
    /// default when the TA never set one.
    ///
    /// # Errors
    /// `NotFound` for a user who is unknown, of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "availability.get")]
    pub async fn get(&self, actor: &Actor, ta: UserId) -> Result<Availability, GetAvailabilityError> {
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let ta = user_with_role(repos, org_id, ta, Role::Ta).await?.ok_or(GetAvailabilityError::NotFound)?;
        let stored = repos.availability().get(org_id, ta.id).await?;
        let org = repos.organizations().get(org_id).await?.ok_or(GetAvailabilityError::NotFound)?;
        Ok(availability_or_default(ta.id, stored, org.timezone))
    }

    /// Replaces a TA's availability (`PUT /tas/{taId}/availability`): an admin for any TA of
    /// the organization, a TA only their own.
    ///
    /// # Errors
    /// `Forbidden` for students (before anything is read) and for a TA replacing another TA's
    /// availability (which they can see, hence 403 and not 404); `NotFound` when the target is
    /// unknown, of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "availability.put")]
    pub async fn put(&self, actor: &Actor, availability: &Availability) -> Result<Availability, PutAvailabilityError> {
        if !actor.may(Operation::PutAvailability) {
            return Err(PutAvailabilityError::Forbidden);
        }
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let ta = user_with_role(repos, org_id, availability.ta_id(), Role::Ta)
            .await?
            .ok_or(PutAvailabilityError::NotFound)?;
        if actor.role == Role::Ta && !actor.is(ta.id) {
            return Err(PutAvailabilityError::Forbidden);
        }
        repos.availability().put(org_id, availability).await?;
        Ok(availability.clone())
    }
}
