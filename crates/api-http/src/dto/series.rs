//! Bodies of recurring series (`/booking-series`): the series requested, the series shown with
//! its bookings and skipped occurrences, and a cancellation from a date on.

use chrono::{DateTime, Utc};
use domain::booking::CancellationReason;
use domain::scheduling::SessionDuration;
use domain::series::{BookSeries, Recurrence, RecurrenceError, SeriesView};
use domain::shared::{Actor, ValidationErrors, Validator};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::booking_resource::BookingResponse;
use super::scalars;

/// `POST /booking-series`: individual sessions on a recurring rule.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BookSeriesRequest {
    /// The course.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub course_id: String,
    /// The first session's start (RFC 3339); its wall-clock time in the organization's zone is
    /// every session's, across DST changes.
    #[garde(length(max = 64))]
    #[schema(format = DateTime, example = "2027-01-05T17:00:00+01:00")]
    pub starts_at: String,
    /// Every session's length: a multiple of 15 in 15..=240.
    #[garde(skip)]
    #[schema(minimum = 15, maximum = 240, multiple_of = 15, example = 60)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub duration_minutes: i64,
    /// An RFC 5545 RRULE of the subset `FREQ=DAILY|WEEKLY`, `INTERVAL` (1..=4), `BYDAY` (weekly
    /// only), and one of `COUNT` (2..=52) or `UNTIL`; at most 52 occurrences, all within the
    /// organization's booking horizon (else 422 `invalid_recurrence`).
    #[garde(length(max = 200))]
    #[schema(max_length = 200, example = "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10")]
    pub recurrence: String,
    /// The TA of every session; without it, the assigned TA free at the most occurrences (then
    /// the least busy, then the smallest id).
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub ta_id: Option<String>,
    /// A bundle of the student's paying one credit per session; without it, the per-session
    /// price.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub bundle_purchase_id: Option<String>,
    /// The student (required when an admin books).
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub student_id: Option<String>,
    /// Book the occurrences that pass and list the others in `skipped` (default `false`: all
    /// or nothing, refused with the first failing occurrence's code and start).
    #[garde(skip)]
    #[serde(default)]
    pub allow_partial: bool,
}

impl BookSeriesRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields (a rule outside the subset is refused on `recurrence`).
    pub fn try_into_domain(&self) -> Result<BookSeries, ValidationErrors> {
        let mut v = Validator::default();
        let course_id = v.field("courseId", scalars::id(&self.course_id));
        let starts_at = v.field("startsAt", scalars::instant(&self.starts_at));
        let duration = v.field("durationMinutes", SessionDuration::from_minutes(self.duration_minutes));
        let recurrence = v.field(
            "recurrence",
            Recurrence::parse(&self.recurrence).map_err(|e| match e {
                RecurrenceError::Shape(invalid) => invalid,
                RecurrenceError::Rule(why) => domain::shared::InvalidValue::new(why),
            }),
        );
        let ta_id = v.optional("taId", self.ta_id.as_deref().map(scalars::id));
        let bundle_purchase_id = v.optional("bundlePurchaseId", self.bundle_purchase_id.as_deref().map(scalars::id));
        let student_id = v.optional("studentId", self.student_id.as_deref().map(scalars::id));
        match (course_id, starts_at, duration, recurrence, ta_id, bundle_purchase_id, student_id) {
            (
                Some(course_id),
                Some(starts_at),
                Some(duration),
                Some(recurrence),
                Some(ta_id),
                Some(bundle_purchase_id),
                Some(student_id),
            ) => Ok(BookSeries {
                course_id,
                starts_at,
                duration,
                recurrence,
                ta_id,
                bundle_purchase_id,
                student_id,
                allow_partial: self.allow_partial,
            }),
            _ => Err(v.into_errors()),
        }
    }
}

/// An occurrence a series did not book.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedResponse {
    /// When it would have started.
    pub starts_at: DateTime<Utc>,
    /// The code an individual booking at that time would get.
    #[schema(example = "ta_unavailable")]
    pub code: &'static str,
}

/// A recurring series with its bookings.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeriesResponse {
    /// Its id (each booking's `seriesId`).
    pub id: Uuid,
    /// The rule, in canonical form.
    #[schema(example = "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=10")]
    pub recurrence: String,
    /// The course.
    pub course_id: Uuid,
    /// The student.
    pub student_id: Uuid,
    /// The TA of every session.
    pub ta_id: Uuid,
    /// The first occurrence's start.
    pub starts_at: DateTime<Utc>,
    /// Every session's length.
    pub duration_minutes: u16,
    /// Its bookings, earliest first (cancelled ones included).
    pub bookings: Vec<BookingResponse>,
    /// The occurrences not booked (`allowPartial`), earliest first.
    pub skipped: Vec<SkippedResponse>,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
}

impl SeriesResponse {
    /// The series as `actor` sees it.
    pub fn for_actor(view: SeriesView, actor: &Actor) -> Self {
        let s = view.series;
        Self {
            id: s.id.as_uuid(),
            recurrence: s.recurrence.to_rrule(),
            course_id: s.course_id.as_uuid(),
            student_id: s.student_id.as_uuid(),
            ta_id: s.ta_id.as_uuid(),
            starts_at: s.starts_at,
            duration_minutes: s.duration.minutes(),
            bookings: view.bookings.into_iter().map(|b| BookingResponse::for_actor(b, actor)).collect(),
            skipped: s
                .skipped
                .iter()
                .map(|k| SkippedResponse { starts_at: k.starts_at, code: k.code.as_str() })
                .collect(),
            created_at: s.created_at,
        }
    }
}

/// `POST /booking-series/{id}/cancel`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancelSeriesRequest {
    /// Cancel the sessions starting at or after this instant (RFC 3339); now when left out.
    #[garde(length(max = 64))]
    #[schema(format = DateTime)]
    pub from: Option<String>,
    /// Why (up to 500 characters); told to the student and the TA.
    #[garde(length(max = 4096))]
    #[schema(pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length = 500)]
    pub reason: Option<String>,
}

/// The bounds of a series cancellation.
pub type CancelSeries = (Option<DateTime<Utc>>, Option<CancellationReason>);

impl CancelSeriesRequest {
    /// The date and reason, or the refused fields.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<CancelSeries, ValidationErrors> {
        let mut v = Validator::default();
        let from = v.optional("from", self.from.as_deref().map(scalars::instant));
        let reason = v.optional("reason", self.reason.as_deref().map(CancellationReason::parse));
        match (from, reason) {
            (Some(from), Some(reason)) => Ok((from, reason.filter(|r| !r.as_str().is_empty()))),
            _ => Err(v.into_errors()),
        }
    }
}
