//! `AttendanceService::record` refusals, in the order the checks run, each writing nothing:
//! students are refused before anything is read, then the session must be visible, active,
//! started and (for its TA) not locked, then the marks valid.

use chrono::TimeDelta;

use crate::attendance::{AttendanceService, TA_MARKING_WINDOW};
use crate::booking::{Attendance, BookingStatus};
use crate::fixtures::*;
use crate::shared::{Actor, ErrorCode, Role, UseCaseError};
use crate::test_world::{World, harness, harness_at};

use super::support::*;

async fn refused(world: World, who: &Actor, at: chrono::DateTime<chrono::Utc>) -> ErrorCode {
    let h = harness_at(world, at);
    let request = marks(&[(STUDENT_1, Attendance::Present)]);
    let err = AttendanceService::new(h.core.clone()).record(who, session_id(), &request).await.unwrap_err();
    assert!(h.written().is_empty(), "{:?}", *h.written());
    assert_eq!(h.commits(), 0);
    err.code()
}

#[tokio::test]
async fn students_are_refused_before_anything_is_read() {
    let h = harness(per_session());
    let service = AttendanceService::new(h.core.clone());
    let err = service.record(&actor(STUDENT_1, Role::Student), session_id(), &no_show(true)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert_eq!(h.store.begun(), 0);
}

#[tokio::test]
async fn an_unknown_or_invisible_session_is_not_found() {
    assert_eq!(refused(World::standard(), &ta(), now()).await, ErrorCode::NotFound);
    assert_eq!(refused(per_session(), &actor(TA_2, Role::Ta), now()).await, ErrorCode::NotFound);
    assert_eq!(refused(per_session(), &stranger(Role::Admin), now()).await, ErrorCode::NotFound);
}

#[tokio::test]
async fn a_cancelled_session_is_already_cancelled() {
    let mut world = per_session();
    world.bookings[0].status = BookingStatus::Cancelled;
    assert_eq!(refused(world, &admin(), now()).await, ErrorCode::AlreadyCancelled);
}

#[tokio::test]
async fn a_session_that_has_not_started_is_refused() {
    let at = ended().start() - TimeDelta::seconds(1);
    assert_eq!(refused(per_session(), &ta(), at).await, ErrorCode::BookingNotStarted);
}

#[tokio::test]
async fn the_ta_is_locked_out_48_hours_after_the_end_but_not_an_admin() {
    let after = ended().end() + TA_MARKING_WINDOW + TimeDelta::seconds(1);
    assert_eq!(refused(per_session(), &ta(), after).await, ErrorCode::AttendanceLocked);
    let h = harness_at(per_session(), after);
    let request = marks(&[(STUDENT_1, Attendance::Present)]);
    let booking = AttendanceService::new(h.core.clone()).record(&admin(), session_id(), &request).await.unwrap();
    assert_eq!(booking.completed_at, Some(after));
}

#[tokio::test]
async fn invalid_marks_are_refused_by_field_after_the_session_checks() {
    let h = harness(per_session());
    let request = marks(&[(STUDENT_2, Attendance::Present)]);
    let err = AttendanceService::new(h.core.clone()).record(&ta(), session_id(), &request).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationFailed);
    assert!(err.field_errors().unwrap().has("seats[0].studentId"));
    assert!(h.written().is_empty());
}

#[tokio::test]
async fn an_admin_gets_the_booking_with_every_seat() {
    let (result, _) = record(group(), &admin(), &marks(&[(STUDENT_3, Attendance::Present)])).await;
    let booking = result.unwrap();
    let students: Vec<_> = booking.seats.iter().map(|s| s.student_id).collect();
    assert_eq!(students, [user_id(STUDENT_1), user_id(STUDENT_2), user_id(STUDENT_3)]);
}
