//! Recording a seat's first mark: its settlement written in the ledger as round 1 (bundle
//! seats) or as the seat's `refunded` flag (per-session seats), the seat's round moved on by a
//! conditional update, the booking completed once every seat is marked.

use crate::attendance::SeatMark;
use crate::audit::{AuditAction, TargetType};
use crate::booking::{Attendance, BookingPolicy, BookingStatus, LateOutcome};
use crate::bundles::LedgerKind;
use crate::fixtures::*;

use super::support::*;

fn first(student: u128, attendance: Attendance, refunded: bool) -> SeatMark {
    SeatMark { student_id: user_id(student), attendance: Some(attendance), from_round: 0, to_round: 1, refunded }
}

/// The kind and delta of the one ledger entry written.
fn settled_as(h: &crate::test_world::Harness) -> (LedgerKind, i32) {
    let w = h.written();
    assert_eq!(w.ledger.len(), 1);
    (w.ledger[0].kind, w.ledger[0].delta)
}

#[tokio::test]
async fn present_settles_the_credit_as_attended_and_completes_the_session() {
    let (result, h) = record(bundle_session(), &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    let booking = result.unwrap();
    assert_eq!(booking.status, BookingStatus::Completed);
    assert_eq!(booking.completed_at, Some(now()));
    assert_eq!(booking.seats[0].attendance, Some(Attendance::Present));
    assert_eq!((booking.seats[0].settlement_round, booking.seats[0].refunded), (1, false));
    let w = h.written();
    assert_eq!(w.marks, [(session_id(), first(STUDENT_1, Attendance::Present, false))]);
    let entry = &w.ledger[0];
    assert_eq!(w.ledger.len(), 1);
    assert_eq!((entry.kind, entry.delta, entry.settlement_round), (LedgerKind::Attended, 0, Some(1)));
    assert_eq!((entry.bundle_purchase_id, entry.booking_id, entry.created_at), (id(BUNDLE), Some(session_id()), now()));
    assert!(w.debits.is_empty() && w.refunds.is_empty());
    assert_eq!(w.outcomes, [(session_id(), false, Some(now()))]);
    assert_eq!(w.actions(), [AuditAction::LedgerAttended, AuditAction::AttendanceRecorded]);
    assert!(w.outbox.is_empty());
    drop(w);
    assert_eq!(credits_left(&h), 2, "the credit stays spent");
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn excused_gives_the_credit_back() {
    let (result, h) = record(bundle_session(), &ta(), &marks(&[(STUDENT_1, Attendance::Excused)])).await;
    assert!(result.unwrap().seats[0].refunded, "the seat shows it, as a cancellation's refund does");
    let w = h.written();
    assert_eq!(w.marks[0].1, first(STUDENT_1, Attendance::Excused, true));
    assert_eq!((w.ledger[0].kind, w.ledger[0].delta, w.ledger[0].settlement_round), (LedgerKind::Refund, 1, Some(1)));
    assert_eq!(w.refunds, [id(BUNDLE)]);
    assert_eq!(w.actions(), [AuditAction::LedgerRefund, AuditAction::AttendanceRecorded]);
    assert!(w.outbox.is_empty(), "only a TA's no-show tells the student of a refund");
    drop(w);
    assert_eq!(credits_left(&h), 3);
}

#[tokio::test]
async fn absent_forfeits_or_refunds_as_the_bookings_own_no_show_term_says() {
    let (_, h) = record(bundle_session(), &admin(), &marks(&[(STUDENT_1, Attendance::Absent)])).await;
    assert_eq!(settled_as(&h), (LedgerKind::Forfeit, 0));
    assert_eq!(h.written().actions(), [AuditAction::LedgerForfeit, AuditAction::AttendanceRecorded]);
    assert_eq!(credits_left(&h), 2);

    let mut world = bundle_session();
    world.bookings[0].policy = BookingPolicy { no_show: LateOutcome::Refund, ..BookingPolicy::default() };
    let (_, h) = record(world, &admin(), &marks(&[(STUDENT_1, Attendance::Absent)])).await;
    assert_eq!(settled_as(&h), (LedgerKind::Refund, 1));
    assert_eq!(credits_left(&h), 3);
}

#[tokio::test]
async fn a_seat_paid_per_session_is_settled_by_its_refunded_flag_without_ledger() {
    let (result, h) = record(per_session(), &ta(), &marks(&[(STUDENT_1, Attendance::Excused)])).await;
    assert!(result.unwrap().seats[0].refunded);
    {
        let w = h.written();
        assert_eq!(w.marks, [(session_id(), first(STUDENT_1, Attendance::Excused, true))]);
        assert!(w.ledger.is_empty() && w.refunds.is_empty());
        assert_eq!(w.actions(), [AuditAction::AttendanceRecorded]);
    }
    assert!(stored(&h).seats[0].refunded);

    let (result, h) = record(per_session(), &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    assert!(!result.unwrap().seats[0].refunded);
    assert_eq!(h.written().marks[0].1, first(STUDENT_1, Attendance::Present, false));
}

#[tokio::test]
async fn each_mark_is_audited_on_the_booking_with_the_seat_and_its_settlement() {
    let (_, h) = record(bundle_session(), &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    let w = h.written();
    let (ledger, seat) = (&w.audit[0], &w.audit[1]);
    assert_eq!((ledger.target_type, ledger.target_id), (TargetType::BundlePurchase, id(BUNDLE)));
    assert_eq!(
        ledger.detail.as_deref(),
        Some(format!("booking={} student={}", session_id(), user_id(STUDENT_1)).as_str())
    );
    assert_eq!((seat.target_type, seat.target_id), (TargetType::Booking, id(SESSION)));
    let detail = format!("student={} attendance=present previous=none settlement=attended", user_id(STUDENT_1));
    assert_eq!(seat.detail.as_deref(), Some(detail.as_str()));
    assert!(w.audit.iter().all(|e| e.actor_id == Some(user_id(TA_1))));
}

#[tokio::test]
async fn a_group_session_stays_open_or_full_until_every_seat_is_marked() {
    let (result, h) = record(group(), &ta(), &marks(&[(STUDENT_2, Attendance::Present)])).await;
    let booking = result.unwrap();
    assert_eq!((booking.status, booking.completed_at), (BookingStatus::Full, None));
    assert_eq!(booking.seats.len(), 3, "the TA sees every seat");
    assert!(h.written().outcomes.is_empty(), "nothing to write on the booking itself");
    assert_eq!(h.written().marks.len(), 1);

    let mut world = group();
    world.bookings[0].seats.pop();
    world.bookings[0].seats_taken = 2;
    world.bookings[0].status = BookingStatus::Open;
    let (result, _) = record(world, &ta(), &marks(&[(STUDENT_2, Attendance::Present)])).await;
    assert_eq!(result.unwrap().status, BookingStatus::Open);
}

#[tokio::test]
async fn marking_every_seat_of_a_group_session_completes_it_in_one_request() {
    let all =
        marks(&[(STUDENT_1, Attendance::Present), (STUDENT_2, Attendance::Absent), (STUDENT_3, Attendance::Excused)]);
    let (result, h) = record(group(), &admin(), &all).await;
    let booking = result.unwrap();
    assert_eq!((booking.status, booking.completed_at), (BookingStatus::Completed, Some(now())));
    assert_eq!(booking.seats.iter().map(|s| s.refunded).collect::<Vec<_>>(), [false, false, true]);
    let w = h.written();
    assert_eq!(w.marks.iter().map(|(_, m)| m.to_round).collect::<Vec<_>>(), [1, 1, 1]);
    assert_eq!(w.ledger.len(), 1, "only the bundle seat has a ledger");
    assert_eq!(w.actions().iter().filter(|a| **a == AuditAction::AttendanceRecorded).count(), 3);
    assert_eq!(w.outcomes, [(session_id(), false, Some(now()))]);
    drop(w);
    assert_eq!(stored(&h).status, BookingStatus::Completed);
}
