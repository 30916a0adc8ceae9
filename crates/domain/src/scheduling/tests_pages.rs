//! Pages and the grid: walking a search page by page by its cursors gives exactly the whole
//! search, and a query put on the grid answers like the query itself and is the same query for
//! every `from` of one grid cell.

use chrono::{TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use super::tests::{ZONES, at, intervals, oracle, settings, uid};
use super::*;
use crate::shared::{Interval, TimeZoneId, UserId};

type Inputs = Vec<(UserId, Vec<Interval>, Vec<Interval>)>;
/// Per TA: availability and busy intervals as `(start, length)` minutes.
type RawTas = Vec<(Vec<(i64, i64)>, Vec<(i64, i64)>)>;

fn tas() -> impl Strategy<Value = RawTas> {
    prop::collection::vec(
        (prop::collection::vec((0i64..5000, 15i64..600), 0..5), prop::collection::vec((0i64..5000, 15i64..120), 0..5)),
        1..4,
    )
}

fn calendars(tas: &RawTas) -> (Inputs, Vec<TaCalendar>) {
    let inputs: Inputs =
        tas.iter().enumerate().map(|(i, (a, b))| (uid(i as u128 + 1), intervals(a), intervals(b))).collect();
    let calendars = inputs.iter().map(|(id, a, b)| TaCalendar::new(*id, a.clone(), b.clone())).collect();
    (inputs, calendars)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pages_walked_by_their_cursors_make_the_whole_search(
        zone in prop::sample::select(ZONES.to_vec()),
        step in prop::sample::select(vec![5i64, 15, 30, 60]),
        window_start in 0i64..2000,
        window_len in 1i64..3000,
        limit in 1usize..8,
        tas in tas(),
    ) {
        let zone = TimeZoneId::parse(zone).unwrap();
        let s = settings(step, 0, 0);
        let now = at(-60);
        let (_, calendars) = calendars(&tas);
        let query = SlotQuery::new(at(window_start), at(window_start + window_len), 30, None).unwrap();
        let whole = find_slots(&query, &s, zone, now, &calendars);
        let mut walked = Vec::new();
        let mut rest = query;
        loop {
            let page = find_slot_page(&rest, &s, zone, now, &calendars, limit);
            prop_assert!(page.slots.len() <= limit);
            let full = page.slots.len() == limit;
            walked.extend(page.slots);
            match page.next {
                Some(next) => {
                    prop_assert!(full, "a next page only after a full one");
                    rest = rest.resume_at(next).unwrap();
                }
                None => break,
            }
        }
        prop_assert_eq!(walked, whole);
    }

    #[test]
    fn a_query_on_the_grid_answers_like_the_query_for_every_from_of_its_cell(
        zone in prop::sample::select(ZONES.to_vec()),
        step in prop::sample::select(vec![5i64, 10, 20, 30, 60]),
        window_start in 0i64..2000,
        window_len in 1i64..3000,
        shift in 1i64..90,
        tas in tas(),
    ) {
        let zone = TimeZoneId::parse(zone).unwrap();
        let s = settings(step, 0, 0);
        let now = at(-60);
        let (inputs, calendars) = calendars(&tas);
        let (from, to) = (at(window_start), at(window_start + window_len));
        let grid = SlotGrid::of(&s, zone);
        let on = SlotQuery::new(from, to, 30, None).unwrap().on_grid(&grid);
        prop_assert_eq!(find_slots(&on, &s, zone, now, &calendars), oracle((from, to), 30, &s, zone, now, &inputs));
        prop_assert_eq!(on.on_grid(&grid), on);
        // Another `from` with no grid start between the two is the same query.
        let other = from + TimeDelta::minutes(shift);
        if other < to && grid.starts(&Interval::new(from, other).unwrap()).is_empty() {
            prop_assert_eq!(SlotQuery::new(other, to, 30, None).unwrap().on_grid(&grid), on);
        }
    }
}

#[test]
fn a_bound_inside_a_grid_cell_moves_up_to_the_cell_end() {
    let utc = |h, m| Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap();
    let berlin = SlotGrid::new(30, TimeZoneId::parse("Europe/Berlin").unwrap());
    // 10:01 and 10:29 Berlin time are in the cell that ends at 10:30; 10:00 is a start.
    assert_eq!(berlin.first_at_or_after(utc(9, 1)), utc(9, 30));
    assert_eq!(berlin.first_at_or_after(utc(9, 29)), utc(9, 30));
    assert_eq!(berlin.first_at_or_after(utc(9, 0)), utc(9, 0));
    assert_eq!(berlin.first_at_or_after(utc(9, 0) + TimeDelta::seconds(1)), utc(9, 30));
    // Kathmandu is UTC+05:45: its hourly grid is at a quarter past the UTC hour.
    let kathmandu = SlotGrid::new(60, TimeZoneId::parse("Asia/Kathmandu").unwrap());
    assert_eq!(kathmandu.first_at_or_after(utc(0, 0)), utc(0, 15));
    // 2026-03-29 02:00 does not happen in Berlin: after 01:30 CET the next hour is 03:00 CEST.
    let spring = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
    let hourly = SlotGrid::new(60, TimeZoneId::parse("Europe/Berlin").unwrap());
    assert_eq!(hourly.first_at_or_after(spring), Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
    // A window with no start inside stays empty on the grid.
    let empty = SlotQuery::new(utc(9, 1), utc(9, 29), 60, None).unwrap().on_grid(&berlin);
    assert_eq!((empty.from(), empty.window()), (utc(9, 30), None));
}

#[test]
fn a_cursor_must_lie_in_its_search() {
    let utc = |h| Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap();
    let query = SlotQuery::new(utc(9), utc(17), 60, None).unwrap();
    assert_eq!(query.resume_at(utc(12)).unwrap().from(), utc(12));
    assert_eq!(query.resume_at(utc(9)).unwrap(), query);
    assert!(query.resume_at(utc(8)).is_err());
    assert!(query.resume_at(utc(17)).is_err());
}

#[test]
fn a_page_of_a_month_holds_its_first_slots_and_the_next_start() {
    // A TA open all month on a 5-minute grid: 8 928 slots, of which a page shows 3.
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let to = from + TimeDelta::days(MAX_SEARCH_DAYS);
    let open = Interval::new(from, to + TimeDelta::hours(1)).unwrap();
    let calendars = [TaCalendar::new(uid(1), vec![open], vec![])];
    let query = SlotQuery::new(from, to, 60, None).unwrap();
    let s = settings(5, 0, 0);
    let page = find_slot_page(&query, &s, TimeZoneId::UTC, from - TimeDelta::days(1), &calendars, 3);
    assert_eq!(
        page.slots.iter().map(|s| s.starts_at).collect::<Vec<_>>(),
        vec![from, from + TimeDelta::minutes(5), from + TimeDelta::minutes(10)]
    );
    assert_eq!(page.next, Some(from + TimeDelta::minutes(15)));
}
