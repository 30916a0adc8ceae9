//! Group-session templates and waitlist entries.

use chrono::{DateTime, Utc};

use crate::booking::{Booking, BookingPolicy, BookingStatus, SessionType};
use crate::scheduling::SessionDuration;
use crate::shared::text::bounded_text;
use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};
use crate::shared::{
    BookingId, BundlePurchaseId, Cents, CourseId, Currency, Interval, OrganizationId, TemplateId, UserId,
    WaitlistEntryId,
};

bounded_text!(
    /// The title of a group-session template (1..=200 characters).
    TemplateTitle, 1..=200, Single
);

/// How many students a group session seats: `2..=100`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capacity(u32);

impl Capacity {
    /// Checks the range.
    ///
    /// # Errors
    /// Outside `2..=100`.
    pub fn new(seats: i64) -> Result<Self, InvalidValue> {
        if (2..=100).contains(&seats) {
            Ok(Self(u32::try_from(seats).map_err(|_| InvalidValue::new("out of range"))?))
        } else {
            Err(InvalidValue::new("must be between 2 and 100"))
        }
    }

    /// The number of seats.
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// A recurring kind of group session of one course, taught by one TA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSessionTemplate {
    /// Its id.
    pub id: TemplateId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// The course.
    pub course_id: CourseId,
    /// The TA who teaches its sessions (assigned to the course).
    pub ta_id: UserId,
    /// Its title.
    pub title: TemplateTitle,
    /// Seats per session.
    pub capacity: Capacity,
    /// Length of a session.
    pub duration: SessionDuration,
    /// Price of a seat paid per session.
    pub price_per_student: Cents,
    /// The currency of the price.
    pub currency: Currency,
    /// Whether sessions can be scheduled from it.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A new template (`POST /group-session-templates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    /// The course.
    pub course_id: CourseId,
    /// The TA.
    pub ta_id: UserId,
    /// Its title.
    pub title: TemplateTitle,
    /// Seats per session.
    pub capacity: Capacity,
    /// Length of a session.
    pub duration: SessionDuration,
    /// Price of a seat.
    pub price_per_student: Cents,
}

impl NewTemplate {
    /// Parses a template as a client sent it.
    ///
    /// # Errors
    /// Every malformed field.
    pub fn parse(
        course_id: CourseId,
        ta_id: UserId,
        title: &str,
        capacity: i64,
        duration_minutes: i64,
        price_per_student_cents: i64,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let title = v.field("title", TemplateTitle::parse(title));
        let capacity = v.field("capacity", Capacity::new(capacity));
        let duration = v.field("durationMinutes", SessionDuration::from_minutes(duration_minutes));
        let price = v.field("pricePerStudentCents", Cents::new(price_per_student_cents));
        match (title, capacity, duration, price) {
            (Some(title), Some(capacity), Some(duration), Some(price_per_student)) => {
                Ok(Self { course_id, ta_id, title, capacity, duration, price_per_student })
            }
            _ => Err(v.into_errors()),
        }
    }
}

impl GroupSessionTemplate {
    /// An open group session of this template over `interval`, with no seat taken.
    pub fn session(
        &self,
        id: BookingId,
        interval: Interval,
        policy: BookingPolicy,
        created_by: UserId,
        now: DateTime<Utc>,
    ) -> Booking {
        Booking {
            id,
            organization_id: self.organization_id,
            course_id: self.course_id,
            ta_id: self.ta_id,
            session_type: SessionType::Group,
            status: BookingStatus::Open,
            interval,
            capacity: self.capacity.get(),
            seats_taken: 0,
            price_per_student: self.price_per_student,
            currency: self.currency,
            template_id: Some(self.id),
            created_by,
            cancelled_at: None,
            cancelled_by: None,
            cancellation_reason: None,
            created_at: now,
            seats: Vec::new(),
            policy,
            sequence: 0,
            reschedule_count: 0,
            series_id: None,
            ta_no_show: false,
            completed_at: None,
        }
    }
}

/// A student waiting for a seat of a full group session (first in, first out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistEntry {
    /// Its id.
    pub id: WaitlistEntryId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// The group session.
    pub booking_id: BookingId,
    /// The waiting student.
    pub student_id: UserId,
    /// The bundle to pay with when promoted; per-session price when `None`.
    pub bundle_purchase_id: Option<BundlePurchaseId>,
    /// When the student joined the waitlist (the order of promotion, then id).
    pub created_at: DateTime<Utc>,
}

/// A waitlist entry and its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistPosition {
    /// The entry.
    pub entry: WaitlistEntry,
    /// 1 for the next student to be promoted.
    pub position: u32,
}

/// Which group sessions to list (`GET /group-sessions`); `from`/`to` bound `startsAt`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupSessionFilter {
    /// Of this course.
    pub course_id: Option<CourseId>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn capacity_is_two_to_a_hundred() {
        assert!(Capacity::new(1).is_err());
        assert_eq!(Capacity::new(2).unwrap().get(), 2);
        assert_eq!(Capacity::new(100).unwrap().get(), 100);
        assert!(Capacity::new(101).is_err());
    }

    #[test]
    fn template_parse_reports_every_bad_field() {
        let c = CourseId::from_uuid(Uuid::nil());
        let t = UserId::from_uuid(Uuid::nil());
        let e = NewTemplate::parse(c, t, "", 1, 50, -5).unwrap_err();
        for f in ["title", "capacity", "durationMinutes", "pricePerStudentCents"] {
            assert!(e.has(f), "{f}");
        }
        assert!(NewTemplate::parse(c, t, "Exam prep", 10, 90, 1500).is_ok());
    }
}
