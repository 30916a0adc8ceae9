//! The reschedule use case: who moves what, in the contract's order, the scheduling rules of
//! the new time with the booking itself never in the way, the TA kept, named or chosen, and
//! what the move writes.

use chrono::{DateTime, Utc};

use crate::booking::{Booking, BookingService, Reschedule, RescheduleReason};
use crate::fixtures::*;
use crate::notifications::{EmailKind, EmailPayload, RescheduleAudience};
use crate::scheduling::SessionDuration;
use crate::shared::{Actor, BookingId, BusinessEvent, ErrorCode, Role, UseCaseError};
use crate::test_world::{Harness, World, harness};

/// Thursday 2026-12-03 at `hour`:`minute` UTC: inside everyone's hours, 50 h after "now" at 10.
fn thursday(hour: u32, minute: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 12, 3, hour, minute, 0).unwrap()
}

/// Student 1's hour with TA 1 on Thursday at 10:00.
fn world() -> (World, BookingId) {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_1, interval(thursday(10, 0), 60)));
    (world, id(500))
}

fn to(hour: u32, minute: u32, ta: Option<u128>) -> Reschedule {
    Reschedule { starts_at: thursday(hour, minute), duration: None, ta_id: ta.map(id), reason: None }
}

async fn reschedule(world: World, who: &Actor, cmd: &Reschedule) -> (Result<Booking, ErrorCode>, Harness) {
    let h = harness(world);
    let result = BookingService::new(h.core.clone()).reschedule(who, id(500), cmd).await.map_err(|e| e.code());
    (result, h)
}

async fn refused(world: World, who: &Actor, cmd: &Reschedule) -> ErrorCode {
    let (result, h) = reschedule(world, who, cmd).await;
    assert!(h.written().is_empty(), "a refused move writes nothing: {:?}", *h.written());
    assert_eq!(h.commits(), 0);
    result.expect_err("the move should be refused")
}

#[tokio::test]
async fn a_student_moves_their_session_keeping_id_seats_and_payment() {
    let (world, b) = world();
    let before = world.bookings[0].clone();
    let (result, h) = reschedule(world, &actor(STUDENT_1, Role::Student), &to(14, 0, None)).await;
    let moved = result.unwrap();
    assert_eq!((moved.id, moved.ta_id, moved.interval), (b, user_id(TA_1), interval(thursday(14, 0), 60)));
    assert_eq!((moved.sequence, moved.reschedule_count), (1, 1));
    assert_eq!((&moved.seats, moved.policy), (&before.seats, before.policy));
    let w = h.written();
    assert_eq!(w.rescheduled, vec![moved]);
    assert_eq!(w.actions(), vec![crate::audit::AuditAction::BookingRescheduled]);
    let detail = w.audit[0].detail.clone().unwrap();
    assert!(detail.starts_with("from=2026-12-03T10:00:00+00:00 to=2026-12-03T14:00:00+00:00 ta="), "{detail}");
    assert!(w.inserted.is_empty() && w.ledger.is_empty() && w.debits.is_empty() && w.refunds.is_empty());
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn the_booking_itself_is_never_in_the_way_and_a_new_length_is_kept() {
    let (world, _) = world();
    let longer = Reschedule { duration: Some(SessionDuration::from_minutes(90).unwrap()), ..to(10, 30, None) };
    let (result, _) = reschedule(world, &actor(TA_1, Role::Ta), &longer).await;
    let moved = result.unwrap();
    assert_eq!(moved.interval, interval(thursday(10, 30), 90), "over its own old time");
    assert_eq!((moved.sequence, moved.reschedule_count), (1, 0), "a TA's move is not the student's");
}

#[tokio::test]
async fn another_ta_takes_over_when_the_current_one_is_busy_unless_the_ta_moves_it() {
    let (mut world, _) = world();
    world.bookings.push(individual(501, TA_1, STUDENT_2, interval(thursday(14, 0), 60)));
    let (result, _) = reschedule(world.clone(), &actor(STUDENT_1, Role::Student), &to(14, 0, None)).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_2), "chosen as in part 1");
    let (result, _) = reschedule(world.clone(), &actor(ADMIN, Role::Admin), &to(14, 0, None)).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_2));
    assert_eq!(refused(world.clone(), &actor(TA_1, Role::Ta), &to(14, 0, None)).await, ErrorCode::TaUnavailable);
    assert_eq!(
        refused(world.clone(), &actor(ADMIN, Role::Admin), &to(14, 0, Some(TA_1))).await,
        ErrorCode::TaUnavailable,
        "a named TA is not replaced"
    );
    let (result, _) = reschedule(world, &actor(ADMIN, Role::Admin), &to(14, 0, Some(TA_2))).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_2));
}

#[tokio::test]
async fn with_every_ta_busy_there_is_no_ta_available() {
    let (mut world, _) = world();
    world.bookings.push(individual(501, TA_1, STUDENT_2, interval(thursday(14, 0), 60)));
    world.bookings.push(individual(502, TA_2, STUDENT_2, interval(thursday(13, 30), 60)));
    assert_eq!(refused(world, &actor(STUDENT_1, Role::Student), &to(14, 0, None)).await, ErrorCode::NoTaAvailable);
}

#[tokio::test]
async fn refusals_come_in_the_contracts_order() {
    let student = actor(STUDENT_1, Role::Student);
    let (world, _) = world();
    assert_eq!(refused(world.clone(), &actor(STUDENT_2, Role::Student), &to(14, 0, None)).await, ErrorCode::NotFound);
    assert_eq!(refused(world.clone(), &student, &to(14, 0, Some(TA_2))).await, ErrorCode::Forbidden);
    assert_eq!(refused(world.clone(), &actor(ADMIN, Role::Admin), &to(14, 0, Some(99))).await, ErrorCode::NotFound);
    let mut late = world.clone();
    late.bookings[0].policy.reschedule_window_hours = 60;
    assert_eq!(refused(late, &student, &to(14, 0, None)).await, ErrorCode::RescheduleWindowPassed);
    let mut spent = world.clone();
    spent.bookings[0].reschedule_count = 2;
    assert_eq!(refused(spent, &student, &to(14, 0, None)).await, ErrorCode::RescheduleLimitReached);
    let ta = actor(TA_1, Role::Ta);
    assert_eq!(refused(world.clone(), &ta, &to(7, 0, None)).await, ErrorCode::OutsideTaAvailability);
    assert_eq!(refused(world.clone(), &student, &to(7, 0, None)).await, ErrorCode::NoTaAvailable, "no TA works then");
    let past = Reschedule { starts_at: now(), ..to(14, 0, None) };
    assert_eq!(refused(world.clone(), &student, &past).await, ErrorCode::BookingTooSoon);
    let mut unassigned = world.clone().with_ta(20);
    unassigned.assigned.retain(|ta| *ta != user_id(20));
    assert_eq!(
        refused(unassigned, &actor(ADMIN, Role::Admin), &to(14, 0, Some(20))).await,
        ErrorCode::TaNotAssignedToCourse
    );
}

#[tokio::test]
async fn every_seated_student_must_be_free_and_every_bundle_valid_at_the_new_time() {
    let (mut busy, _) = world();
    busy.bookings.push(individual(501, TA_2, STUDENT_1, interval(thursday(14, 0), 60)));
    let student = actor(STUDENT_1, Role::Student);
    assert_eq!(refused(busy, &student, &to(14, 30, None)).await, ErrorCode::StudentUnavailable);

    let (mut bundled, b) = world();
    let mut short = bundle(100, STUDENT_1);
    short.valid_to = thursday(12, 0);
    bundled.bundles.push(short);
    bundled.bookings[0].seats[0] =
        crate::booking::Seat::new(b, user_id(STUDENT_1), crate::booking::Payment::Bundle(id(100)), now());
    assert_eq!(refused(bundled.clone(), &student, &to(14, 0, None)).await, ErrorCode::BundleExpired);
    let (result, _) = reschedule(bundled, &student, &to(11, 0, None)).await;
    assert!(result.is_ok(), "still inside the bundle's validity: {result:?}");
}

#[tokio::test]
async fn a_booking_cancelled_meanwhile_is_already_cancelled() {
    let (mut world, _) = world();
    world.bookings[0].status = crate::booking::BookingStatus::Cancelled;
    assert_eq!(refused(world, &actor(ADMIN, Role::Admin), &to(14, 0, None)).await, ErrorCode::AlreadyCancelled);
}

/// The reschedule emails written: (recipient, audience, new TA name, previous TA name, reason).
fn moved_emails(h: &Harness) -> Vec<(String, RescheduleAudience, String, String, Option<String>)> {
    let mut out: Vec<_> = h
        .written()
        .outbox
        .iter()
        .filter_map(|m| match &m.payload {
            EmailPayload::BookingRescheduled { session, previous, audience, reason } => Some((
                m.recipient.to_string(),
                *audience,
                session.ta_name.clone(),
                previous.ta_name.clone(),
                reason.clone(),
            )),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn the_student_and_the_ta_are_told_of_the_new_time_with_the_reason() {
    let (world, _) = world();
    let cmd = Reschedule { reason: Some(RescheduleReason::parse("  exam moved  ").unwrap()), ..to(14, 0, None) };
    let (result, h) = reschedule(world, &actor(STUDENT_1, Role::Student), &cmd).await;
    result.unwrap();
    let reason = Some("exam moved".to_owned());
    assert_eq!(
        moved_emails(&h),
        vec![
            ("user11@example.com".into(), RescheduleAudience::Ta, "User 11".into(), "User 11".into(), reason.clone()),
            ("user13@example.com".into(), RescheduleAudience::Student, "User 11".into(), "User 11".into(), reason),
        ]
    );
    let w = h.written();
    let EmailPayload::BookingRescheduled { session, previous, .. } = &w.outbox[0].payload else { unreachable!() };
    assert_eq!((session.starts_at, previous.starts_at), (thursday(14, 0), thursday(10, 0)));
    assert_eq!((session.ends_at, previous.ends_at), (thursday(15, 0), thursday(11, 0)));
    assert_eq!(w.emails(EmailKind::BookingRescheduled).len(), 2);
    drop(w);
    assert_eq!(h.counted(), vec![BusinessEvent::BookingRescheduled]);
}

#[tokio::test]
async fn a_move_to_another_ta_tells_the_former_ta_too_and_a_blank_reason_is_dropped() {
    let (world, _) = world();
    let cmd = Reschedule { reason: Some(RescheduleReason::parse("   ").unwrap()), ..to(14, 0, Some(TA_2)) };
    let (result, h) = reschedule(world, &actor(ADMIN, Role::Admin), &cmd).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_2));
    assert_eq!(
        moved_emails(&h),
        vec![
            ("user11@example.com".into(), RescheduleAudience::FormerTa, "User 12".into(), "User 11".into(), None),
            ("user12@example.com".into(), RescheduleAudience::Ta, "User 12".into(), "User 11".into(), None),
            ("user13@example.com".into(), RescheduleAudience::Student, "User 12".into(), "User 11".into(), None),
        ]
    );
}

#[tokio::test]
async fn a_refused_move_is_not_counted() {
    let (world, _) = world();
    let (result, h) = reschedule(world, &actor(TA_1, Role::Ta), &to(7, 0, None)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::OutsideTaAvailability);
    assert!(h.counted().is_empty());
}

#[tokio::test]
async fn a_ta_on_time_off_is_outside_availability_and_another_ta_is_chosen() {
    let (mut world, _) = world();
    world.time_off.push(crate::time_off::TimeOff {
        id: id(700),
        organization_id: org_id(),
        ta_id: user_id(TA_1),
        window: interval(thursday(13, 30), 60),
        reason: None,
        created_by: user_id(ADMIN),
        created_at: now(),
    });
    let admin = actor(ADMIN, Role::Admin);
    assert_eq!(refused(world.clone(), &admin, &to(14, 0, Some(TA_1))).await, ErrorCode::OutsideTaAvailability);
    assert_eq!(
        refused(world.clone(), &actor(TA_1, Role::Ta), &to(14, 0, None)).await,
        ErrorCode::OutsideTaAvailability
    );
    let (result, _) = reschedule(world.clone(), &actor(STUDENT_1, Role::Student), &to(14, 0, None)).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_2));
    let (result, _) = reschedule(world, &admin, &to(14, 30, Some(TA_1))).await;
    assert_eq!(result.unwrap().ta_id, user_id(TA_1), "the window ends at 14:30");
}
