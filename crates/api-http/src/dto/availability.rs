//! Bodies of `GET/PUT /tas/{taId}/availability`: weekly hours and date overrides in wall-clock
//! time of an IANA zone. The request and the response have the same shape.

use domain::availability::{Availability, RawAvailability, RawOverride, RawRange, RawWeeklyHours, TimeRange};
use domain::shared::{UserId, ValidationErrors};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Hours on one day of every week.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WeeklyHoursBody {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    #[garde(skip)]
    #[schema(minimum = 1, maximum = 7)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub weekday: i64,
    /// `HH:MM`, from `00:00`.
    #[garde(length(max = 8))]
    #[schema(example = "09:00")]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub start: String,
    /// `HH:MM`, after `start`, up to `24:00`.
    #[garde(length(max = 8))]
    #[schema(example = "17:00")]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub end: String,
}

/// A wall-clock range `[start, end)`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RangeBody {
    /// `HH:MM`, from `00:00`.
    #[garde(length(max = 8))]
    #[schema(example = "10:00")]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub start: String,
    /// `HH:MM`, after `start`, up to `24:00`.
    #[garde(length(max = 8))]
    #[schema(example = "12:00")]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub end: String,
}

/// Other hours on one date.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverrideBody {
    /// `YYYY-MM-DD`, in the availability's time zone.
    #[garde(length(max = 16))]
    #[schema(example = "2026-12-24")]
    #[schema(format = Date)]
    pub date: String,
    /// The hours on that date; empty = unavailable all day.
    #[garde(dive)]
    #[serde(deserialize_with = "super::objects::objects")]
    pub intervals: Vec<RangeBody>,
}

/// A TA's availability.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AvailabilityBody {
    /// The IANA time zone of the wall-clock times.
    #[garde(length(max = 64))]
    #[schema(example = "Europe/Berlin")]
    #[schema(value_type = super::schemas::TimeZoneName)]
    pub timezone: String,
    /// Weekly hours (at most 70; ranges of one weekday must not overlap), by weekday then start.
    #[garde(dive)]
    #[serde(deserialize_with = "super::objects::objects")]
    pub weekly: Vec<WeeklyHoursBody>,
    /// Date overrides (at most 400, one per date), by date.
    #[garde(dive)]
    #[serde(deserialize_with = "super::objects::objects")]
    pub overrides: Vec<OverrideBody>,
}

fn range(r: &TimeRange) -> RangeBody {
    RangeBody { start: r.start().to_string(), end: r.end().to_string() }
}

impl From<&Availability> for AvailabilityBody {
    fn from(a: &Availability) -> Self {
        Self {
            timezone: a.timezone().name().to_owned(),
            weekly: a
                .weekly()
                .iter()
                .map(|w| WeeklyHoursBody {
                    weekday: i64::from(w.weekday.number_from_monday()),
                    start: w.range.start().to_string(),
                    end: w.range.end().to_string(),
                })
                .collect(),
            overrides: a
                .overrides()
                .iter()
                .map(|o| OverrideBody {
                    date: o.date.format("%Y-%m-%d").to_string(),
                    intervals: o.ranges.iter().map(range).collect(),
                })
                .collect(),
        }
    }
}

impl AvailabilityBody {
    /// The availability of `ta`, or every refused field (paths such as `weekly[2].end`).
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self, ta: UserId) -> Result<Availability, ValidationErrors> {
        let raw = RawAvailability {
            timezone: self.timezone.clone(),
            weekly: self
                .weekly
                .iter()
                .map(|w| RawWeeklyHours { weekday: w.weekday, start: w.start.clone(), end: w.end.clone() })
                .collect(),
            overrides: self
                .overrides
                .iter()
                .map(|o| RawOverride {
                    date: o.date.clone(),
                    intervals: o
                        .intervals
                        .iter()
                        .map(|r| RawRange { start: r.start.clone(), end: r.end.clone() })
                        .collect(),
                })
                .collect(),
        };
        Availability::parse(ta, &raw)
    }
}
