//! Who may record attendance and until when (`check_attendance`, each refusal in the order the
//! checks run and at its exact bounds), and which marks a request may carry (`check_against`).

use chrono::{DateTime, TimeDelta, Utc};

use crate::attendance::{AttendanceMarks, AttendanceRefusal as R, MAX_MARKS, TA_MARKING_WINDOW, check_attendance};
use crate::booking::{Attendance, Booking, BookingStatus, Payment, Seat};
use crate::fixtures::*;
use crate::shared::{Actor, Role};

use super::support::*;

const SECOND: TimeDelta = TimeDelta::seconds(1);

fn session() -> Booking {
    per_session().bookings.remove(0)
}

fn check(who: &Actor, b: &Booking, at: DateTime<Utc>) -> Result<(), R> {
    check_attendance(who, b, at)
}

#[test]
fn the_ta_may_mark_from_the_start_instant_on() {
    let b = session();
    let start = b.interval.start();
    assert_eq!(check(&ta(), &b, start), Ok(()));
    assert_eq!(check(&admin(), &b, start), Ok(()));
    assert_eq!(check(&ta(), &b, start - SECOND), Err(R::NotStarted));
    assert_eq!(check(&admin(), &b, start - SECOND), Err(R::NotStarted));
}

#[test]
fn the_ta_may_change_marks_until_exactly_48_hours_after_the_end() {
    let b = session();
    let last = b.interval.end() + TA_MARKING_WINDOW;
    assert_eq!(TA_MARKING_WINDOW, TimeDelta::hours(48));
    assert_eq!(check(&ta(), &b, last), Ok(()));
    assert_eq!(check(&ta(), &b, last + SECOND), Err(R::Locked));
}

#[test]
fn an_admin_may_mark_at_any_time_after_the_start() {
    let b = session();
    assert_eq!(check(&admin(), &b, b.interval.end() + TimeDelta::days(400)), Ok(()));
}

#[test]
fn students_see_their_session_but_may_not_mark_it() {
    let b = session();
    assert_eq!(check(&actor(STUDENT_1, Role::Student), &b, now()), Err(R::Forbidden));
    assert_eq!(check(&actor(STUDENT_2, Role::Student), &b, now()), Err(R::NotVisible), "not seated");
}

#[test]
fn another_ta_or_organization_does_not_see_the_session() {
    let b = session();
    assert_eq!(check(&actor(TA_2, Role::Ta), &b, now()), Err(R::NotVisible));
    assert_eq!(check(&stranger(Role::Admin), &b, now()), Err(R::NotVisible));
}

#[test]
fn visibility_wins_over_every_other_refusal() {
    let mut b = session();
    b.status = BookingStatus::Cancelled;
    let before = b.interval.start() - SECOND;
    assert_eq!(check(&actor(TA_2, Role::Ta), &b, before), Err(R::NotVisible));
    assert_eq!(check(&actor(STUDENT_1, Role::Student), &b, before), Err(R::Forbidden), "then the role");
}

#[test]
fn a_cancelled_session_takes_no_attendance_whether_started_or_locked() {
    let mut b = session();
    b.status = BookingStatus::Cancelled;
    assert_eq!(check(&admin(), &b, now()), Err(R::Cancelled));
    assert_eq!(check(&ta(), &b, b.interval.start() - SECOND), Err(R::Cancelled));
    assert_eq!(check(&ta(), &b, b.interval.end() + TimeDelta::days(3)), Err(R::Cancelled));
}

fn group_of(students: u32) -> Booking {
    let mut b = group_session(SESSION, ended());
    b.capacity = students;
    for n in 0..students {
        let seat = Seat::new(b.id, id(1_000 + u128::from(n)), Payment::PerSession(b.price_per_student), now());
        b.seats.push(seat);
    }
    b.seats_taken = students;
    b
}

fn marking(students: impl IntoIterator<Item = u128>) -> AttendanceMarks {
    AttendanceMarks { seats: students.into_iter().map(|n| (id(n), Attendance::Present)).collect(), ta_no_show: None }
}

#[test]
fn a_request_marks_at_most_100_seats() {
    assert_eq!(MAX_MARKS, 100);
    let b = group_of(101);
    assert_eq!(marking(1_000..1_100).check_against(&b), Ok(()), "exactly 100");
    let errors = marking(1_000..1_101).check_against(&b).unwrap_err();
    assert_eq!(errors.fields().len(), 1);
    assert_eq!(errors.fields()[0].field, "seats");
}

#[test]
fn a_student_marked_twice_is_refused_at_the_second_mark() {
    let b = group().bookings.remove(0);
    let errors = marking([STUDENT_1, STUDENT_2, STUDENT_1]).check_against(&b).unwrap_err();
    let fields: Vec<_> = errors.fields().iter().map(|e| (e.field.as_str(), e.message.as_ref())).collect();
    assert_eq!(fields, [("seats[2].studentId", "is marked twice")]);
}

#[test]
fn only_seated_students_may_be_marked_and_every_problem_is_reported() {
    let b = group().bookings.remove(0);
    let errors = marking([STUDENT_1, 77, 78, 77]).check_against(&b).unwrap_err();
    let fields: Vec<_> = errors.fields().iter().map(|e| (e.field.as_str(), e.message.as_ref())).collect();
    assert_eq!(
        fields,
        [
            ("seats[1].studentId", "holds no seat in this session"),
            ("seats[2].studentId", "holds no seat in this session"),
            ("seats[3].studentId", "is marked twice"),
        ]
    );
}

#[test]
fn seated_students_once_each_or_no_marks_at_all_are_valid() {
    let b = group().bookings.remove(0);
    assert_eq!(marking([STUDENT_3, STUDENT_1, STUDENT_2]).check_against(&b), Ok(()));
    assert_eq!(AttendanceMarks::default().check_against(&b), Ok(()));
}
