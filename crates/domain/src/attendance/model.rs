//! The rules of attendance: who may mark a booking and until when, what each mark does to the
//! seat's payment, and which marks a request may carry.

use chrono::{DateTime, TimeDelta, Utc};

use crate::booking::{Attendance, Booking, BookingPolicy, LateOutcome};
use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};
use crate::shared::{Actor, Role, UserId};

/// How long after a session's end its TA may still change its marks (admins: any time).
pub const TA_MARKING_WINDOW: TimeDelta = TimeDelta::hours(48);

/// The most seats one request may mark (a group session's largest capacity).
pub const MAX_MARKS: usize = 100;

/// What a seat's settlement does to its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeatOutcome {
    /// The lesson took place: the credit (or payment) stays spent (`attended`, delta 0).
    Attended,
    /// A no-show that keeps the credit spent (`forfeit`, delta 0).
    Forfeit,
    /// The credit comes back (`refund`, +1) or the per-session payment is refunded.
    Refund,
}

impl SeatOutcome {
    /// `attended`, `forfeit` or `refund`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Attended => "attended",
            Self::Forfeit => "forfeit",
            Self::Refund => "refund",
        }
    }
}

/// The settlement of a seat marked `attendance` (`None`: not marked yet) in a session whose TA
/// did (`ta_no_show = false`) or did not come, under the booking's `policy`: a TA's no-show
/// refunds every seat whatever its mark; `present` keeps the credit spent; `excused` refunds;
/// `absent` follows the policy's `noShow`. An unmarked seat of a session the TA attended is
/// not settled yet.
pub fn settlement(attendance: Option<Attendance>, ta_no_show: bool, policy: &BookingPolicy) -> Option<SeatOutcome> {
    if ta_no_show {
        return Some(SeatOutcome::Refund);
    }
    attendance.map(|mark| match mark {
        Attendance::Present => SeatOutcome::Attended,
        Attendance::Excused => SeatOutcome::Refund,
        Attendance::Absent => match policy.no_show {
            LateOutcome::Forfeit => SeatOutcome::Forfeit,
            LateOutcome::Refund => SeatOutcome::Refund,
        },
    })
}

/// Why attendance cannot be recorded, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceRefusal {
    /// The actor cannot see the booking (`not_found`).
    NotVisible,
    /// The actor is not its TA or an admin (`forbidden`).
    Forbidden,
    /// The booking was cancelled (`already_cancelled`).
    Cancelled,
    /// The session has not started (`booking_not_started`).
    NotStarted,
    /// The TA's window to mark it closed 48 hours after the end (`attendance_locked`).
    Locked,
}

/// Whether `actor` may record attendance of `booking` at `now`: an admin once the session
/// started, its TA from the start until [`TA_MARKING_WINDOW`] after the end.
///
/// # Errors
/// The first check that fails.
pub fn check_attendance(actor: &Actor, booking: &Booking, now: DateTime<Utc>) -> Result<(), AttendanceRefusal> {
    if !booking.visible_to(actor) {
        Err(AttendanceRefusal::NotVisible)
    } else if !matches!(actor.role, Role::Admin | Role::Ta) {
        Err(AttendanceRefusal::Forbidden)
    } else if !booking.is_active() {
        Err(AttendanceRefusal::Cancelled)
    } else if !booking.has_started(now) {
        Err(AttendanceRefusal::NotStarted)
    } else if actor.role == Role::Ta && now > booking.interval.end() + TA_MARKING_WINDOW {
        Err(AttendanceRefusal::Locked)
    } else {
        Ok(())
    }
}

/// The marks of one request (`PUT /bookings/{id}/attendance`): seats to mark, and the TA's
/// no-show when the request says it (`None`: unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttendanceMarks {
    /// Each student's mark, at most one per student.
    pub seats: Vec<(UserId, Attendance)>,
    /// Whether the TA did not come, when given.
    pub ta_no_show: Option<bool>,
}

impl AttendanceMarks {
    /// Checks the marks against the booking: at most [`MAX_MARKS`], each student once and
    /// seated in it.
    ///
    /// # Errors
    /// Every problem found, by field (`seats[i].studentId`).
    pub fn check_against(&self, booking: &Booking) -> Result<(), ValidationErrors> {
        let mut v = Validator::default();
        if self.seats.len() > MAX_MARKS {
            v.refuse("seats", InvalidValue(format!("must hold at most {MAX_MARKS} marks").into()));
        }
        for (i, (student, _)) in self.seats.iter().enumerate() {
            let field = format!("seats[{i}].studentId");
            if self.seats[..i].iter().any(|(earlier, _)| earlier == student) {
                v.refuse(field, InvalidValue::new("is marked twice"));
            } else if booking.seat_of(*student).is_none() {
                v.refuse(field, InvalidValue::new("holds no seat in this session"));
            }
        }
        v.finish()
    }
}

/// Whether a booking with these seats' marks and TA no-show is complete: every seat marked, or
/// the TA's no-show recorded (nothing is left to settle).
pub fn is_complete(booking: &Booking) -> bool {
    booking.ta_no_show || booking.seats.iter().all(|s| s.attendance.is_some())
}
