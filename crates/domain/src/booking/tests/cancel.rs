//! `BookingService::cancel`: who may cancel, refund or forfeit per seat, emails, waitlist.

use chrono::{DateTime, TimeDelta, Utc};

use crate::audit::AuditAction;
use crate::booking::{Booking, BookingService, BookingStatus, CancellationReason, Payment, Seat};
use crate::bundles::LedgerKind;
use crate::fixtures::*;
use crate::group_sessions::WaitlistEntry;
use crate::notifications::{EmailKind, EmailPayload};
use crate::shared::{Actor, BookingId, ErrorCode, Role, UseCaseError};
use crate::test_world::{Harness, World, harness};

/// A session starting `hours` after now, paid by student 1's bundle 100.
fn bundle_paid(hours: i64) -> (World, BookingId) {
    let mut world = World::standard();
    world.bundles.push(bundle(100, STUDENT_1));
    world.bundles[0].remaining_sessions = 2; // one credit spent on this booking
    let mut b = individual(500, TA_1, STUDENT_1, interval(in_hours(hours), 60));
    b.seats[0] = Seat::new(b.id, user_id(STUDENT_1), Payment::Bundle(id(100)), now());
    world.bookings.push(b);
    (world, id(500))
}

async fn cancel(world: World, who: &Actor, booking: BookingId) -> (Result<Booking, ErrorCode>, Harness) {
    let h = harness(world);
    let reason = Some(CancellationReason::parse("sick").unwrap());
    let result = BookingService::new(h.core.clone()).cancel(who, booking, reason).await.map_err(|e| e.code());
    (result, h)
}

fn refunded_flag(h: &Harness, email: &str) -> Option<Option<bool>> {
    h.written().outbox.iter().find(|m| m.recipient.as_str() == email).map(|m| match &m.payload {
        EmailPayload::Cancellation { refunded, .. } => *refunded,
        _ => panic!("not a cancellation email"),
    })
}

/// The TA name and reason of the cancellation email sent to `email`.
fn told(h: &Harness, email: &str) -> (String, Option<String>) {
    h.written().outbox.iter().find(|m| m.recipient.as_str() == email).map_or_else(
        || panic!("no email to {email}"),
        |m| match &m.payload {
            EmailPayload::Cancellation { session, reason, .. } => (session.ta_name.clone(), reason.clone()),
            _ => panic!("not a cancellation email"),
        },
    )
}

#[tokio::test]
async fn the_emails_name_the_sessions_ta_and_a_reason_only_when_one_was_given() {
    let (world, b) = bundle_paid(48);
    let ta_name = world.users.iter().find(|u| u.id == user_id(TA_1)).unwrap().name.to_string();
    let (_, h) = cancel(world.clone(), &actor(STUDENT_1, Role::Student), b).await;
    for recipient in ["user13@example.com", "user11@example.com"] {
        assert_eq!(told(&h, recipient), (ta_name.clone(), Some("sick".to_owned())), "{recipient}");
    }
    let h = harness(world);
    let empty = Some(CancellationReason::parse("").unwrap());
    BookingService::new(h.core.clone()).cancel(&actor(ADMIN, Role::Admin), b, empty).await.unwrap();
    assert_eq!(told(&h, "user13@example.com"), (ta_name, None), "an empty reason is no reason");
}

#[tokio::test]
async fn a_student_cancelling_early_gets_the_credit_back() {
    let (world, b) = bundle_paid(48);
    let (result, h) = cancel(world, &actor(STUDENT_1, Role::Student), b).await;
    let booking = result.unwrap();
    assert_eq!(booking.status, BookingStatus::Cancelled);
    assert_eq!(booking.cancelled_by, Some(user_id(STUDENT_1)));
    assert_eq!(booking.cancellation_reason.as_ref().map(|r| r.as_str()), Some("sick"));
    assert!(booking.seats[0].refunded);
    let w = h.written();
    assert_eq!(w.cancelled, vec![b]);
    assert_eq!(w.refunds, vec![id(100)]);
    assert_eq!((w.ledger[0].kind, w.ledger[0].delta, w.ledger[0].booking_id), (LedgerKind::Refund, 1, Some(b)));
    let mut recipients = w.emails(EmailKind::Cancellation);
    recipients.sort();
    assert_eq!(recipients, vec!["user11@example.com", "user13@example.com"]);
    assert_eq!(w.actions(), vec![AuditAction::LedgerRefund, AuditAction::BookingCancelled]);
    drop(w);
    assert_eq!(refunded_flag(&h, "user13@example.com"), Some(Some(true)));
    assert_eq!(refunded_flag(&h, "user11@example.com"), Some(None), "the TA's email says nothing of money");
    assert_eq!(h.commits(), 1);
    assert_eq!(h.counted(), vec![crate::shared::BusinessEvent::BookingCancelled]);
}

#[tokio::test]
async fn a_student_cancelling_inside_the_window_forfeits_the_credit() {
    let (world, b) = bundle_paid(23);
    let (result, h) = cancel(world, &actor(STUDENT_1, Role::Student), b).await;
    assert!(!result.unwrap().seats[0].refunded);
    let w = h.written();
    assert!(w.refunds.is_empty());
    assert_eq!((w.ledger[0].kind, w.ledger[0].delta), (LedgerKind::Forfeit, 0));
    assert_eq!(w.actions(), vec![AuditAction::LedgerForfeit, AuditAction::BookingCancelled]);
    drop(w);
    assert_eq!(refunded_flag(&h, "user13@example.com"), Some(Some(false)));
}

#[tokio::test]
async fn a_cancellation_follows_the_bookings_own_terms_not_todays_settings() {
    use crate::booking::{BookingPolicy, LateOutcome};
    // Booked under 48 h and a refund for late cancellations; the organization now says 24 h
    // and forfeit (its defaults): 30 h before is late under the booking's terms, and refunded.
    let (mut world, b) = bundle_paid(30);
    world.bookings[0].policy = BookingPolicy {
        cancellation_window_hours: 48,
        late_cancellation: LateOutcome::Refund,
        ..BookingPolicy::default()
    };
    let (result, h) = cancel(world.clone(), &actor(STUDENT_1, Role::Student), b).await;
    assert!(result.unwrap().seats[0].refunded, "late, but the booking's terms refund");
    assert_eq!(h.written().ledger[0].kind, LedgerKind::Refund);
    // The same terms with forfeit: 30 h before a 48 h window forfeits, although the
    // organization's 24 h window would have refunded.
    world.bookings[0].policy.late_cancellation = LateOutcome::Forfeit;
    let (_, h) = cancel(world, &actor(STUDENT_1, Role::Student), b).await;
    assert_eq!(h.written().ledger[0].kind, LedgerKind::Forfeit);
}

#[tokio::test]
async fn the_window_boundary_still_refunds() {
    let (world, b) = bundle_paid(24);
    let (_, h) = cancel(world, &actor(STUDENT_1, Role::Student), b).await;
    assert_eq!(h.written().ledger[0].kind, LedgerKind::Refund, "exactly 24 h before is at least the window");
}

#[tokio::test]
async fn staff_cancelling_late_always_refund() {
    for who in [actor(TA_1, Role::Ta), actor(ADMIN, Role::Admin)] {
        let (world, b) = bundle_paid(2);
        let (_, h) = cancel(world, &who, b).await;
        assert_eq!(h.written().refunds, vec![id(100)], "{:?}", who.role);
    }
}

#[tokio::test]
async fn per_session_seats_are_marked_refunded_without_ledger() {
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_1, interval(in_hours(48), 60)));
    let (result, h) = cancel(world, &actor(STUDENT_1, Role::Student), id(500)).await;
    assert!(result.unwrap().seats[0].refunded);
    let w = h.written();
    assert_eq!(w.seats_refunded, vec![(id(500), user_id(STUDENT_1))]);
    assert!(w.ledger.is_empty());
}

#[tokio::test]
async fn only_those_who_see_it_may_cancel() {
    let (world, b) = bundle_paid(48);
    for who in [actor(STUDENT_2, Role::Student), actor(TA_2, Role::Ta), stranger(Role::Admin)] {
        let (result, h) = cancel(world.clone(), &who, b).await;
        assert_eq!(result.unwrap_err(), ErrorCode::NotFound, "{:?}", who.role);
        assert!(h.written().is_empty());
        assert!(h.counted().is_empty());
    }
}

#[tokio::test]
async fn students_leave_group_sessions_instead_of_cancelling() {
    let mut world = World::standard();
    let mut session = group_session(600, interval(in_hours(48), 60));
    session.seats.push(Seat::new(
        session.id,
        user_id(STUDENT_1),
        Payment::PerSession(session.price_per_student),
        now(),
    ));
    session.seats_taken = 1;
    world.bookings.push(session);
    let (result, h) = cancel(world, &actor(STUDENT_1, Role::Student), id(600)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::Forbidden);
    assert!(h.written().is_empty());
}

#[tokio::test]
async fn cancelled_or_started_bookings_cannot_be_cancelled() {
    let (mut world, b) = bundle_paid(48);
    world.bookings[0].status = BookingStatus::Cancelled;
    assert_eq!(cancel(world, &actor(ADMIN, Role::Admin), b).await.0.unwrap_err(), ErrorCode::AlreadyCancelled);
    let mut world = World::standard();
    world.bookings.push(individual(500, TA_1, STUDENT_1, interval(now() - TimeDelta::minutes(5), 60)));
    let (result, h) = cancel(world, &actor(ADMIN, Role::Admin), id(500)).await;
    assert_eq!(result.unwrap_err(), ErrorCode::BookingInPast);
    assert!(h.written().is_empty());
}

#[tokio::test]
async fn cancelling_a_group_session_refunds_everyone_and_empties_the_waitlist() {
    let mut world = World::standard().with_student(15);
    world.bundles.push(bundle(100, STUDENT_1));
    world.bundles[0].remaining_sessions = 2;
    let start: DateTime<Utc> = in_hours(3);
    let mut session = group_session(600, interval(start, 60));
    session.seats.push(Seat::new(session.id, user_id(STUDENT_1), Payment::Bundle(id(100)), now()));
    session.seats.push(Seat::new(
        session.id,
        user_id(STUDENT_2),
        Payment::PerSession(session.price_per_student),
        now(),
    ));
    session.seats.push(Seat::new(session.id, user_id(15), Payment::PerSession(session.price_per_student), now()));
    session.seats_taken = 3;
    session.status = BookingStatus::Full;
    world.bookings.push(session);
    world.waitlist.push(WaitlistEntry {
        id: id(700),
        organization_id: org_id(),
        booking_id: id(600),
        student_id: user_id(16),
        bundle_purchase_id: None,
        created_at: now(),
    });
    let (result, h) = cancel(world, &actor(TA_1, Role::Ta), id(600)).await;
    let booking = result.unwrap();
    assert!(booking.seats.iter().all(|s| s.refunded));
    let w = h.written();
    assert_eq!(w.refunds, vec![id(100)]);
    assert_eq!(w.seats_refunded.len(), 3);
    assert_eq!(w.waitlist_cleared, vec![id(600)]);
    let mut recipients = w.emails(EmailKind::Cancellation);
    recipients.sort();
    assert_eq!(
        recipients,
        vec!["user11@example.com", "user13@example.com", "user14@example.com", "user15@example.com"]
    );
}

#[tokio::test]
async fn a_cancellation_lost_to_a_concurrent_one_is_already_cancelled() {
    // The row read says active, but a concurrent cancellation committed first: the conditional
    // update refuses, and nothing (no refund, no email) commits.
    let (world, b) = bundle_paid(48);
    let booking = world.bookings[0].clone();
    let mut store = crate::testing::MockStore::new();
    store.bookings.expect_lock().returning(move |_, _| Ok(Some(booking.clone())));
    store.organizations.expect_get().returning(|_| Ok(Some(org())));
    store.courses.expect_get().returning(|_, _| Ok(Some(course())));
    store.bookings.expect_cancel().times(1).returning(|_, _, _, _, _| Ok(false));
    store.bundles.expect_refund().never();
    store.outbox.expect_enqueue().never();
    let store = std::sync::Arc::new(store);
    let core = crate::core::Core::new(
        store.clone(),
        std::sync::Arc::new(crate::shared::FixedClock(now())),
        std::sync::Arc::new(crate::testing::SequentialIds::default()),
    );
    let err = BookingService::new(core).cancel(&actor(ADMIN, Role::Admin), b, None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyCancelled);
    assert_eq!(store.commits(), 0);
}
