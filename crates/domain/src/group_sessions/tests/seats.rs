//! Joining and leaving group sessions, and waitlist promotion.

use chrono::TimeDelta;

use super::{session_at, session_with, waiting};
use crate::audit::AuditAction;
use crate::booking::{Booking, BookingStatus};
use crate::bundles::LedgerKind;
use crate::fixtures::*;
use crate::group_sessions::GroupSessionService;
use crate::notifications::EmailKind;
use crate::shared::{Actor, BookingId, ErrorCode, Role, UseCaseError};
use crate::store::Conflict;
use crate::test_world::{Harness, World, harness};

fn student(n: u128) -> Actor {
    actor(n, Role::Student)
}

async fn join(world: World, who: &Actor, bundle: Option<u128>) -> (Result<Booking, ErrorCode>, Harness) {
    let h = harness(world);
    let result =
        GroupSessionService::new(h.core.clone()).join(who, id(600), bundle.map(id)).await.map_err(|e| e.code());
    (result, h)
}

async fn join_refused(world: World, who: &Actor, bundle: Option<u128>) -> ErrorCode {
    let (result, h) = join(world, who, bundle).await;
    assert!(h.written().is_empty(), "{:?}", *h.written());
    assert_eq!(h.commits(), 0);
    assert!(h.counted().is_empty());
    result.unwrap_err()
}

fn world_with(session: Booking) -> World {
    let mut world = World::standard().with_student(15).with_student(16).with_student(17);
    world.bookings.push(session);
    world
}

#[tokio::test]
async fn a_student_joins_at_the_session_price() {
    let (result, h) = join(world_with(session_with(&[])), &student(STUDENT_1), None).await;
    let s = result.unwrap();
    assert_eq!((s.status, s.seats_taken), (BookingStatus::Open, 1));
    assert_eq!(s.seats.len(), 1);
    assert_eq!(s.seats[0].price.get(), 2_000);
    let w = h.written();
    assert_eq!(w.seats_added.len(), 1);
    assert_eq!(w.emails(EmailKind::GroupJoinConfirmation), vec!["user13@example.com"]);
    assert_eq!(w.actions(), vec![AuditAction::GroupJoined]);
    assert_eq!(h.commits(), 1);
    assert_eq!(h.counted(), vec![crate::shared::BusinessEvent::SeatTaken]);
}

#[tokio::test]
async fn the_last_seat_makes_the_session_full_and_hides_other_students() {
    let (result, _) = join(world_with(session_with(&[STUDENT_2, 15])), &student(STUDENT_1), None).await;
    let s = result.unwrap();
    assert_eq!((s.status, s.seats_taken), (BookingStatus::Full, 3));
    assert_eq!(s.seats.len(), 1, "only the caller's seat is shown");
}

#[tokio::test]
async fn a_bundle_pays_with_a_debit() {
    let mut world = world_with(session_with(&[]));
    world.bundles.push(bundle(100, STUDENT_1));
    let (result, h) = join(world, &student(STUDENT_1), Some(100)).await;
    assert_eq!(result.unwrap().seats[0].price.get(), 0);
    let w = h.written();
    assert_eq!(w.debits, vec![id(100)]);
    assert_eq!((w.ledger[0].kind, w.ledger[0].booking_id), (LedgerKind::Debit, Some(id(600))));
}

#[tokio::test]
async fn joining_takes_the_student_off_the_waitlist() {
    let mut world = world_with(session_with(&[]));
    world.waitlist.push(waiting(1, STUDENT_1, None));
    let (_, h) = join(world, &student(STUDENT_1), None).await;
    assert_eq!(h.written().waitlist_removed, vec![id(701)]);
}

#[tokio::test]
async fn join_refusals_in_contract_order() {
    let who = student(STUDENT_1);
    assert_eq!(
        join_refused(world_with(session_with(&[])), &actor(ADMIN, Role::Admin), None).await,
        ErrorCode::Forbidden
    );
    assert_eq!(join_refused(world_with(session_with(&[])), &stranger(Role::Student), None).await, ErrorCode::NotFound);
    let mut world = world_with(session_with(&[]));
    world.bundles.push(bundle(100, STUDENT_2));
    assert_eq!(join_refused(world, &who, Some(100)).await, ErrorCode::NotFound, "another student's bundle");

    let mut cancelled = session_with(&[]);
    cancelled.status = BookingStatus::Cancelled;
    assert_eq!(join_refused(world_with(cancelled), &who, None).await, ErrorCode::AlreadyCancelled);
    let started = session_at(interval(now() - TimeDelta::minutes(1), 60), &[]);
    assert_eq!(join_refused(world_with(started), &who, None).await, ErrorCode::BookingInPast);
    assert_eq!(join_refused(world_with(session_with(&[STUDENT_1])), &who, None).await, ErrorCode::AlreadyJoined);
    assert_eq!(join_refused(world_with(session_with(&[STUDENT_2, 15, 16])), &who, None).await, ErrorCode::SessionFull);
    let mut world = world_with(session_with(&[]));
    world.bookings.push(individual(500, TA_2, STUDENT_1, interval(in_hours(48) + TimeDelta::minutes(30), 60)));
    assert_eq!(join_refused(world, &who, None).await, ErrorCode::StudentUnavailable);
}

#[tokio::test]
async fn individual_bookings_are_not_group_sessions_or_do_not_exist() {
    let mut world = World::standard();
    world.bookings.push(individual(600, TA_1, STUDENT_1, interval(in_hours(48), 60)));
    assert_eq!(join_refused(world.clone(), &student(STUDENT_1), None).await, ErrorCode::NotAGroupSession);
    assert_eq!(
        join_refused(world, &student(STUDENT_2), None).await,
        ErrorCode::NotFound,
        "someone else's stays hidden"
    );
}

#[tokio::test]
async fn bundle_refusals_when_joining() {
    let with = |b: crate::bundles::BundlePurchase| {
        let mut world = world_with(session_with(&[]));
        world.bundles.push(b);
        world
    };
    let mut other = bundle(100, STUDENT_1);
    other.course_id = id(21);
    assert_eq!(join_refused(with(other), &student(STUDENT_1), Some(100)).await, ErrorCode::BundleCourseMismatch);
    let mut expired = bundle(100, STUDENT_1);
    expired.valid_to = in_hours(47);
    assert_eq!(join_refused(with(expired), &student(STUDENT_1), Some(100)).await, ErrorCode::BundleExpired);
    let mut empty = bundle(100, STUDENT_1);
    empty.remaining_sessions = 0;
    assert_eq!(join_refused(with(empty), &student(STUDENT_1), Some(100)).await, ErrorCode::BundleExhausted);
    let mut world = with(bundle(100, STUDENT_1));
    world.debit_fails.push(id(100));
    let (result, h) = join(world, &student(STUDENT_1), Some(100)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::BundleExhausted, "spent concurrently");
    assert_eq!(h.commits(), 0);
}

#[tokio::test]
async fn the_stores_capacity_guard_turns_into_session_full() {
    let mut world = world_with(session_with(&[]));
    world.add_seat_conflict = Some(Conflict::CapacityExceeded);
    let (result, h) = join(world, &student(STUDENT_1), None).await;
    assert_eq!(result.unwrap_err(), ErrorCode::SessionFull);
    assert_eq!(h.commits(), 0);
    let mut world = world_with(session_with(&[]));
    world.add_seat_conflict = Some(Conflict::AlreadyJoined);
    assert_eq!(join(world, &student(STUDENT_1), None).await.0.unwrap_err(), ErrorCode::AlreadyJoined);
}

async fn leave(world: World, who: &Actor) -> (Result<Booking, ErrorCode>, Harness) {
    let h = harness(world);
    let result = GroupSessionService::new(h.core.clone()).leave(who, id::<BookingId>(600)).await.map_err(|e| e.code());
    (result, h)
}

fn bundle_seat_world(hours: i64) -> World {
    let mut session = session_at(interval(in_hours(hours), 60), &[STUDENT_2, 15]);
    session.seats.push(crate::booking::Seat::new(
        session.id,
        user_id(STUDENT_1),
        crate::booking::Payment::Bundle(id(100)),
        now(),
    ));
    session.seats_taken = 3;
    session.status = BookingStatus::Full;
    let mut world = world_with(session);
    world.bundles.push(bundle(100, STUDENT_1));
    world.bundles[0].remaining_sessions = 2;
    world
}

#[tokio::test]
async fn leaving_early_refunds_and_reopens_the_session() {
    let (result, h) = leave(bundle_seat_world(48), &student(STUDENT_1)).await;
    let s = result.unwrap();
    assert_eq!((s.status, s.seats_taken), (BookingStatus::Open, 2));
    assert!(s.seats.is_empty(), "the caller no longer holds a seat");
    let w = h.written();
    assert_eq!(w.seats_removed, vec![(id(600), user_id(STUDENT_1))]);
    assert_eq!(w.refunds, vec![id(100)]);
    assert_eq!(w.ledger[0].kind, LedgerKind::Refund);
    assert_eq!(w.actions(), vec![AuditAction::LedgerRefund, AuditAction::GroupLeft]);
    assert_eq!(h.counted(), vec![crate::shared::BusinessEvent::SeatLeft]);
}

#[tokio::test]
async fn leaving_late_forfeits_the_credit() {
    let (_, h) = leave(bundle_seat_world(5), &student(STUDENT_1)).await;
    let w = h.written();
    assert!(w.refunds.is_empty());
    assert_eq!((w.ledger[0].kind, w.ledger[0].delta), (LedgerKind::Forfeit, 0));
}

#[tokio::test]
async fn leave_refusals() {
    assert_eq!(leave(bundle_seat_world(48), &actor(TA_1, Role::Ta)).await.0.unwrap_err(), ErrorCode::Forbidden);
    let (result, h) = leave(bundle_seat_world(48), &student(16)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::NotFound, "not seated");
    assert!(h.written().is_empty());
    assert!(h.counted().is_empty());
    let mut world = bundle_seat_world(48);
    world.bookings[0].status = BookingStatus::Cancelled;
    assert_eq!(leave(world, &student(STUDENT_1)).await.0.unwrap_err(), ErrorCode::AlreadyCancelled);
    let mut world = bundle_seat_world(48);
    world.bookings[0].interval = interval(now() - TimeDelta::minutes(10), 60);
    assert_eq!(leave(world, &student(STUDENT_1)).await.0.unwrap_err(), ErrorCode::BookingInPast);
}

#[tokio::test]
async fn a_freed_seat_goes_to_the_first_waitlisted_student_who_still_qualifies() {
    let mut world = bundle_seat_world(48);
    let mut exhausted = bundle(101, 16);
    exhausted.remaining_sessions = 0;
    world.bundles.push(exhausted);
    world.bundles.push(bundle(102, 17));
    world.waitlist = vec![waiting(1, 16, Some(101)), waiting(2, 17, Some(102)), waiting(3, STUDENT_1, None)];

    let (result, h) = leave(world, &student(STUDENT_1)).await;

    assert_eq!(result.unwrap().status, BookingStatus::Full, "the seat was taken again in the same transaction");
    let w = h.written();
    assert_eq!(w.waitlist_removed, vec![id(701), id(702)], "16 skipped and removed, 17 promoted");
    assert_eq!(w.seats_added.len(), 1);
    assert_eq!(w.seats_added[0].student_id, user_id(17));
    assert_eq!(w.seats_added[0].bundle_purchase_id, Some(id(102)));
    assert_eq!(w.debits, vec![id(102)]);
    assert_eq!(w.emails(EmailKind::WaitlistPromotion), vec!["user17@example.com"]);
    let promoted = w.audit.iter().find(|e| e.action == AuditAction::GroupJoined).unwrap();
    assert_eq!(promoted.actor_id, None, "nobody chose the promotion");
    assert_eq!(promoted.request_id, "req-test", "but the request that freed the seat caused it");
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn promotion_skips_students_now_busy_and_bundles_spent_meanwhile() {
    let mut world = bundle_seat_world(48).with_student(18);
    // 16 now has an overlapping session; 17's bundle was spent by a concurrent booking; 18 pays
    // per session and is free.
    world.bookings.push(individual(500, TA_2, 16, interval(in_hours(48), 30)));
    world.bundles.push(bundle(102, 17));
    world.debit_fails.push(id(102));
    world.waitlist = vec![waiting(1, 16, None), waiting(2, 17, Some(102)), waiting(3, 18, None)];

    let (_, h) = leave(world, &student(STUDENT_1)).await;

    let w = h.written();
    assert_eq!(w.waitlist_removed, vec![id(701), id(702), id(703)]);
    assert_eq!(w.seats_added.iter().map(|s| s.student_id).collect::<Vec<_>>(), vec![user_id(18)]);
    assert!(w.debits.is_empty());
    assert_eq!(w.emails(EmailKind::WaitlistPromotion), vec!["user18@example.com"]);
}

#[tokio::test]
async fn with_nobody_qualifying_the_seat_stays_free() {
    let mut world = bundle_seat_world(48);
    let mut expired = bundle(101, 16);
    expired.valid_to = in_hours(1);
    world.bundles.push(expired);
    world.waitlist = vec![waiting(1, 16, Some(101))];
    let (result, h) = leave(world, &student(STUDENT_1)).await;
    assert_eq!(result.unwrap().status, BookingStatus::Open);
    assert_eq!(h.written().waitlist_removed, vec![id(701)]);
    assert!(h.written().seats_added.is_empty());
}
