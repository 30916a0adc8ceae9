//! Changing a mark: the settlement in force is reversed in its round and the new one written in
//! the next; the same mark again writes nothing; reversing a refund takes the credit back
//! (`bundle_exhausted` when it was spent since); a seat settled concurrently is decided again.

use chrono::TimeDelta;

use crate::attendance::SeatMark;
use crate::audit::AuditAction;
use crate::booking::{Attendance, BookingPolicy, BookingStatus, LateOutcome};
use crate::bundles::LedgerKind;
use crate::fixtures::*;
use crate::shared::{ErrorCode, UseCaseError};
use crate::test_world::World;

use super::support::*;

/// The bundle session completed an hour ago with student 1 marked `mark` in round 1.
fn marked(mark: Attendance) -> World {
    let mut world = bundle_session();
    let refund = mark == Attendance::Excused;
    settled(&mut world, STUDENT_1, Some(mark), 1, refund);
    world.bookings[0].completed_at = Some(now() - TimeDelta::hours(1));
    world.bookings[0].status = BookingStatus::Completed;
    if refund {
        world.bundles[0].remaining_sessions = 3;
    }
    world
}

fn kinds(h: &crate::test_world::Harness) -> Vec<(LedgerKind, i32, Option<u32>)> {
    h.written().ledger.iter().map(|e| (e.kind, e.delta, e.settlement_round)).collect()
}

#[tokio::test]
async fn a_changed_mark_reverses_the_settlement_in_force_and_writes_the_next_round() {
    let (result, h) = record(marked(Attendance::Present), &ta(), &marks(&[(STUDENT_1, Attendance::Absent)])).await;
    let booking = result.unwrap();
    assert_eq!(kinds(&h), [(LedgerKind::Reversal, 0, Some(1)), (LedgerKind::Forfeit, 0, Some(2))]);
    let mark = SeatMark {
        student_id: user_id(STUDENT_1),
        attendance: Some(Attendance::Absent),
        from_round: 1,
        to_round: 2,
        refunded: false,
    };
    let w = h.written();
    assert_eq!(w.marks, [(session_id(), mark)]);
    assert_eq!(w.actions(), [AuditAction::LedgerReversal, AuditAction::LedgerForfeit, AuditAction::AttendanceRecorded]);
    let reversed = format!("booking={} student={} reversed=attended", session_id(), user_id(STUDENT_1));
    assert_eq!(w.audit[0].detail.as_deref(), Some(reversed.as_str()));
    let detail = format!("student={} attendance=absent previous=present settlement=forfeit", user_id(STUDENT_1));
    assert_eq!(w.audit[2].detail.as_deref(), Some(detail.as_str()));
    assert!(w.outcomes.is_empty(), "still complete, since the first completion");
    drop(w);
    assert_eq!(booking.completed_at, Some(now() - TimeDelta::hours(1)));
    assert_eq!((booking.status, booking.seats[0].settlement_round), (BookingStatus::Completed, 2));
    assert_eq!(credits_left(&h), 2);
}

#[tokio::test]
async fn a_reversal_keeps_the_settled_entrys_bundle_and_booking() {
    let (_, h) = record(marked(Attendance::Present), &ta(), &marks(&[(STUDENT_1, Attendance::Excused)])).await;
    let w = h.written();
    assert!(w.ledger.iter().all(|e| e.bundle_purchase_id == id(BUNDLE) && e.booking_id == Some(session_id())));
    assert!(w.ledger.iter().all(|e| e.created_at == now()));
    assert_eq!(w.refunds, [id(BUNDLE)]);
    drop(w);
    assert_eq!(kinds(&h), [(LedgerKind::Reversal, 0, Some(1)), (LedgerKind::Refund, 1, Some(2))]);
    assert_eq!(credits_left(&h), 3);
}

#[tokio::test]
async fn reversing_a_refund_takes_the_credit_back() {
    let (result, h) = record(marked(Attendance::Excused), &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    assert_eq!(result.unwrap().seats[0].attendance, Some(Attendance::Present));
    assert_eq!(kinds(&h), [(LedgerKind::Reversal, -1, Some(1)), (LedgerKind::Attended, 0, Some(2))]);
    assert_eq!(h.written().debits, [id(BUNDLE)]);
    assert_eq!(credits_left(&h), 2);
}

#[tokio::test]
async fn a_refund_whose_credit_was_spent_since_cannot_be_reversed_and_nothing_is_committed() {
    let mut world = marked(Attendance::Excused);
    world.bundles[0].remaining_sessions = 0;
    let (result, h) = record(world, &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    assert_eq!(result.unwrap_err().code(), ErrorCode::BundleExhausted);
    assert_eq!(h.commits(), 0);
    assert!(h.written().marks.is_empty());
    assert!(h.written().ledger.is_empty());

    let mut world = marked(Attendance::Excused);
    world.debit_fails.push(id(BUNDLE));
    let (result, h) = record(world, &admin(), &marks(&[(STUDENT_1, Attendance::Absent)])).await;
    assert_eq!(result.unwrap_err().code(), ErrorCode::BundleExhausted, "spent concurrently");
    assert_eq!(h.commits(), 0);
}

#[tokio::test]
async fn the_same_mark_again_writes_nothing() {
    let (result, h) = record(marked(Attendance::Present), &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    assert_eq!(result.unwrap().seats[0].settlement_round, 1);
    assert!(h.written().is_empty(), "{:?}", *h.written());
}

#[tokio::test]
async fn a_new_mark_with_the_same_settlement_is_written_in_the_same_round_without_ledger() {
    let mut world = marked(Attendance::Absent);
    world.bookings[0].policy = BookingPolicy { no_show: LateOutcome::Refund, ..BookingPolicy::default() };
    world.bundles[0].remaining_sessions = 3;
    let (result, h) = record(world, &ta(), &marks(&[(STUDENT_1, Attendance::Excused)])).await;
    assert_eq!(result.unwrap().seats[0].settlement_round, 1);
    let w = h.written();
    let (from, to) = (w.marks[0].1.from_round, w.marks[0].1.to_round);
    assert_eq!((from, to, w.marks[0].1.refunded), (1, 1, true));
    assert!(w.ledger.is_empty() && w.refunds.is_empty() && w.debits.is_empty());
    assert_eq!(w.actions(), [AuditAction::AttendanceRecorded]);
}

#[tokio::test]
async fn seats_not_in_the_request_keep_their_marks() {
    let mut world = group();
    settled(&mut world, STUDENT_1, Some(Attendance::Present), 1, false);
    let (result, h) = record(world, &ta(), &marks(&[(STUDENT_2, Attendance::Absent)])).await;
    let booking = result.unwrap();
    assert_eq!(booking.seats[0].attendance, Some(Attendance::Present));
    assert_eq!(booking.seats[0].settlement_round, 1);
    let w = h.written();
    assert_eq!(w.marks.iter().map(|(_, m)| m.student_id).collect::<Vec<_>>(), [user_id(STUDENT_2)]);
    assert!(w.ledger.is_empty());
}

#[tokio::test]
async fn a_seat_settled_concurrently_is_decided_again_on_fresh_data() {
    let mut world = bundle_session();
    world.mark_races.push((user_id(STUDENT_1), Attendance::Absent));
    let (result, h) = record(world, &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    let booking = result.unwrap();
    assert_eq!(h.store.begun(), 2, "the first attempt found the round moved on");
    assert_eq!(h.commits(), 1);
    assert_eq!((booking.seats[0].attendance, booking.seats[0].settlement_round), (Some(Attendance::Present), 2));
    let w = h.written();
    assert_eq!(w.marks.len(), 1);
    assert_eq!((w.marks[0].1.from_round, w.marks[0].1.to_round), (1, 2));
    // The first attempt's entry was rolled back with its transaction; the retry reverses the
    // other writer's forfeit of round 1 and settles round 2.
    let last: Vec<_> = w.ledger[1..].iter().map(|e| (e.kind, e.settlement_round)).collect();
    assert_eq!(last, [(LedgerKind::Reversal, Some(1)), (LedgerKind::Attended, Some(2))]);
    drop(w);
    assert_eq!(stored(&h).seats[0].attendance, Some(Attendance::Present));
}

#[tokio::test]
async fn a_seat_that_keeps_moving_under_us_gives_up_after_the_retries() {
    let mut world = bundle_session();
    world.mark_races = vec![(user_id(STUDENT_1), Attendance::Absent); 5];
    let (result, h) = record(world, &ta(), &marks(&[(STUDENT_1, Attendance::Present)])).await;
    let err = result.unwrap_err();
    assert!(err.is_transient());
    assert_eq!(err.code(), ErrorCode::InternalError);
    assert_eq!((h.store.begun(), h.commits()), (5, 0));
    assert!(h.written().marks.is_empty());
}
