//! Requests of the `/bookings` endpoints: booking an individual session, the list's filters,
//! a reschedule and a cancellation. The Booking resource they answer with is in [`super::booking_resource`].

use domain::booking::{
    BookIndividual, BookingFilter, BookingStatus, CancellationReason, Reschedule, RescheduleReason, SessionType,
};
use domain::scheduling::SessionDuration;
use domain::shared::{ValidationErrors, Validator};
use garde::Validate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::scalars;

/// `POST /bookings/individual`: a 1:1 session for a student.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BookIndividualRequest {
    /// The course.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub course_id: String,
    /// When the session starts (RFC 3339, any offset).
    #[garde(length(max = 64))]
    #[schema(format = DateTime, example = "2026-12-01T10:00:00Z")]
    pub starts_at: String,
    /// How long it lasts: a multiple of 15 in 15..=240.
    #[garde(skip)]
    #[schema(example = 60)]
    #[schema(minimum = 15, maximum = 240, multiple_of = 15)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub duration_minutes: i64,
    /// The TA; without it, the free assigned TA with the fewest sessions that day is chosen.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub ta_id: Option<String>,
    /// A bundle of the student's to pay with; without it, the course's per-session price.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub bundle_purchase_id: Option<String>,
    /// The student (required when an admin books; a student books for themself).
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub student_id: Option<String>,
}

impl BookIndividualRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<BookIndividual, ValidationErrors> {
        let mut v = Validator::default();
        let course_id = v.field("courseId", scalars::id(&self.course_id));
        let starts_at = v.field("startsAt", scalars::instant(&self.starts_at));
        let duration = v.field("durationMinutes", SessionDuration::from_minutes(self.duration_minutes));
        let ta_id = v.optional("taId", self.ta_id.as_deref().map(scalars::id));
        let bundle_purchase_id = v.optional("bundlePurchaseId", self.bundle_purchase_id.as_deref().map(scalars::id));
        let student_id = v.optional("studentId", self.student_id.as_deref().map(scalars::id));
        match (course_id, starts_at, duration, ta_id, bundle_purchase_id, student_id) {
            (
                Some(course_id),
                Some(starts_at),
                Some(duration),
                Some(ta_id),
                Some(bundle_purchase_id),
                Some(student_id),
            ) => Ok(BookIndividual { course_id, starts_at, duration, ta_id, bundle_purchase_id, student_id }),
            _ => Err(v.into_errors()),
        }
    }
}

/// `GET /bookings`: a page of the bookings the caller sees, filtered.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BookingListQuery {
    /// Page size, 1..=100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Only sessions starting at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only sessions starting before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// `booked`, `open`, `full`, `completed` or `cancelled`.
    #[param(inline, value_type = Option<super::schemas::BookingStatusName>)]
    pub status: Option<String>,
    /// Only this course's sessions.
    #[param(value_type = Option<Uuid>)]
    pub course_id: Option<String>,
    /// Only this TA's sessions (a TA always sees only their own).
    #[param(value_type = Option<Uuid>)]
    pub ta_id: Option<String>,
    /// Only sessions where this student holds a seat (a student always sees only their own).
    #[param(value_type = Option<Uuid>)]
    pub student_id: Option<String>,
    /// `individual` or `group`.
    #[param(inline, value_type = Option<super::schemas::SessionTypeName>)]
    pub session_type: Option<String>,
}

impl BookingListQuery {
    /// The filter, or every refused parameter.
    ///
    /// # Errors
    /// The refused parameters.
    pub fn filter(&self) -> Result<BookingFilter, ValidationErrors> {
        let mut v = Validator::default();
        let from = v.optional("from", self.from.as_deref().map(scalars::instant));
        let to = v.optional("to", self.to.as_deref().map(scalars::instant));
        let status = v.optional("status", self.status.as_deref().map(BookingStatus::parse));
        let course_id = v.optional("courseId", self.course_id.as_deref().map(scalars::id));
        let ta_id = v.optional("taId", self.ta_id.as_deref().map(scalars::id));
        let student_id = v.optional("studentId", self.student_id.as_deref().map(scalars::id));
        let session_type = v.optional("sessionType", self.session_type.as_deref().map(SessionType::parse));
        match (from, to, status, course_id, ta_id, student_id, session_type) {
            (
                Some(from),
                Some(to),
                Some(status),
                Some(course_id),
                Some(ta_id),
                Some(student_id),
                Some(session_type),
            ) => Ok(BookingFilter { from, to, status, course_id, ta_id, student_id, session_type }),
            _ => Err(v.into_errors()),
        }
    }
}

/// `POST /bookings/{id}/reschedule`: a new time, and perhaps a new length or TA.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RescheduleRequest {
    /// The new start (RFC 3339, any offset).
    #[garde(length(max = 64))]
    #[schema(format = DateTime, example = "2026-12-03T16:00:00Z")]
    pub starts_at: String,
    /// The new length: a multiple of 15 in 15..=240; the current one when left out.
    #[garde(skip)]
    #[schema(minimum = 15, maximum = 240, multiple_of = 15)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub duration_minutes: Option<i64>,
    /// The TA to move it to (admins only); when left out the booking's TA keeps it if free,
    /// else (an individual session moved by its student or an admin) a free TA is chosen.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub ta_id: Option<String>,
    /// Why (up to 500 characters); told to the students and the TA.
    #[garde(length(max = 4096))]
    #[schema(pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length = 500)]
    pub reason: Option<String>,
}

impl RescheduleRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<Reschedule, ValidationErrors> {
        let mut v = Validator::default();
        let starts_at = v.field("startsAt", scalars::instant(&self.starts_at));
        let duration = v.optional("durationMinutes", self.duration_minutes.map(SessionDuration::from_minutes));
        let ta_id = v.optional("taId", self.ta_id.as_deref().map(scalars::id));
        let reason = v.optional("reason", self.reason.as_deref().map(RescheduleReason::parse));
        match (starts_at, duration, ta_id, reason) {
            (Some(starts_at), Some(duration), Some(ta_id), Some(reason)) => {
                Ok(Reschedule { starts_at, duration, ta_id, reason: reason.filter(|r| !r.as_str().is_empty()) })
            }
            _ => Err(v.into_errors()),
        }
    }
}

/// `POST /bookings/{id}/cancel`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancelBookingRequest {
    /// Why (up to 500 characters); told to the students and the TA.
    #[garde(length(max = 4096))]
    #[schema(pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length = 500)]
    pub reason: Option<String>,
}

impl CancelBookingRequest {
    /// The reason (an empty one is none), or the refused field.
    ///
    /// # Errors
    /// `reason` when too long or with control characters.
    pub fn try_into_domain(&self) -> Result<Option<CancellationReason>, ValidationErrors> {
        let mut v = Validator::default();
        let reason = v.optional("reason", self.reason.as_deref().map(CancellationReason::parse));
        match reason {
            Some(reason) => Ok(reason.filter(|r| !r.as_str().is_empty())),
            None => Err(v.into_errors()),
        }
    }
}
