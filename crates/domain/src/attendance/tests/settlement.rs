//! The settlement of a seat for every mark, `noShow` policy and TA no-show, and when a booking
//! counts as complete.

use crate::attendance::{SeatOutcome, is_complete, settlement};
use crate::booking::{Attendance, BookingPolicy, LateOutcome};
use crate::fixtures::*;

use super::support::*;

fn policy(no_show: LateOutcome) -> BookingPolicy {
    BookingPolicy { no_show, ..BookingPolicy::default() }
}

#[test]
fn each_mark_settles_per_the_no_show_policy_and_a_ta_no_show_refunds_every_seat() {
    use Attendance::{Absent, Excused, Present};
    use LateOutcome::{Forfeit, Refund};
    use SeatOutcome as O;
    let table: [(Option<Attendance>, LateOutcome, bool, Option<SeatOutcome>); 16] = [
        (None, Forfeit, false, None),
        (None, Refund, false, None),
        (Some(Present), Forfeit, false, Some(O::Attended)),
        (Some(Present), Refund, false, Some(O::Attended)),
        (Some(Absent), Forfeit, false, Some(O::Forfeit)),
        (Some(Absent), Refund, false, Some(O::Refund)),
        (Some(Excused), Forfeit, false, Some(O::Refund)),
        (Some(Excused), Refund, false, Some(O::Refund)),
        (None, Forfeit, true, Some(O::Refund)),
        (None, Refund, true, Some(O::Refund)),
        (Some(Present), Forfeit, true, Some(O::Refund)),
        (Some(Present), Refund, true, Some(O::Refund)),
        (Some(Absent), Forfeit, true, Some(O::Refund)),
        (Some(Absent), Refund, true, Some(O::Refund)),
        (Some(Excused), Forfeit, true, Some(O::Refund)),
        (Some(Excused), Refund, true, Some(O::Refund)),
    ];
    for (mark, no_show, ta_no_show, expected) in table {
        assert_eq!(
            settlement(mark, ta_no_show, &policy(no_show)),
            expected,
            "{mark:?} {no_show:?} taNoShow={ta_no_show}"
        );
    }
}

#[test]
fn outcomes_are_named_as_the_ledger_names_them() {
    let names: Vec<_> =
        [SeatOutcome::Attended, SeatOutcome::Forfeit, SeatOutcome::Refund].map(SeatOutcome::as_str).into();
    assert_eq!(names, ["attended", "forfeit", "refund"]);
}

#[test]
fn a_booking_is_complete_once_every_seat_is_marked() {
    let mut b = group().bookings.remove(0);
    assert!(!is_complete(&b), "no seat marked");
    b.seats[0].attendance = Some(Attendance::Present);
    b.seats[1].attendance = Some(Attendance::Absent);
    assert!(!is_complete(&b), "one seat left");
    b.seats[2].attendance = Some(Attendance::Excused);
    assert!(is_complete(&b));
}

#[test]
fn a_ta_no_show_completes_a_booking_whatever_its_marks() {
    let mut b = group().bookings.remove(0);
    b.ta_no_show = true;
    assert!(is_complete(&b));
}

#[test]
fn a_session_without_seats_has_nothing_left_to_mark() {
    assert!(is_complete(&group_session(SESSION, ended())));
}
