//! Bodies of TA time off (`/tas/{taId}/time-off`): the window recorded (and whether to move
//! the TA's sessions in it), the window as shown, the sessions it touched, and the list's
//! filters.

use chrono::{DateTime, Utc};
use domain::shared::{InvalidValue, PageRequest, UserId, ValidationErrors, Validator};
use domain::time_off::{Affected, RecordTimeOff, RecordedTimeOff, TimeOff, TimeOffReason, time_off_window};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cursor::PagedList;
use super::paging::with_page;
use super::scalars;

/// `POST /tas/{taId}/time-off`.
#[derive(Debug, Deserialize, garde::Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecordTimeOffRequest {
    /// The first instant away (RFC 3339, any offset).
    #[garde(length(max = 64))]
    #[schema(format = DateTime, example = "2026-12-07T00:00:00+01:00")]
    pub from: String,
    /// The first instant back (exclusive): after `from`, at most 90 days later.
    #[garde(length(max = 64))]
    #[schema(format = DateTime, example = "2026-12-12T00:00:00+01:00")]
    pub to: String,
    /// Why (up to 500 characters); shown to admins and to the TA only, never in emails.
    #[garde(length(max = 4096))]
    #[schema(pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length = 500)]
    pub reason: Option<String>,
    /// Move each of the TA's sessions in the window to another free TA of its course (default
    /// `false`: the sessions are only listed).
    #[garde(skip)]
    #[serde(default)]
    pub reassign: bool,
}

impl RecordTimeOffRequest {
    /// The command for `ta`, or every refused field.
    ///
    /// # Errors
    /// The refused fields (`to` not after `from` or more than 90 days later is refused on `to`).
    pub fn try_into_domain(&self, ta_id: UserId) -> Result<RecordTimeOff, ValidationErrors> {
        let mut v = Validator::default();
        let from = v.field("from", scalars::instant(&self.from));
        let to = v.field("to", scalars::instant(&self.to));
        let reason = v.optional("reason", self.reason.as_deref().map(TimeOffReason::parse));
        let window = match (from, to) {
            (Some(from), Some(to)) => v.field("to", time_off_window(from, to)),
            _ => None,
        };
        match (window, reason) {
            (Some(window), Some(reason)) => Ok(RecordTimeOff {
                ta_id,
                window,
                reason: reason.filter(|r| !r.as_str().is_empty()),
                reassign: self.reassign,
            }),
            _ => Err(v.into_errors()),
        }
    }
}

/// A window in which a TA takes no session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimeOffResponse {
    /// Its id.
    pub id: Uuid,
    /// The TA.
    pub ta_id: Uuid,
    /// The first instant away.
    pub from: DateTime<Utc>,
    /// The first instant back.
    pub to: DateTime<Utc>,
    /// Why (admins and the TA only; null for others or when not said).
    pub reason: Option<String>,
    /// Who recorded it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<&TimeOff> for TimeOffResponse {
    fn from(t: &TimeOff) -> Self {
        Self {
            id: t.id.as_uuid(),
            ta_id: t.ta_id.as_uuid(),
            from: t.window.start(),
            to: t.window.end(),
            reason: t.reason.as_ref().map(ToString::to_string),
            created_by: t.created_by.as_uuid(),
            created_at: t.created_at,
        }
    }
}

/// What became of one of the TA's sessions in the window.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AffectedSession {
    /// The booking.
    pub booking_id: Uuid,
    /// `reassigned` (moved to `taId`) or `unresolved` (still with the TA away).
    #[schema(example = "reassigned")]
    pub outcome: &'static str,
    /// Who teaches it now.
    pub ta_id: Uuid,
}

impl From<&Affected> for AffectedSession {
    fn from(a: &Affected) -> Self {
        Self { booking_id: a.booking_id.as_uuid(), outcome: a.outcome.as_str(), ta_id: a.ta_id.as_uuid() }
    }
}

/// A recorded time off and the TA's sessions in it that had not started, earliest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordedTimeOffResponse {
    /// The window.
    #[serde(flatten)]
    pub time_off: TimeOffResponse,
    /// Each session of the TA in the window: moved to another TA, or not.
    pub affected: Vec<AffectedSession>,
}

impl From<&RecordedTimeOff> for RecordedTimeOffResponse {
    fn from(r: &RecordedTimeOff) -> Self {
        Self {
            time_off: TimeOffResponse::from(&r.time_off),
            affected: r.affected.iter().map(AffectedSession::from).collect(),
        }
    }
}

/// `GET /tas/{taId}/time-off`: `?from&to` and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TimeOffQuery {
    /// Only windows ending after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only windows starting before this instant (RFC 3339); not before `from`.
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// Rows per page (1..=100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// The bounds of a time-off list.
pub type TimeOffBounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

impl TimeOffQuery {
    /// The bounds and the page.
    ///
    /// # Errors
    /// Every refused parameter.
    pub fn try_into_domain(&self) -> Result<(TimeOffBounds, PageRequest), ValidationErrors> {
        let mut v = Validator::default();
        let from = v.optional("from", self.from.as_deref().map(scalars::instant));
        let to = v.optional("to", self.to.as_deref().map(scalars::instant));
        if let (Some(Some(from)), Some(Some(to))) = (from, to)
            && to < from
        {
            v.refuse("to", InvalidValue::new("must not be before from"));
        }
        let bounds = match (from, to) {
            (Some(from), Some(to)) if v.is_ok() => Some((from, to)),
            _ => None,
        };
        with_page(PagedList::TimeOff, v, bounds, self.limit, self.cursor.as_deref())
    }
}
