//! Joining and leaving waitlists.

use chrono::TimeDelta;

use super::{session_at, session_with, waiting};
use crate::booking::{Booking, BookingStatus};
use crate::fixtures::*;
use crate::group_sessions::{GroupSessionService, WaitlistPosition};
use crate::shared::{Actor, ErrorCode, Role, UseCaseError};
use crate::test_world::{Harness, World, harness};

fn full_world(session: Booking) -> World {
    let mut world = World::standard().with_student(15).with_student(16).with_student(17);
    world.bookings.push(session);
    world
}

fn full() -> Booking {
    session_with(&[STUDENT_2, 15, 16])
}

async fn join(world: World, who: &Actor, bundle: Option<u128>) -> (Result<WaitlistPosition, ErrorCode>, Harness) {
    let h = harness(world);
    let result = GroupSessionService::new(h.core.clone())
        .join_waitlist(who, id(600), bundle.map(id))
        .await
        .map_err(|e| e.code());
    (result, h)
}

async fn refused(world: World, who: &Actor, bundle: Option<u128>) -> ErrorCode {
    let (result, h) = join(world, who, bundle).await;
    assert!(h.written().is_empty());
    result.unwrap_err()
}

#[tokio::test]
async fn students_queue_first_in_first_out() {
    let mut world = full_world(full());
    world.waitlist.push(waiting(1, 17, None));
    let (result, h) = join(world, &actor(STUDENT_1, Role::Student), None).await;
    let position = result.unwrap();
    assert_eq!(position.position, 2);
    assert_eq!(position.entry.student_id, user_id(STUDENT_1));
    assert_eq!(h.written().waitlist_added.len(), 1);
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn waitlist_refusals() {
    let me = actor(STUDENT_1, Role::Student);
    assert_eq!(refused(full_world(full()), &actor(ADMIN, Role::Admin), None).await, ErrorCode::Forbidden);
    assert_eq!(refused(full_world(full()), &stranger(Role::Student), None).await, ErrorCode::NotFound);
    assert_eq!(refused(full_world(session_with(&[STUDENT_2])), &me, None).await, ErrorCode::NotWaitlistable);
    assert_eq!(refused(full_world(session_with(&[STUDENT_1, 15, 16])), &me, None).await, ErrorCode::AlreadyJoined);
    let mut world = full_world(full());
    world.waitlist.push(waiting(1, STUDENT_1, None));
    assert_eq!(refused(world, &me, None).await, ErrorCode::AlreadyWaitlisted);
    let mut cancelled = full();
    cancelled.status = BookingStatus::Cancelled;
    assert_eq!(refused(full_world(cancelled), &me, None).await, ErrorCode::AlreadyCancelled);
    let started = session_at(interval(now() - TimeDelta::minutes(1), 60), &[STUDENT_2, 15, 16]);
    assert_eq!(refused(full_world(started), &me, None).await, ErrorCode::BookingInPast);
}

#[tokio::test]
async fn the_bundle_named_must_qualify_when_joining_the_waitlist() {
    let me = actor(STUDENT_1, Role::Student);
    let with = |b: crate::bundles::BundlePurchase| {
        let mut world = full_world(full());
        world.bundles.push(b);
        world
    };
    assert_eq!(refused(with(bundle(100, STUDENT_2)), &me, Some(100)).await, ErrorCode::NotFound);
    let mut other = bundle(100, STUDENT_1);
    other.course_id = id(21);
    assert_eq!(refused(with(other), &me, Some(100)).await, ErrorCode::BundleCourseMismatch);
    let mut expired = bundle(100, STUDENT_1);
    expired.valid_to = in_hours(1);
    assert_eq!(refused(with(expired), &me, Some(100)).await, ErrorCode::BundleExpired);
    let mut empty = bundle(100, STUDENT_1);
    empty.remaining_sessions = 0;
    assert_eq!(refused(with(empty), &me, Some(100)).await, ErrorCode::BundleExhausted);
    let (ok, _) = join(with(bundle(100, STUDENT_1)), &me, Some(100)).await;
    assert_eq!(ok.unwrap().entry.bundle_purchase_id, Some(id(100)));
}

#[tokio::test]
async fn leaving_the_waitlist() {
    let mut world = full_world(full());
    world.waitlist.push(waiting(1, STUDENT_1, None));
    let h = harness(world);
    let service = GroupSessionService::new(h.core.clone());
    service.leave_waitlist(&actor(STUDENT_1, Role::Student), id(600)).await.unwrap();
    assert_eq!(h.written().waitlist_removed, vec![id(701)]);
    let again = service.leave_waitlist(&actor(STUDENT_1, Role::Student), id(600)).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::NotFound);
    let admin = service.leave_waitlist(&actor(ADMIN, Role::Admin), id(600)).await.unwrap_err();
    assert_eq!(admin.code(), ErrorCode::Forbidden);
}
