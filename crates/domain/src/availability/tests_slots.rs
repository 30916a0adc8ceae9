//! Slot search with mocked ports: a fixed number of reads whatever the window, stored hours over
//! the default, bookings and the buffer removing slots, pages on the grid, the `taId` filter,
//! inactive courses.
//!
//! The organization is in UTC with the default settings (60 minutes' notice, 30-minute grid);
//! the window is Wednesday 2026-12-02 09:00–12:00Z, a day after the fixtures' "now".

use chrono::{DateTime, TimeZone, Utc, Weekday};

use super::*;
use crate::catalog::Course;
use crate::fixtures::*;
use crate::scheduling::{Slot, SlotGrid, SlotQuery};
use crate::shared::time::minutes;
use crate::shared::{Interval, Role, TimeZoneId, UserId};
use crate::tenancy::{OrgSettings, OrgSettingsPatch, Organization, RawSettings};
use crate::testing::MockStore;

fn wed(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, hour, minute, 0).unwrap()
}

fn query(ta: Option<u128>) -> SlotQuery {
    SlotQuery::new(wed(9, 0), wed(12, 0), 60, ta.map(user_id)).unwrap()
}

fn slot(hour: u32, minute: u32, tas: &[u128]) -> Slot {
    let starts_at = wed(hour, minute);
    Slot { starts_at, ends_at: starts_at + minutes(60), ta_ids: tas.iter().map(|n| user_id(*n)).collect() }
}

/// Wednesdays 09:00–10:30 UTC.
fn short_wednesdays(ta: u128) -> Availability {
    let range = TimeRange::new(WallTime::parse("09:00").unwrap(), WallTime::parse("10:30").unwrap()).unwrap();
    Availability::new(id(ta), TimeZoneId::UTC, vec![WeeklyHours { weekday: Weekday::Wed, range }], vec![]).unwrap()
}

fn with_buffer(minutes: i64) -> Organization {
    let raw = RawSettings { buffer_minutes: Some(minutes), ..RawSettings::default() };
    Organization { settings: OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).unwrap()), ..org() }
}

/// A store where the organization and its course (active or not) exist, each read exactly once
/// and answered only when asked with the organization's id.
fn searchable(organization: Organization, course_active: bool) -> MockStore {
    let mut store = MockStore::new();
    store.organizations.expect_get().times(1).returning(move |o| Ok((o == org_id()).then(|| organization.clone())));
    store.courses.expect_get().times(1).returning(move |o, c| {
        let course = Course { active: course_active, ..course() };
        Ok((o == org_id() && c == course.id).then_some(course))
    });
    store
}

fn booked_10_to_11(ta: u128) -> Vec<(UserId, Interval)> {
    vec![(user_id(ta), interval(wed(10, 0), 60))]
}

#[tokio::test]
async fn a_search_reads_each_repository_once_and_finds_what_the_rules_allow() {
    let mut store = searchable(org(), true);
    store
        .course_tas
        .expect_tas()
        .withf(|o, c| (*o, *c) == (org_id(), id(COURSE)))
        .times(1)
        .returning(|_, _| Ok(vec![user(TA_2, Role::Ta), user(TA_1, Role::Ta)]));
    store
        .availability
        .expect_get_many()
        .withf(|o, tas| *o == org_id() && tas == [user_id(TA_2), user_id(TA_1)])
        .times(1)
        .returning(|_, _| Ok(vec![short_wednesdays(TA_2)]));
    store
        .bookings
        .expect_ta_busy()
        .withf(|o, tas, window| {
            *o == org_id()
                && tas == [user_id(TA_2), user_id(TA_1)]
                && *window == query(None).calendar_span(minutes(0)).unwrap()
        })
        .times(1)
        .returning(|_, _, _| Ok(booked_10_to_11(TA_1)));
    store.time_off.expect_overlapping().times(1).returning(|_, _, _| Ok(vec![]));
    let service = AvailabilityService::new(core(store));

    let found = service.search_slots(&actor(STUDENT_1, Role::Student), id(COURSE), &query(None), 100).await.unwrap();

    // TA 1 keeps the default 09:00–17:00 but is booked 10:00–11:00; TA 2 works 09:00–10:30.
    let expected = vec![slot(9, 0, &[TA_1, TA_2]), slot(9, 30, &[TA_2]), slot(11, 0, &[TA_1]), slot(11, 30, &[TA_1])];
    assert_eq!(found.slots, expected);
    // They hold until the 09:00 slot comes within the default hour of notice.
    assert_eq!(found.stable_until, Some(wed(8, 0)));
}

#[tokio::test]
async fn a_page_holds_the_first_slots_of_the_query_put_on_the_grid_and_where_the_next_starts() {
    let mut store = searchable(org(), true);
    store.course_tas.expect_tas().times(1).returning(|_, _| Ok(vec![user(TA_1, Role::Ta)]));
    store.availability.expect_get_many().times(1).returning(|_, _| Ok(vec![]));
    store
        .bookings
        .expect_ta_busy()
        .withf(|_, _, window| *window == Interval::new(wed(9, 0), wed(13, 30)).unwrap())
        .times(1)
        .returning(|_, _, _| Ok(booked_10_to_11(TA_1)));
    store.time_off.expect_overlapping().times(1).returning(|_, _, _| Ok(vec![]));
    let service = AvailabilityService::new(core(store));
    // 08:31 and 12:01 are inside grid cells: the search runs on 09:00–12:30.
    let off_grid = SlotQuery::new(wed(8, 31), wed(12, 1), 60, None).unwrap();

    let found = service.search_slots(&actor(STUDENT_1, Role::Student), id(COURSE), &off_grid, 2).await.unwrap();

    // TA 1 keeps the default 09:00–17:00 and is booked 10:00–11:00: 09:00, 11:00, 11:30, 12:00.
    assert_eq!(found.slots, vec![slot(9, 0, &[TA_1]), slot(11, 0, &[TA_1])]);
    assert_eq!(found.next, Some(wed(11, 30)));
    assert_eq!((found.query.from(), found.query.to()), (wed(9, 0), wed(12, 30)));
    assert_eq!(found.grid, SlotGrid::new(30, TimeZoneId::UTC));
}

#[tokio::test]
async fn the_buffer_widens_the_busy_read_and_keeps_slots_away_from_bookings() {
    let mut store = searchable(with_buffer(30), true);
    store.course_tas.expect_tas().times(1).returning(|_, _| Ok(vec![user(TA_1, Role::Ta)]));
    store.availability.expect_get_many().times(1).returning(|_, _| Ok(vec![]));
    let widened = Interval::new(wed(8, 30), wed(13, 30)).unwrap();
    store
        .bookings
        .expect_ta_busy()
        .withf(move |_, _, window| *window == widened)
        .times(1)
        .returning(|_, _, _| Ok(booked_10_to_11(TA_1)));
    store.time_off.expect_overlapping().times(1).returning(|_, _, _| Ok(vec![]));
    let service = AvailabilityService::new(core(store));

    let slots = service.search_slots(&actor(ADMIN, Role::Admin), id(COURSE), &query(None), 100).await.unwrap().slots;

    // Without the buffer 09:00 and 11:00 would be free too.
    assert_eq!(slots, vec![slot(11, 30, &[TA_1])]);
}

#[tokio::test]
async fn time_off_removes_the_slots_it_touches_for_its_ta_only() {
    let mut store = searchable(org(), true);
    store.course_tas.expect_tas().times(1).returning(|_, _| Ok(vec![user(TA_2, Role::Ta), user(TA_1, Role::Ta)]));
    store.availability.expect_get_many().times(1).returning(|_, _| Ok(vec![short_wednesdays(TA_2)]));
    store.bookings.expect_ta_busy().times(1).returning(|_, _, _| Ok(vec![]));
    let span = query(None).calendar_span(minutes(0)).unwrap();
    store
        .time_off
        .expect_overlapping()
        .withf(move |o, tas, window| *o == org_id() && tas == [user_id(TA_2), user_id(TA_1)] && *window == span)
        .times(1)
        .returning(|_, _, _| Ok(vec![(user_id(TA_1), interval(wed(9, 45), 75))]));
    let service = AvailabilityService::new(core(store));

    let found = service.search_slots(&actor(STUDENT_1, Role::Student), id(COURSE), &query(None), 100).await.unwrap();

    // TA 1 is away 09:45–11:00: their sessions start at 11:00 at the earliest; TA 2 works
    // 09:00–10:30 as before.
    let expected = vec![slot(9, 0, &[TA_2]), slot(9, 30, &[TA_2]), slot(11, 0, &[TA_1]), slot(11, 30, &[TA_1])];
    assert_eq!(found.slots, expected);
}

#[tokio::test]
async fn asking_for_one_assigned_ta_considers_only_that_ta() {
    let mut store = searchable(org(), true);
    store
        .users
        .expect_get()
        .withf(|o, u| (*o, *u) == (org_id(), user_id(TA_2)))
        .returning(|_, _| Ok(Some(user(TA_2, Role::Ta))));
    store
        .course_tas
        .expect_is_assigned()
        .withf(|o, c, t| (*o, *c, *t) == (org_id(), id(COURSE), user_id(TA_2)))
        .times(1)
        .returning(|_, _, _| Ok(true));
    store.course_tas.expect_tas().never();
    store.availability.expect_get_many().withf(|_, tas| tas == [user_id(TA_2)]).times(1).returning(|_, _| Ok(vec![]));
    store.bookings.expect_ta_busy().withf(|_, tas, _| tas == [user_id(TA_2)]).times(1).returning(|_, _, _| Ok(vec![]));
    store.time_off.expect_overlapping().times(1).returning(|_, _, _| Ok(vec![]));
    let service = AvailabilityService::new(core(store));

    let slots = service.search_slots(&actor(TA_1, Role::Ta), id(COURSE), &query(Some(TA_2)), 100).await.unwrap().slots;

    assert_eq!(slots.len(), 6);
    assert!(slots.iter().all(|s| s.ta_ids == [user_id(TA_2)]));
}

#[tokio::test]
async fn a_ta_who_does_not_teach_the_course_is_refused() {
    let mut store = searchable(org(), true);
    store.users.expect_get().returning(|_, _| Ok(Some(user(TA_2, Role::Ta))));
    store.course_tas.expect_is_assigned().times(1).returning(|_, _, _| Ok(false));
    store.availability.expect_get_many().never();
    store.bookings.expect_ta_busy().never();
    let service = AvailabilityService::new(core(store));
    let err = service.search_slots(&actor(ADMIN, Role::Admin), id(COURSE), &query(Some(TA_2)), 100).await.unwrap_err();
    assert!(matches!(err, SearchSlotsError::TaNotAssignedToCourse));
}

#[tokio::test]
async fn a_ta_id_naming_no_ta_of_the_organization_is_not_found() {
    for (target, role) in [(STUDENT_1, Role::Student), (ADMIN, Role::Admin)] {
        let mut store = searchable(org(), true);
        store.users.expect_get().returning(move |_, _| Ok(Some(user(target, role))));
        store.course_tas.expect_is_assigned().never();
        let service = AvailabilityService::new(core(store));
        let err =
            service.search_slots(&actor(ADMIN, Role::Admin), id(COURSE), &query(Some(target)), 100).await.unwrap_err();
        assert!(matches!(err, SearchSlotsError::NotFound), "user {target}");
    }
}

#[tokio::test]
async fn an_inactive_course_has_no_slots_and_nothing_more_is_read() {
    let store = searchable(org(), false); // any call to TAs, availability or bookings would fail
    let service = AvailabilityService::new(core(store));
    let found = service.search_slots(&actor(STUDENT_1, Role::Student), id(COURSE), &query(None), 100).await.unwrap();
    assert!(found.slots.is_empty());
    assert_eq!(found.stable_until, None);
}

#[tokio::test]
async fn a_course_without_tas_has_no_slots() {
    let mut store = searchable(org(), true);
    store.course_tas.expect_tas().times(1).returning(|_, _| Ok(vec![]));
    let service = AvailabilityService::new(core(store));
    let found = service.search_slots(&actor(STUDENT_1, Role::Student), id(COURSE), &query(None), 100).await.unwrap();
    assert!(found.slots.is_empty());
    assert_eq!(found.stable_until, None);
}

#[tokio::test]
async fn unknown_and_foreign_courses_are_not_found() {
    for (who, asked) in [(actor(ADMIN, Role::Admin), 999), (stranger(Role::Student), COURSE)] {
        let mut store = MockStore::new();
        // The stranger's organization exists for them; only this organization's course is stored.
        store.organizations.expect_get().returning(|o| Ok(Some(Organization { id: o, ..org() })));
        store.courses.expect_get().returning(|o, c| Ok((o == org_id() && c == id(COURSE)).then(course)));
        let service = AvailabilityService::new(core(store));
        let err = service.search_slots(&who, id(asked), &query(None), 100).await.unwrap_err();
        assert!(matches!(err, SearchSlotsError::NotFound), "course {asked}");
    }
}
