//! `AttendanceService::unmarked`: a TA's own sessions that ended by now without full
//! attendance, oldest first, a page at a time; nobody else has such a list.

use chrono::TimeDelta;

use crate::attendance::AttendanceService;
use crate::booking::{Attendance, Booking, BookingStatus};
use crate::fixtures::*;
use crate::shared::{Actor, BookingId, Cursor, ErrorCode, PageRequest, Role, UseCaseError};
use crate::test_world::{Harness, World, harness};

fn at_hours(n: u128, ta: u128, hours_ago: i64) -> Booking {
    individual(n, ta, STUDENT_1, interval(now() - TimeDelta::hours(hours_ago), 60))
}

/// TA 1's sessions 501 (ended 2 days ago) and 502 (ending exactly now) wait for marks; the rest
/// do not: still running, completed, cancelled, another TA's, a group session nobody joined.
fn world() -> World {
    let mut world = World::standard();
    let mut completed = at_hours(503, TA_1, 5);
    completed.seats[0].attendance = Some(Attendance::Present);
    completed.completed_at = Some(now() - TimeDelta::hours(4));
    let mut cancelled = at_hours(504, TA_1, 6);
    cancelled.status = BookingStatus::Cancelled;
    world.bookings = vec![
        at_hours(502, TA_1, 1),
        at_hours(501, TA_1, 48),
        individual(505, TA_1, STUDENT_1, interval(now() - TimeDelta::minutes(59), 60)),
        completed,
        cancelled,
        at_hours(506, TA_2, 3),
        group_session(507, interval(now() - TimeDelta::hours(7), 60)),
    ];
    world
}

async fn list(h: &Harness, who: &Actor, page: &PageRequest) -> Result<(Vec<BookingId>, Option<Cursor>), ErrorCode> {
    let page = AttendanceService::new(h.core.clone()).unmarked(who, page).await.map_err(|e| e.code())?;
    Ok((page.items.iter().map(|b| b.id).collect(), page.next))
}

#[tokio::test]
async fn a_ta_sees_their_sessions_that_ended_without_full_attendance_oldest_first() {
    let h = harness(world());
    let (ids, next) = list(&h, &actor(TA_1, Role::Ta), &PageRequest::first()).await.unwrap();
    assert_eq!(ids, [id(501), id(502)]);
    assert_eq!(next, None);
}

#[tokio::test]
async fn the_list_is_read_a_page_at_a_time() {
    let h = harness(world());
    let ta = actor(TA_1, Role::Ta);
    let (ids, next) = list(&h, &ta, &PageRequest::new(Some(1), None).unwrap()).await.unwrap();
    assert_eq!(ids, [id(501)]);
    let next = next.expect("a second page");
    assert_eq!(next, Cursor::instant(now() - TimeDelta::hours(48), id::<BookingId>(501)));
    let (ids, last) = list(&h, &ta, &PageRequest::new(Some(1), Some(next)).unwrap()).await.unwrap();
    assert_eq!((ids, last), (vec![id(502)], None));
}

#[tokio::test]
async fn only_tas_have_sessions_to_mark() {
    let h = harness(world());
    for who in [actor(ADMIN, Role::Admin), actor(STUDENT_1, Role::Student)] {
        assert_eq!(list(&h, &who, &PageRequest::first()).await.unwrap_err(), ErrorCode::Forbidden, "{:?}", who.role);
    }
}
