//! The TA's no-show: it refunds every seat whatever its mark (bundle credits in the ledger,
//! per-session payments by the seat's flag) and completes the session; only students it newly
//! refunds are told. Withdrawing it settles each seat by its own mark again.

use crate::audit::AuditAction;
use crate::booking::{Attendance, BookingStatus};
use crate::bundles::LedgerKind;
use crate::fixtures::*;
use crate::notifications::{EmailKind, EmailPayload};
use crate::test_world::World;

use super::support::*;

/// The full group session with student 1 (bundle) unmarked, student 2 (per session) present,
/// student 3 (per session) excused and refunded.
fn half_marked() -> World {
    let mut world = group();
    settled(&mut world, STUDENT_2, Some(Attendance::Present), 1, false);
    settled(&mut world, STUDENT_3, Some(Attendance::Excused), 1, true);
    world
}

#[tokio::test]
async fn a_ta_no_show_refunds_every_seat_and_completes_the_session() {
    let (result, h) = record(half_marked(), &ta(), &no_show(true)).await;
    let booking = result.unwrap();
    assert!(booking.ta_no_show);
    assert_eq!((booking.status, booking.completed_at), (BookingStatus::Completed, Some(now())));
    assert_eq!(booking.seats.iter().map(|s| s.settlement_round).collect::<Vec<_>>(), [1, 2, 1]);
    assert_eq!(booking.seats.iter().map(|s| s.refunded).collect::<Vec<_>>(), [true, true, true]);
    assert_eq!(booking.seats[0].attendance, None, "the no-show marks no seat");
    let w = h.written();
    let ledger: Vec<_> = w.ledger.iter().map(|e| (e.kind, e.delta, e.settlement_round)).collect();
    assert_eq!(ledger, [(LedgerKind::Refund, 1, Some(1))], "student 1's credit; student 2 is paid per session");
    let marked: Vec<_> = w.marks.iter().map(|(_, m)| (m.student_id, m.attendance, m.to_round, m.refunded)).collect();
    assert_eq!(
        marked,
        [(user_id(STUDENT_1), None, 1, true), (user_id(STUDENT_2), Some(Attendance::Present), 2, true)],
        "student 3 was refunded already"
    );
    assert_eq!(w.outcomes, [(session_id(), true, Some(now()))]);
    let actions = [
        AuditAction::LedgerRefund,
        AuditAction::AttendanceRecorded,
        AuditAction::AttendanceRecorded,
        AuditAction::AttendanceRecorded,
    ];
    assert_eq!(w.actions(), actions);
    assert_eq!(w.audit[3].detail.as_deref(), Some("taNoShow=true"));
    drop(w);
    assert_eq!(credits_left(&h), 3);
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn only_students_the_no_show_newly_refunds_are_told() {
    let (_, h) = record(half_marked(), &ta(), &no_show(true)).await;
    let w = h.written();
    let mut told = w.emails(EmailKind::TaNoShowRefund);
    told.sort();
    assert_eq!(told, ["user13@example.com", "user14@example.com"]);
    assert_eq!(w.outbox.len(), 2, "nothing to the TA or to student 3");
    let EmailPayload::TaNoShowRefund { session } = &w.outbox[0].payload else { panic!("not a refund email") };
    assert_eq!((session.booking_id, session.course_title.as_str()), (session_id(), "Algebra"));
    assert_eq!((session.ta_name.as_str(), session.starts_at), ("User 11", ended().start()));
}

#[tokio::test]
async fn marks_given_with_the_no_show_are_recorded_but_settle_as_refunds() {
    let mut request = marks(&[(STUDENT_1, Attendance::Present)]);
    request.ta_no_show = Some(true);
    let (result, h) = record(bundle_session(), &ta(), &request).await;
    let seat = &result.unwrap().seats[0];
    assert_eq!((seat.attendance, seat.settlement_round), (Some(Attendance::Present), 1));
    let detail = format!("student={} attendance=present previous=none settlement=refund", user_id(STUDENT_1));
    assert_eq!(h.written().audit[1].detail.as_deref(), Some(detail.as_str()));
    assert_eq!(h.written().emails(EmailKind::TaNoShowRefund), ["user13@example.com"]);
}

#[tokio::test]
async fn marking_a_seat_under_a_recorded_no_show_tells_nobody_and_moves_no_credit() {
    let mut world = bundle_session();
    world.bookings[0].ta_no_show = true;
    world.bookings[0].completed_at = Some(now());
    settled(&mut world, STUDENT_1, None, 1, true);
    world.bundles[0].remaining_sessions = 3;
    let (result, h) = record(world, &ta(), &marks(&[(STUDENT_1, Attendance::Absent)])).await;
    assert_eq!(result.unwrap().seats[0].settlement_round, 1);
    let w = h.written();
    assert!(w.outbox.is_empty() && w.ledger.is_empty() && w.outcomes.is_empty());
    assert_eq!(w.actions(), [AuditAction::AttendanceRecorded]);
}

#[tokio::test]
async fn the_no_show_said_again_writes_nothing() {
    let mut world = bundle_session();
    world.bookings[0].ta_no_show = true;
    world.bookings[0].completed_at = Some(now());
    settled(&mut world, STUDENT_1, None, 1, true);
    let (result, h) = record(world, &ta(), &no_show(true)).await;
    assert!(result.unwrap().ta_no_show);
    assert!(h.written().is_empty(), "{:?}", *h.written());
}

/// [`half_marked`] after the TA's no-show was recorded.
fn after_no_show() -> World {
    let mut world = half_marked();
    world.bookings[0].ta_no_show = true;
    world.bookings[0].completed_at = Some(now());
    world.bookings[0].status = BookingStatus::Completed;
    settled(&mut world, STUDENT_1, None, 1, true);
    settled(&mut world, STUDENT_2, Some(Attendance::Present), 2, true);
    world.bundles[0].remaining_sessions = 3;
    world
}

#[tokio::test]
async fn withdrawing_the_no_show_settles_each_seat_by_its_mark_again() {
    let (result, h) = record(after_no_show(), &admin(), &no_show(false)).await;
    let booking = result.unwrap();
    assert!(!booking.ta_no_show);
    assert_eq!((booking.status, booking.completed_at), (BookingStatus::Full, None), "student 1 is unmarked");
    assert_eq!(booking.seats.iter().map(|s| s.refunded).collect::<Vec<_>>(), [false, false, true]);
    assert_eq!(
        booking.seats.iter().map(|s| s.settlement_round).collect::<Vec<_>>(),
        [1, 3, 1],
        "a reversal with no new settlement leaves the seat at the reversed round"
    );
    let w = h.written();
    let marked: Vec<_> = w.marks.iter().map(|(_, m)| (m.student_id, m.from_round, m.to_round, m.refunded)).collect();
    assert_eq!(marked, [(user_id(STUDENT_1), 1, 1, false), (user_id(STUDENT_2), 2, 3, false)]);
    let ledger: Vec<_> = w.ledger.iter().map(|e| (e.kind, e.delta, e.settlement_round)).collect();
    assert_eq!(ledger, [(LedgerKind::Reversal, -1, Some(1))], "an unmarked seat has nothing to settle");
    assert_eq!(w.debits, [id(BUNDLE)]);
    assert_eq!(w.outcomes, [(session_id(), false, None)]);
    assert!(w.outbox.is_empty());
    assert_eq!(w.audit.last().unwrap().detail.as_deref(), Some("taNoShow=false"));
    drop(w);
    assert_eq!(credits_left(&h), 2);
    assert_eq!(stored(&h).status, BookingStatus::Full);
}

#[tokio::test]
async fn a_withdrawn_no_show_puts_an_individual_session_back_to_booked() {
    let mut world = bundle_session();
    world.bookings[0].ta_no_show = true;
    world.bookings[0].completed_at = Some(now());
    world.bookings[0].status = BookingStatus::Completed;
    settled(&mut world, STUDENT_1, None, 1, true);
    world.bundles[0].remaining_sessions = 3;
    let (result, _) = record(world, &ta(), &no_show(false)).await;
    assert_eq!(result.unwrap().status, BookingStatus::Booked);
}

#[tokio::test]
async fn withdrawing_a_no_show_whose_credit_was_spent_is_refused_whole() {
    let mut world = after_no_show();
    world.bundles[0].remaining_sessions = 0;
    let (result, h) = record(world, &admin(), &no_show(false)).await;
    assert_eq!(crate::shared::UseCaseError::code(&result.unwrap_err()), crate::shared::ErrorCode::BundleExhausted);
    assert_eq!(h.commits(), 0);
}
