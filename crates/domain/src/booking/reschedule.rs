//! Who may move a booking and when (domain.md part 2, "Reschedule"), under the booking's own
//! policy, in the contract's order, and what a move changes: the interval and perhaps the TA,
//! never the id, seats, payments or ledger; `sequence` grows with every move,
//! `reschedule_count` with a student's.
//!
//! These are the rules that need only the booking; the scheduling rules of the new interval
//! (rules 1–5 of part 1, the students' overlaps, bundle validity) follow them.

use chrono::{DateTime, TimeDelta, Utc};

use super::model::{Booking, SessionType};
use crate::shared::{Actor, Interval, Role, UserId};

/// Why a reschedule is refused before its new interval is looked at, in the order the checks
/// run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RescheduleRefusal {
    /// The actor cannot see the booking (`not_found`).
    NotVisible,
    /// A student moving a group session (they leave it instead), or a TA or student naming a
    /// TA (`forbidden`).
    Forbidden,
    /// Already cancelled (`already_cancelled`).
    AlreadyCancelled,
    /// It has started (`booking_in_past`).
    Started,
    /// A student, less than the policy's reschedule window before the current start
    /// (`reschedule_window_passed`).
    WindowPassed,
    /// A student who used every reschedule the policy allows (`reschedule_limit_reached`).
    LimitReached,
}

/// Whether `actor` may move `booking` now; `names_ta` when the request names the TA to move it
/// to (an admin's choice only).
///
/// # Errors
/// The first check that fails.
pub fn check_reschedule(
    actor: &Actor,
    booking: &Booking,
    names_ta: bool,
    now: DateTime<Utc>,
) -> Result<(), RescheduleRefusal> {
    use RescheduleRefusal as R;
    let student = actor.role == Role::Student;
    if !booking.visible_to(actor) {
        return Err(R::NotVisible);
    }
    if (student && booking.session_type == SessionType::Group) || (names_ta && actor.role != Role::Admin) {
        return Err(R::Forbidden);
    }
    if !booking.is_active() {
        return Err(R::AlreadyCancelled);
    }
    if booking.has_started(now) {
        return Err(R::Started);
    }
    if student {
        let window = TimeDelta::hours(i64::from(booking.policy.reschedule_window_hours));
        if booking.interval.start() - now < window {
            return Err(R::WindowPassed);
        }
        if booking.reschedule_count >= booking.policy.max_reschedules {
            return Err(R::LimitReached);
        }
    }
    Ok(())
}

/// Whether another TA may be chosen automatically when the booking's TA is not free at the new
/// time: for an individual session moved by its student or an admin (a TA moving their own
/// session, and any group session, keep their TA or are refused).
pub fn may_choose_another_ta(by: Role, booking: &Booking) -> bool {
    booking.session_type == SessionType::Individual && by != Role::Ta
}

impl Booking {
    /// The booking moved to `interval` with `ta_id` by someone of role `by`: one more
    /// `sequence`, and one more `reschedule_count` when a student moved it.
    #[must_use]
    pub fn moved(mut self, interval: Interval, ta_id: UserId, by: Role) -> Self {
        self.interval = interval;
        self.ta_id = ta_id;
        self.sequence += 1;
        if by == Role::Student {
            self.reschedule_count += 1;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::{BookingPolicy, BookingStatus};
    use crate::fixtures::{
        ADMIN, STUDENT_1, STUDENT_2, TA_1, TA_2, actor, group_session, in_hours, individual, interval, now, user_id,
    };

    /// Student 1's individual session with TA 1, `hours` from now, under a 24 h reschedule
    /// window and two reschedules.
    fn booking(hours: i64) -> Booking {
        let mut b = individual(500, TA_1, STUDENT_1, interval(in_hours(hours), 60));
        b.policy = BookingPolicy { reschedule_window_hours: 24, max_reschedules: 2, ..BookingPolicy::default() };
        b
    }

    fn check(who: &Actor, b: &Booking, names_ta: bool) -> Result<(), RescheduleRefusal> {
        check_reschedule(who, b, names_ta, now())
    }

    #[test]
    fn admins_the_ta_and_the_student_may_move_an_individual_session() {
        let b = booking(48);
        assert_eq!(check(&actor(ADMIN, Role::Admin), &b, true), Ok(()), "an admin may name a TA");
        assert_eq!(check(&actor(TA_1, Role::Ta), &b, false), Ok(()));
        assert_eq!(check(&actor(STUDENT_1, Role::Student), &b, false), Ok(()));
    }

    #[test]
    fn refusals_come_in_the_contracts_order() {
        use RescheduleRefusal as R;
        let b = booking(48);
        assert_eq!(check(&actor(STUDENT_2, Role::Student), &b, false), Err(R::NotVisible));
        assert_eq!(check(&actor(TA_2, Role::Ta), &b, false), Err(R::NotVisible));
        assert_eq!(check(&actor(TA_1, Role::Ta), &b, true), Err(R::Forbidden), "only admins name a TA");
        assert_eq!(check(&actor(STUDENT_1, Role::Student), &b, true), Err(R::Forbidden));
        let mut cancelled = booking(1);
        cancelled.status = BookingStatus::Cancelled;
        cancelled.reschedule_count = 2;
        assert_eq!(check(&actor(STUDENT_1, Role::Student), &cancelled, false), Err(R::AlreadyCancelled));
        let started = booking(0);
        assert_eq!(check(&actor(ADMIN, Role::Admin), &started, false), Err(R::Started), "starting now has started");
        let mut late = booking(23);
        late.reschedule_count = 2;
        assert_eq!(check(&actor(STUDENT_1, Role::Student), &late, false), Err(R::WindowPassed));
        assert_eq!(check(&actor(ADMIN, Role::Admin), &late, false), Ok(()), "staff are not bound by the window");
        assert_eq!(check(&actor(TA_1, Role::Ta), &late, false), Ok(()));
    }

    #[test]
    fn a_student_moves_until_the_window_and_up_to_the_limit() {
        use RescheduleRefusal as R;
        let student = actor(STUDENT_1, Role::Student);
        assert_eq!(check(&student, &booking(24), false), Ok(()), "exactly the window before is still allowed");
        let mut used = booking(48);
        used.reschedule_count = 1;
        assert_eq!(check(&student, &used, false), Ok(()));
        used.reschedule_count = 2;
        assert_eq!(check(&student, &used, false), Err(R::LimitReached));
        assert_eq!(check(&actor(ADMIN, Role::Admin), &used, false), Ok(()), "the limit is the student's");
        let mut none = booking(48);
        none.policy.max_reschedules = 0;
        assert_eq!(check(&student, &none, false), Err(R::LimitReached));
    }

    #[test]
    fn students_leave_group_sessions_rather_than_move_them() {
        let mut session = group_session(600, interval(in_hours(48), 60));
        session.seats.push(crate::booking::Seat::new(
            session.id,
            user_id(STUDENT_1),
            crate::booking::Payment::PerSession(session.price_per_student),
            now(),
        ));
        assert_eq!(check(&actor(STUDENT_1, Role::Student), &session, false), Err(RescheduleRefusal::Forbidden));
        assert_eq!(check(&actor(ADMIN, Role::Admin), &session, false), Ok(()));
        assert!(!may_choose_another_ta(Role::Admin, &session), "a group session keeps its TA");
    }

    #[test]
    fn another_ta_is_chosen_only_for_an_individual_session_moved_by_its_student_or_an_admin() {
        let b = booking(48);
        assert!(may_choose_another_ta(Role::Student, &b));
        assert!(may_choose_another_ta(Role::Admin, &b));
        assert!(!may_choose_another_ta(Role::Ta, &b));
    }

    #[test]
    fn a_move_keeps_the_booking_and_counts_the_students_moves() {
        let b = booking(48);
        let to = interval(in_hours(72), 90);
        let by_student = b.clone().moved(to, user_id(TA_2), Role::Student);
        assert_eq!((by_student.interval, by_student.ta_id), (to, user_id(TA_2)));
        assert_eq!((by_student.sequence, by_student.reschedule_count), (1, 1));
        assert_eq!((by_student.id, &by_student.seats, by_student.policy), (b.id, &b.seats, b.policy));
        let by_admin = by_student.moved(interval(in_hours(96), 60), user_id(TA_1), Role::Admin);
        assert_eq!((by_admin.sequence, by_admin.reschedule_count), (2, 1), "an admin's move is not the student's");
        let by_ta = by_admin.moved(interval(in_hours(120), 60), user_id(TA_1), Role::Ta);
        assert_eq!((by_ta.sequence, by_ta.reschedule_count), (3, 1));
    }
}
