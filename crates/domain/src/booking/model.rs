//! Bookings (individual and group sessions) and their seats.

use chrono::{DateTime, Utc};

use super::terms::BookingPolicy;
use crate::shared::text::bounded_text;
use crate::shared::validation::InvalidValue;
use crate::shared::{
    BookingId, BundlePurchaseId, Cents, CourseId, Currency, Interval, OrganizationId, SeriesId, TemplateId, UserId,
};

/// Individual (one student) or group (a template's capacity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionType {
    /// A 1:1 session.
    Individual,
    /// A capacity-limited group session.
    Group,
}

impl SessionType {
    /// `individual` or `group`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionType::Individual => "individual",
            SessionType::Group => "group",
        }
    }

    /// Parses a name.
    ///
    /// # Errors
    /// For any other text.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        match s {
            "individual" => Ok(SessionType::Individual),
            "group" => Ok(SessionType::Group),
            _ => Err(InvalidValue::new("must be individual or group")),
        }
    }
}

/// Where a booking is in its life: individual `booked → completed | cancelled`, group
/// `open ⇄ full → completed | cancelled` (completed: every seat has attendance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingStatus {
    /// An individual session that will take place.
    Booked,
    /// A group session with free seats.
    Open,
    /// A group session with every seat taken.
    Full,
    /// Cancelled (final).
    Cancelled,
    /// Taken place, with attendance recorded for every seat.
    Completed,
}

impl BookingStatus {
    /// `booked`, `open`, `full`, `cancelled` or `completed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Open => "open",
            BookingStatus::Full => "full",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Completed => "completed",
        }
    }

    /// Parses a name.
    ///
    /// # Errors
    /// For any other text.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        match s {
            "booked" => Ok(BookingStatus::Booked),
            "open" => Ok(BookingStatus::Open),
            "full" => Ok(BookingStatus::Full),
            "cancelled" => Ok(BookingStatus::Cancelled),
            "completed" => Ok(BookingStatus::Completed),
            _ => Err(InvalidValue::new("must be booked, open, full, cancelled or completed")),
        }
    }

    /// The status of a group session with `seats_taken` of `capacity` seats taken.
    pub fn for_group(seats_taken: u32, capacity: u32) -> Self {
        if seats_taken >= capacity { BookingStatus::Full } else { BookingStatus::Open }
    }
}

bounded_text!(
    /// Why a session was cancelled (up to 500 characters).
    CancellationReason, 0..=500, Multi
);

bounded_text!(
    /// Why a session was moved (up to 500 characters).
    RescheduleReason, 0..=500, Multi
);

/// Whether a seated student came to a session that took place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attendance {
    /// They came.
    Present,
    /// They did not come (a no-show).
    Absent,
    /// They did not come, with an excuse the academy accepts.
    Excused,
}

impl Attendance {
    /// Every mark.
    pub const ALL: [Self; 3] = [Self::Present, Self::Absent, Self::Excused];

    /// `present`, `absent` or `excused`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent => "absent",
            Self::Excused => "excused",
        }
    }

    /// Reads a mark.
    ///
    /// # Errors
    /// Anything else.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == raw)
            .ok_or(InvalidValue::new("must be `present`, `absent` or `excused`"))
    }
}

/// How a seat is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    /// With one credit of a bundle (the seat's price is zero).
    Bundle(BundlePurchaseId),
    /// At a price per session.
    PerSession(Cents),
}

impl Payment {
    /// The bundle spent, if any.
    pub const fn bundle(&self) -> Option<BundlePurchaseId> {
        match self {
            Payment::Bundle(id) => Some(*id),
            Payment::PerSession(_) => None,
        }
    }

    /// What the seat costs.
    pub const fn seat_price(&self) -> Cents {
        match self {
            Payment::Bundle(_) => Cents::ZERO,
            Payment::PerSession(price) => *price,
        }
    }
}

/// One student in a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// The booking.
    pub booking_id: BookingId,
    /// The student.
    pub student_id: UserId,
    /// The bundle that paid, if one did.
    pub bundle_purchase_id: Option<BundlePurchaseId>,
    /// What the seat cost (zero when paid by a bundle).
    pub price: Cents,
    /// When the student took it.
    pub joined_at: DateTime<Utc>,
    /// Whether the seat's payment came back: a per-session payment refunded, or a bundle credit
    /// given back (whose `refund` entry is in the ledger).
    pub refunded: bool,
    /// The attendance recorded, once the session took place.
    pub attendance: Option<Attendance>,
    /// How many times the seat's settlement was written (0: never); each settlement's ledger
    /// entries carry their round, which the store lets be written once and reversed once.
    pub settlement_round: u32,
}

impl Seat {
    /// A new seat paid with `payment`.
    pub fn new(booking_id: BookingId, student_id: UserId, payment: Payment, joined_at: DateTime<Utc>) -> Self {
        Self {
            booking_id,
            student_id,
            bundle_purchase_id: payment.bundle(),
            price: payment.seat_price(),
            joined_at,
            refunded: false,
            attendance: None,
            settlement_round: 0,
        }
    }
}

/// One scheduled session of one TA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// Its id.
    pub id: BookingId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// The course.
    pub course_id: CourseId,
    /// The TA who teaches it.
    pub ta_id: UserId,
    /// Individual or group.
    pub session_type: SessionType,
    /// Where it is in its life.
    pub status: BookingStatus,
    /// When it takes place, `[startsAt, endsAt)`.
    pub interval: Interval,
    /// Seats in all (1 for an individual session).
    pub capacity: u32,
    /// Seats taken.
    pub seats_taken: u32,
    /// The price of a seat paid per session.
    pub price_per_student: Cents,
    /// The currency of the price.
    pub currency: Currency,
    /// The template a group session was scheduled from.
    pub template_id: Option<TemplateId>,
    /// Who created it.
    pub created_by: UserId,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Who cancelled it.
    pub cancelled_by: Option<UserId>,
    /// Why it was cancelled.
    pub cancellation_reason: Option<CancellationReason>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its seats, in the order they were taken.
    pub seats: Vec<Seat>,
    /// The policy of its course when it was created: its cancellations, reschedules and
    /// no-shows follow these terms, whatever the course's policy says later.
    pub policy: BookingPolicy,
    /// How many times it was moved (0 at first): the `SEQUENCE` of its calendar invitations.
    pub sequence: u32,
    /// How many of those moves its students made (bounded by `policy.max_reschedules`).
    pub reschedule_count: u32,
    /// The recurring series it belongs to, if it was booked as one.
    pub series_id: Option<SeriesId>,
    /// Whether its TA did not come (every seat is then refunded).
    pub ta_no_show: bool,
    /// When it became completed (every seat marked, or the TA's no-show recorded).
    pub completed_at: Option<DateTime<Utc>>,
}

/// Everything an individual booking is made of, once every rule passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewIndividualBooking {
    /// Its id.
    pub id: BookingId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// The course.
    pub course_id: CourseId,
    /// The chosen TA.
    pub ta_id: UserId,
    /// The student.
    pub student_id: UserId,
    /// When.
    pub interval: Interval,
    /// How the seat is paid.
    pub payment: Payment,
    /// The organization's currency.
    pub currency: Currency,
    /// Who booked (the student or an admin).
    pub created_by: UserId,
    /// The course's effective policy, copied onto the booking.
    pub policy: BookingPolicy,
}

impl Booking {
    /// A booked individual session with its one seat.
    pub fn individual(new: NewIndividualBooking, now: DateTime<Utc>) -> Self {
        let seat = Seat::new(new.id, new.student_id, new.payment, now);
        Self {
            id: new.id,
            organization_id: new.organization_id,
            course_id: new.course_id,
            ta_id: new.ta_id,
            session_type: SessionType::Individual,
            status: BookingStatus::Booked,
            interval: new.interval,
            capacity: 1,
            seats_taken: 1,
            price_per_student: seat.price,
            currency: new.currency,
            template_id: None,
            created_by: new.created_by,
            cancelled_at: None,
            cancelled_by: None,
            cancellation_reason: None,
            created_at: now,
            seats: vec![seat],
            policy: new.policy,
            sequence: 0,
            reschedule_count: 0,
            series_id: None,
            ta_no_show: false,
            completed_at: None,
        }
    }

    /// Whether it is not cancelled.
    pub fn is_active(&self) -> bool {
        self.status != BookingStatus::Cancelled
    }

    /// Whether it has started at `now`.
    pub fn has_started(&self, now: DateTime<Utc>) -> bool {
        now >= self.interval.start()
    }

    /// Its length in minutes.
    pub fn duration_minutes(&self) -> i64 {
        self.interval.duration().num_minutes()
    }

    /// The student's seat, if they hold one.
    pub fn seat_of(&self, student: UserId) -> Option<&Seat> {
        self.seats.iter().find(|s| s.student_id == student)
    }

    /// Whether every seat is taken.
    pub fn is_full(&self) -> bool {
        self.seats_taken >= self.capacity
    }
}

/// Which bookings to list (`GET /bookings`); `from`/`to` bound `startsAt` to `[from, to)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingFilter {
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// In this status.
    pub status: Option<BookingStatus>,
    /// Of this course.
    pub course_id: Option<CourseId>,
    /// Taught by this TA.
    pub ta_id: Option<UserId>,
    /// Where this student holds a seat.
    pub student_id: Option<UserId>,
    /// Of this type.
    pub session_type: Option<SessionType>,
}
