//! `BookingService::list` and `get`: each role sees its own, students only their own seat.

use crate::booking::{BookingFilter, BookingService, Payment, Seat};
use crate::fixtures::*;
use crate::shared::{BookingId, ErrorCode, PageRequest, Role, UseCaseError};
use crate::test_world::{World, harness};
use crate::testing::MockStore;

fn world_with_group_session() -> World {
    let mut world = World::standard();
    let mut session = group_session(600, interval(in_hours(48), 60));
    for s in [STUDENT_1, STUDENT_2] {
        session.seats.push(Seat::new(session.id, user_id(s), Payment::PerSession(session.price_per_student), now()));
    }
    session.seats_taken = 2;
    world.bookings.push(session);
    world.bookings.push(individual(500, TA_2, STUDENT_2, interval(in_hours(30), 60)));
    world
}

#[tokio::test]
async fn each_role_lists_with_its_own_filter() {
    // Whatever they ask, a TA lists the sessions they teach and a student the ones they sit in;
    // the other filters apply within that.
    let asked =
        BookingFilter { ta_id: Some(user_id(TA_2)), student_id: Some(user_id(STUDENT_2)), ..BookingFilter::default() };
    let cases = [
        (actor(ADMIN, Role::Admin), asked.clone()),
        (actor(TA_1, Role::Ta), BookingFilter { ta_id: Some(user_id(TA_1)), ..asked.clone() }),
        (actor(STUDENT_1, Role::Student), BookingFilter { student_id: Some(user_id(STUDENT_1)), ..asked.clone() }),
    ];
    for (who, expected) in cases {
        let mut store = MockStore::new();
        store.bookings.expect_list().withf(move |_, f, _| *f == expected).times(1).returning(|_, _, _| Ok(vec![]));
        let service = BookingService::new(core(store));
        service.list(&who, asked.clone(), &PageRequest::first()).await.unwrap();
    }
}

#[tokio::test]
async fn students_see_only_their_own_seat() {
    let mut store = MockStore::new();
    let world = world_with_group_session();
    let rows = world.bookings.clone();
    store.bookings.expect_list().returning(move |_, _, _| Ok(rows.clone()));
    let service = BookingService::new(core(store));
    let page =
        service.list(&actor(STUDENT_1, Role::Student), BookingFilter::default(), &PageRequest::first()).await.unwrap();
    let group = page.items.iter().find(|b| b.id == id::<BookingId>(600)).unwrap();
    assert_eq!(group.seats.len(), 1);
    assert_eq!(group.seats[0].student_id, user_id(STUDENT_1));
    assert_eq!(group.seats_taken, 2, "the count stays, the identities go");
    let admin =
        service.list(&actor(ADMIN, Role::Admin), BookingFilter::default(), &PageRequest::first()).await.unwrap();
    assert_eq!(admin.items.iter().find(|b| b.id == id::<BookingId>(600)).unwrap().seats.len(), 2);
}

#[tokio::test]
async fn a_full_page_has_a_cursor_after_its_last_booking() {
    let mut store = MockStore::new();
    let world = world_with_group_session();
    let rows = world.bookings.clone();
    store.bookings.expect_list().returning(move |_, _, _| Ok(rows.clone()));
    let service = BookingService::new(core(store));
    let page = service
        .list(&actor(ADMIN, Role::Admin), BookingFilter::default(), &PageRequest::new(Some(1), None).unwrap())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let cursor = page.next.unwrap();
    assert_eq!(cursor.instant_key(), Some(page.items[0].interval.start()));
    assert_eq!(cursor.id, page.items[0].id.as_uuid());
}

#[tokio::test]
async fn get_follows_visibility() {
    let h = harness(world_with_group_session());
    let service = BookingService::new(h.core.clone());
    let group: BookingId = id(600);
    let individual: BookingId = id(500);
    assert_eq!(service.get(&actor(ADMIN, Role::Admin), individual).await.unwrap().seats.len(), 1);
    assert_eq!(service.get(&actor(TA_2, Role::Ta), individual).await.unwrap().id, individual);
    assert_eq!(service.get(&actor(TA_1, Role::Ta), individual).await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(
        service.get(&actor(STUDENT_1, Role::Student), individual).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(service.get(&actor(STUDENT_1, Role::Student), group).await.unwrap().seats.len(), 1);
    assert_eq!(service.get(&stranger(Role::Admin), group).await.unwrap_err().code(), ErrorCode::NotFound);
}
