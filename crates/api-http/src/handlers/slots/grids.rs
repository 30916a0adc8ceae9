//! The read-cache key of a slot search, and each organization's grid as this instance last saw
//! it.
//!
//! A search is cached under its query put on the organization's grid, so that every `from`
//! (and `to`) of one grid cell finds the same entry. The grid is in the organization's
//! settings, which the lookup would have to read before it could build the key; instead the
//! instance remembers the grid of the organization's last search. Keys name the grid they were
//! computed on, so a grid remembered wrongly (settings changed since) costs a miss, never
//! another query's answer.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::SecondsFormat;
use domain::scheduling::{SlotGrid, SlotQuery};
use domain::shared::OrganizationId;
use uuid::Uuid;

/// Organizations remembered at most; past that the memory starts over (a miss each).
const MAX_ORGANIZATIONS: usize = 10_000;

/// The last grid seen per organization.
#[derive(Debug, Default)]
pub struct GridHints {
    grids: Mutex<HashMap<OrganizationId, SlotGrid>>,
}

impl GridHints {
    /// The grid of the organization's last search on this instance.
    pub fn get(&self, organization: OrganizationId) -> Option<SlotGrid> {
        self.grids.lock().ok().and_then(|grids| grids.get(&organization).copied())
    }

    /// Remembers the grid a search of the organization ran on.
    pub fn remember(&self, organization: OrganizationId, grid: SlotGrid) {
        if let Ok(mut grids) = self.grids.lock() {
            if grids.len() >= MAX_ORGANIZATIONS && !grids.contains_key(&organization) {
                grids.clear();
            }
            grids.insert(organization, grid);
        }
    }
}

/// The cache key of a page of a search run on `grid` (`query` already on it).
pub fn cache_key(course: Uuid, grid: &SlotGrid, query: &SlotQuery, limit: usize) -> String {
    let instant = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    format!(
        "slots:{course}?grid={}/{}&from={}&to={}&durationMinutes={}&taId={}&limit={limit}",
        grid.step_minutes(),
        grid.zone().name(),
        instant(query.from()),
        instant(query.to()),
        query.duration().minutes(),
        query.ta_id().map(|t| t.to_string()).unwrap_or_default(),
    )
}

/// The key looked up when the organization's grid is not known yet: nothing is ever stored
/// under it, and the lookup still learns the namespace's generation for the store that follows.
pub fn unplaced_key(course: Uuid) -> String {
    format!("slots:{course}?grid=unknown")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};
    use domain::shared::TimeZoneId;

    use super::*;

    #[test]
    fn queries_of_one_grid_cell_share_a_key_and_grids_never_do() {
        let berlin = TimeZoneId::parse("Europe/Berlin").unwrap();
        let (half_hour, hour) = (SlotGrid::new(30, berlin), SlotGrid::new(60, berlin));
        let course = Uuid::now_v7();
        let at = |m| Utc.with_ymd_and_hms(2026, 12, 1, 9, m, 0).unwrap();
        let query = |m| SlotQuery::new(at(m), at(m) + chrono::TimeDelta::days(31), 60, None).unwrap();
        let key = |grid: &SlotGrid, m| cache_key(course, grid, &query(m).on_grid(grid), 20);
        assert_eq!(key(&half_hour, 1), key(&half_hour, 29));
        assert_ne!(key(&half_hour, 1), key(&half_hour, 31));
        assert_ne!(key(&half_hour, 0), key(&hour, 0), "the same instants on another grid");
        assert_ne!(cache_key(course, &half_hour, &query(0), 20), cache_key(course, &half_hour, &query(0), 21));
    }

    #[test]
    fn the_memory_is_bounded() {
        let hints = GridHints::default();
        let grid = SlotGrid::new(30, TimeZoneId::UTC);
        let first = OrganizationId::from_uuid(Uuid::now_v7());
        hints.remember(first, grid);
        for _ in 0..MAX_ORGANIZATIONS {
            hints.remember(OrganizationId::from_uuid(Uuid::now_v7()), grid);
        }
        assert_eq!(hints.get(first), None);
        assert!(hints.grids.lock().unwrap().len() <= MAX_ORGANIZATIONS);
    }
}
