//! `GET /courses/{id}/slots`: the query and the bookable slots.

use chrono::{DateTime, Utc};
use domain::scheduling::{Slot, SlotQuery};
use domain::shared::{InvalidValue, UserId, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `?from&to&durationMinutes[&taId]`. Every value is read as text and checked here, so that a
/// bad one is a `validation_failed` naming the parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// Earliest start (RFC 3339, any offset).
    #[param(value_type = String, format = DateTime, required = true)]
    pub from: Option<String>,
    /// Starts before this instant (RFC 3339); at most 31 days after `from`.
    #[param(value_type = String, format = DateTime, required = true)]
    pub to: Option<String>,
    /// Session length: a multiple of 15 in 15..=240.
    #[param(value_type = i64, required = true, minimum = 15, maximum = 240, multiple_of = 15)]
    pub duration_minutes: Option<String>,
    /// Only this TA (who must teach the course).
    #[param(value_type = Option<Uuid>)]
    pub ta_id: Option<String>,
}

fn required(value: Option<&str>) -> Result<&str, InvalidValue> {
    value.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| InvalidValue::new("is required"))
}

fn instant(value: Option<&str>) -> Result<DateTime<Utc>, InvalidValue> {
    let text = required(value)?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| InvalidValue::new("must be an RFC 3339 instant"))
}

impl SlotsQuery {
    /// The domain query, or every refused parameter.
    ///
    /// # Errors
    /// The refused parameters.
    pub fn try_into_domain(&self) -> Result<SlotQuery, ValidationErrors> {
        let mut v = Validator::default();
        let from = v.field("from", instant(self.from.as_deref()));
        let to = v.field("to", instant(self.to.as_deref()));
        let duration = v.field(
            "durationMinutes",
            required(self.duration_minutes.as_deref())
                .and_then(|d| d.parse::<i64>().map_err(|_| InvalidValue::new("must be an integer"))),
        );
        let ta = v.optional(
            "taId",
            self.ta_id
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| Uuid::parse_str(t).map(UserId::from_uuid).map_err(|_| InvalidValue::new("must be a UUID"))),
        );
        // The window and duration rules run whenever their parameters parsed, so that a client
        // learns of every refused parameter at once.
        let query = match (from, to, duration) {
            (Some(from), Some(to), Some(duration)) => match SlotQuery::new(from, to, duration, ta.flatten()) {
                Ok(query) => Some(query),
                Err(errors) => {
                    for e in errors.fields() {
                        v.refuse(e.field.clone(), InvalidValue(e.message.clone()));
                    }
                    None
                }
            },
            _ => None,
        };
        match query {
            Some(query) if v.is_ok() => Ok(query),
            _ => Err(v.into_errors()),
        }
    }
}

/// A bookable start and the TAs free for it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlotResponse {
    /// When the session would start.
    pub starts_at: DateTime<Utc>,
    /// When it would end.
    pub ends_at: DateTime<Utc>,
    /// The TAs free for it, sorted.
    pub ta_ids: Vec<Uuid>,
}

impl From<&Slot> for SlotResponse {
    fn from(s: &Slot) -> Self {
        Self { starts_at: s.starts_at, ends_at: s.ends_at, ta_ids: s.ta_ids.iter().map(|t| t.as_uuid()).collect() }
    }
}
