//! Worlds and runners shared by the attendance tests. "Now" is the fixtures' Tuesday
//! 2026-12-01 08:00Z; the sessions marked ran 06:00–07:00 that morning.

use chrono::TimeDelta;

use crate::attendance::{AttendanceMarks, AttendanceService, RecordAttendanceError};
use crate::booking::{Attendance, Booking, Payment, Seat};
use crate::fixtures::*;
use crate::shared::{Actor, BookingId, Interval, Role};
use crate::test_world::{Harness, World, harness};

/// The session every test marks.
pub const SESSION: u128 = 500;
/// Student 1's bundle.
pub const BUNDLE: u128 = 100;
/// A third student, seated in group sessions.
pub const STUDENT_3: u128 = 15;

/// 06:00–07:00 on the fixtures' day: started and ended before now.
pub fn ended() -> Interval {
    interval(now() - TimeDelta::hours(2), 60)
}

/// The session's id.
pub fn session_id() -> BookingId {
    id(SESSION)
}

/// An individual session of TA 1 that ended, student 1's seat paid by bundle 100 (one of its
/// three credits spent on it).
pub fn bundle_session() -> World {
    let mut world = World::standard();
    world.bundles.push(bundle(BUNDLE, STUDENT_1));
    world.bundles[0].remaining_sessions = 2;
    let mut b = individual(SESSION, TA_1, STUDENT_1, ended());
    b.seats[0] = Seat::new(b.id, user_id(STUDENT_1), Payment::Bundle(id(BUNDLE)), now() - TimeDelta::days(2));
    world.bookings.push(b);
    world
}

/// The same session paid per session.
pub fn per_session() -> World {
    let mut world = World::standard();
    world.bookings.push(individual(SESSION, TA_1, STUDENT_1, ended()));
    world
}

/// A group session of TA 1 (capacity 3) that ended, with students 1 (bundle 100), 2 and 3
/// (per session) seated: full.
pub fn group() -> World {
    let mut world = World::standard().with_student(STUDENT_3);
    world.bundles.push(bundle(BUNDLE, STUDENT_1));
    world.bundles[0].remaining_sessions = 2;
    let mut session = group_session(SESSION, ended());
    let joined = now() - TimeDelta::days(2);
    session.seats.push(Seat::new(session.id, user_id(STUDENT_1), Payment::Bundle(id(BUNDLE)), joined));
    for student in [STUDENT_2, STUDENT_3] {
        let payment = Payment::PerSession(session.price_per_student);
        session.seats.push(Seat::new(session.id, user_id(student), payment, joined));
    }
    session.seats_taken = 3;
    session.status = crate::booking::BookingStatus::Full;
    world.bookings.push(session);
    world
}

/// Marks `student`'s seat as settled earlier: `mark` in round `round`, refunded when `refunded`.
pub fn settled(world: &mut World, student: u128, mark: Option<Attendance>, round: u32, refunded: bool) {
    let seat = world.bookings[0].seats.iter_mut().find(|s| s.student_id == user_id(student)).unwrap();
    seat.attendance = mark;
    seat.settlement_round = round;
    seat.refunded = refunded;
}

/// The marks of a request, the TA's no-show unchanged.
pub fn marks(seats: &[(u128, Attendance)]) -> AttendanceMarks {
    AttendanceMarks { seats: seats.iter().map(|(s, a)| (user_id(*s), *a)).collect(), ta_no_show: None }
}

/// A request that only says whether the TA came.
pub fn no_show(flag: bool) -> AttendanceMarks {
    AttendanceMarks { seats: vec![], ta_no_show: Some(flag) }
}

/// The session's TA.
pub fn ta() -> Actor {
    actor(TA_1, Role::Ta)
}

/// The organization's admin.
pub fn admin() -> Actor {
    actor(ADMIN, Role::Admin)
}

/// Records `marks` on the session as `who`, over `world`.
pub async fn record(
    world: World,
    who: &Actor,
    marks: &AttendanceMarks,
) -> (Result<Booking, RecordAttendanceError>, Harness) {
    let h = harness(world);
    let result = AttendanceService::new(h.core.clone()).record(who, session_id(), marks).await;
    (result, h)
}

/// The session as the world holds it now.
pub fn stored(h: &Harness) -> Booking {
    h.world.lock().unwrap().bookings.iter().find(|b| b.id == session_id()).unwrap().clone()
}

/// Bundle 100's credits left.
pub fn credits_left(h: &Harness) -> u32 {
    h.world.lock().unwrap().bundles.iter().find(|b| b.id == id(BUNDLE)).unwrap().remaining_sessions
}
