//! The Booking resource, shared by individual bookings and group sessions, with its seats as
//! the caller may see them (admins and the booking's TA every seat, a student only their own).

use chrono::{DateTime, Utc};
use domain::booking::{Booking, Seat};
use domain::shared::Actor;
use serde::Serialize;
use utoipa::ToSchema;

use super::policy::BookingPolicyResponse;
use uuid::Uuid;

/// One student's seat in a booking.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeatResponse {
    /// The student.
    pub student_id: Uuid,
    /// The bundle that paid, if one did.
    pub bundle_purchase_id: Option<Uuid>,
    /// What the seat cost, in cents (zero when a bundle paid).
    pub price_cents: i64,
    /// Whether the seat's payment was refunded.
    pub refunded: bool,
    /// When the student took the seat.
    pub joined_at: DateTime<Utc>,
    /// `present`, `absent` or `excused` once recorded; null before.
    #[schema(value_type = Option<super::schemas::AttendanceName>, nullable)]
    pub attendance: Option<&'static str>,
}

impl From<&Seat> for SeatResponse {
    fn from(s: &Seat) -> Self {
        Self {
            student_id: s.student_id.as_uuid(),
            bundle_purchase_id: s.bundle_purchase_id.map(|b| b.as_uuid()),
            price_cents: s.price.get(),
            refunded: s.refunded,
            joined_at: s.joined_at,
            attendance: s.attendance.map(|a| a.as_str()),
        }
    }
}

/// A scheduled session: individual (one seat) or group.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingResponse {
    /// Its id.
    pub id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// The TA who teaches it.
    pub ta_id: Uuid,
    /// `individual` or `group`.
    #[schema(example = "individual")]
    pub session_type: &'static str,
    /// `booked` (individual), `open` or `full` (group), `completed` (every seat's attendance
    /// recorded, or the TA's no-show), or `cancelled`.
    #[schema(example = "booked")]
    pub status: &'static str,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// Its length in minutes.
    pub duration_minutes: i64,
    /// Seats in all (1 for an individual session).
    pub capacity: u32,
    /// Seats taken.
    pub seats_taken: u32,
    /// The price of a seat paid per session, in cents.
    pub price_per_student_cents: i64,
    /// The ISO 4217 currency of the prices.
    pub currency: String,
    /// The template a group session was scheduled from (null for individual sessions).
    pub group_session_template_id: Option<Uuid>,
    /// The seats the caller may see: every seat for admins and the booking's TA, only their
    /// own for a student.
    pub seats: Vec<SeatResponse>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancellation_reason: Option<String>,
    /// The terms it follows: its course's effective policy when it was booked.
    pub policy: BookingPolicyResponse,
    /// How many times it was moved (0 at first).
    pub sequence: u32,
    /// How many of those moves its students made.
    pub reschedule_count: u32,
    /// The recurring series it was booked with, if any.
    pub series_id: Option<Uuid>,
    /// Whether its TA did not come (every seat refunded).
    pub ta_no_show: bool,
    /// When it became completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl BookingResponse {
    /// The booking as `actor` may see it: the seats are redacted by the domain's
    /// [`Booking::redacted_for`] (idempotent, so bookings the services already redacted are
    /// unchanged).
    pub fn for_actor(booking: Booking, actor: &Actor) -> Self {
        Self::from(&booking.redacted_for(actor))
    }
}

impl From<&Booking> for BookingResponse {
    /// Every seat of the booking as given: use [`BookingResponse::for_actor`] unless the
    /// booking was already redacted for the caller.
    fn from(b: &Booking) -> Self {
        Self {
            id: b.id.as_uuid(),
            course_id: b.course_id.as_uuid(),
            ta_id: b.ta_id.as_uuid(),
            session_type: b.session_type.as_str(),
            status: b.status.as_str(),
            starts_at: b.interval.start(),
            ends_at: b.interval.end(),
            duration_minutes: b.duration_minutes(),
            capacity: b.capacity,
            seats_taken: b.seats_taken,
            price_per_student_cents: b.price_per_student.get(),
            currency: b.currency.to_string(),
            group_session_template_id: b.template_id.map(|t| t.as_uuid()),
            seats: b.seats.iter().map(SeatResponse::from).collect(),
            cancelled_at: b.cancelled_at,
            cancellation_reason: b.cancellation_reason.as_ref().map(ToString::to_string),
            policy: (&b.policy).into(),
            sequence: b.sequence,
            reschedule_count: b.reschedule_count,
            series_id: b.series_id.map(|s| s.as_uuid()),
            ta_no_show: b.ta_no_show,
            completed_at: b.completed_at,
            created_at: b.created_at,
        }
    }
}
