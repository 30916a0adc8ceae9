//! Bodies of the admin reports (`GET /reports/sessions`, `GET /reports/tas`): the window asked
//! for, and the rows. Each row is written as JSON and as a CSV record whose columns are the JSON
//! field names in the same order ([`CsvRow`]), so that both formats say the same thing.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::reports::{Hours, ReportFilter, SessionReportRow, TaReportRow};
use domain::shared::{InvalidValue, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::paging::absorb;
use super::scalars;

/// `?from&to[&courseId][&taId]` of both reports.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Sessions starting at or after this instant (RFC 3339, any offset).
    #[param(value_type = String, format = DateTime, required = true)]
    pub from: Option<String>,
    /// Sessions starting before this instant (RFC 3339): after `from`, at most 366 days later.
    #[param(value_type = String, format = DateTime, required = true)]
    pub to: Option<String>,
    /// Only this course's sessions.
    #[param(value_type = Option<Uuid>)]
    pub course_id: Option<String>,
    /// Only this TA's sessions.
    #[param(value_type = Option<Uuid>)]
    pub ta_id: Option<String>,
}

fn required(value: Option<&str>) -> Result<&str, InvalidValue> {
    value.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| InvalidValue::new("is required"))
}

/// An id parameter; an empty one is no filter (as a form leaves it).
fn optional_id<I: From<Uuid>>(raw: Option<&str>) -> Option<Result<I, InvalidValue>> {
    raw.filter(|r| !r.is_empty()).map(scalars::id)
}

impl ReportQuery {
    /// The report's filter, or every refused parameter.
    ///
    /// # Errors
    /// A missing or malformed instant, an id that is not a UUID, `to` not after `from` or more
    /// than 366 days after it (refused on `to`).
    pub fn try_into_domain(&self) -> Result<ReportFilter, ValidationErrors> {
        let mut v = Validator::default();
        let from = v.field("from", required(self.from.as_deref()).and_then(scalars::instant));
        let to = v.field("to", required(self.to.as_deref()).and_then(scalars::instant));
        let course_id = v.optional("courseId", optional_id(self.course_id.as_deref()));
        let ta_id = v.optional("taId", optional_id(self.ta_id.as_deref()));
        // The window's rules run whenever both instants parsed, so that every refusal is told.
        let filter = match (from, to) {
            (Some(from), Some(to)) => ReportFilter::new(from, to, course_id.flatten(), ta_id.flatten())
                .map_err(|errors| absorb(&mut v, &errors))
                .ok(),
            _ => None,
        };
        match filter {
            Some(filter) if v.is_ok() => Ok(filter),
            _ => Err(v.into_errors()),
        }
    }
}

/// A report row as a CSV record: the header is the JSON field names, in the same order.
pub trait CsvRow {
    /// The column names.
    const HEADER: &'static [&'static str];

    /// The cells, as the JSON shows the values (instants in RFC 3339 UTC, booleans as
    /// `true`/`false`), not yet protected against formula injection.
    fn cells(&self) -> Vec<String>;
}

fn instant(at: DateTime<Utc>) -> String {
    // As serde writes a `DateTime<Utc>` in JSON.
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// One session of the sessions report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionReportResponse {
    /// The booking.
    pub booking_id: Uuid,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// The course's code.
    pub course_code: String,
    /// The TA's name.
    pub ta_name: String,
    /// How long it lasts.
    pub duration_minutes: u32,
    /// Seats held.
    pub seats: u32,
    /// Seats marked present.
    pub present: u32,
    /// Seats marked absent (student no-shows).
    pub absent: u32,
    /// Seats marked excused.
    pub excused: u32,
    /// Whether the TA did not come.
    pub ta_no_show: bool,
    /// What the academy keeps for the session: each seat paid per session and not refunded at
    /// its price, each bundle credit still spent at the bundle's price per credit
    /// (`pricePaidCents / totalSessions`, rounded down).
    pub amount_cents: i64,
    /// ISO 4217 currency of `amountCents`.
    #[schema(example = "EUR")]
    pub currency: String,
}

impl From<&SessionReportRow> for SessionReportResponse {
    fn from(r: &SessionReportRow) -> Self {
        Self {
            booking_id: r.booking_id.as_uuid(),
            starts_at: r.starts_at,
            course_code: r.course_code.clone(),
            ta_name: r.ta_name.clone(),
            duration_minutes: r.duration_minutes,
            seats: r.seats,
            present: r.present,
            absent: r.absent,
            excused: r.excused,
            ta_no_show: r.ta_no_show,
            amount_cents: r.amount_cents,
            currency: r.currency.to_string(),
        }
    }
}

impl CsvRow for SessionReportResponse {
    const HEADER: &'static [&'static str] = &[
        "bookingId",
        "startsAt",
        "courseCode",
        "taName",
        "durationMinutes",
        "seats",
        "present",
        "absent",
        "excused",
        "taNoShow",
        "amountCents",
        "currency",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.booking_id.to_string(),
            instant(self.starts_at),
            self.course_code.clone(),
            self.ta_name.clone(),
            self.duration_minutes.to_string(),
            self.seats.to_string(),
            self.present.to_string(),
            self.absent.to_string(),
            self.excused.to_string(),
            self.ta_no_show.to_string(),
            self.amount_cents.to_string(),
            self.currency.clone(),
        ]
    }
}

/// One TA of the TA report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaReportResponse {
    /// The TA.
    pub ta_id: Uuid,
    /// The TA's name.
    pub ta_name: String,
    /// Sessions in the window that were not cancelled.
    pub sessions: u32,
    /// Their length added up, in hours to the hundredth (`1.5` is 90 minutes; the CSV writes
    /// two decimals, `1.50`).
    #[schema(value_type = f64, example = 1.5)]
    #[serde(serialize_with = "hours_number")]
    pub hours: Hours,
    /// Seats marked absent in them.
    pub student_no_shows: u32,
    /// Sessions the TA did not come to.
    pub ta_no_shows: u32,
}

fn hours_number<S: serde::Serializer>(hours: &Hours, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(hours.as_f64())
}

impl From<&TaReportRow> for TaReportResponse {
    fn from(r: &TaReportRow) -> Self {
        Self {
            ta_id: r.ta_id.as_uuid(),
            ta_name: r.ta_name.clone(),
            sessions: r.sessions,
            hours: r.hours(),
            student_no_shows: r.student_no_shows,
            ta_no_shows: r.ta_no_shows,
        }
    }
}

impl CsvRow for TaReportResponse {
    const HEADER: &'static [&'static str] = &["taId", "taName", "sessions", "hours", "studentNoShows", "taNoShows"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.ta_id.to_string(),
            self.ta_name.clone(),
            self.sessions.to_string(),
            self.hours.to_string(),
            self.student_no_shows.to_string(),
            self.ta_no_shows.to_string(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use domain::shared::Currency;

    use super::*;

    fn query(from: Option<&str>, to: Option<&str>, course: Option<&str>, ta: Option<&str>) -> ReportQuery {
        ReportQuery {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            course_id: course.map(str::to_owned),
            ta_id: ta.map(str::to_owned),
        }
    }

    fn refused(q: &ReportQuery) -> Vec<String> {
        q.try_into_domain().unwrap_err().fields().iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn a_full_query_is_read_and_every_bad_parameter_named() {
        let (course, ta) = (Uuid::now_v7(), Uuid::now_v7());
        let q = query(
            Some("2026-12-01T01:00:00+01:00"),
            Some("2027-01-01T00:00:00Z"),
            Some(&course.to_string()),
            Some(&ta.to_string()),
        );
        let filter = q.try_into_domain().unwrap();
        assert_eq!(filter.from(), Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(filter.course_id().map(|c| c.as_uuid()), Some(course));
        assert_eq!(filter.ta_id().map(|t| t.as_uuid()), Some(ta));
        let bare = query(Some("2026-12-01T00:00:00Z"), Some("2026-12-02T00:00:00Z"), Some(""), None);
        assert_eq!(bare.try_into_domain().unwrap().course_id(), None, "an empty id is no filter");

        assert_eq!(refused(&query(None, Some(""), Some("x"), Some("y"))), vec!["from", "to", "courseId", "taId"]);
        let backwards = query(Some("2026-12-02T00:00:00Z"), Some("2026-12-01T00:00:00Z"), Some("nope"), None);
        assert_eq!(refused(&backwards), vec!["courseId", "to"]);
        let too_long = query(Some("2026-01-01T00:00:00Z"), Some("2027-01-02T00:00:01Z"), None, None);
        assert_eq!(refused(&too_long), vec!["to"]);
    }

    /// The CSV header is the JSON field names in the JSON's order, and the cells are the JSON's
    /// values as text.
    #[test]
    fn csv_columns_are_the_json_fields() {
        let session = SessionReportResponse::from(&SessionReportRow {
            booking_id: Uuid::now_v7().into(),
            starts_at: Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap(),
            course_code: "MATH-101".into(),
            ta_name: "Tara".into(),
            duration_minutes: 90,
            seats: 3,
            present: 1,
            absent: 1,
            excused: 0,
            ta_no_show: false,
            amount_cents: 5_333,
            currency: Currency::EUR,
        });
        let ta = TaReportResponse::from(&TaReportRow {
            ta_id: Uuid::now_v7().into(),
            ta_name: "Tara".into(),
            sessions: 2,
            minutes: 90,
            student_no_shows: 1,
            ta_no_shows: 0,
        });
        assert_same(&session, SessionReportResponse::HEADER, &session.cells());
        assert_same(&ta, TaReportResponse::HEADER, &ta.cells());
        assert_eq!(ta.cells()[3], "1.50");
    }

    /// The header names the JSON's fields in the JSON's order, and each cell says its value.
    fn assert_same(row: &impl Serialize, header: &[&str], cells: &[String]) {
        let text = serde_json::to_string(row).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json.as_object().unwrap().len(), header.len(), "{text}");
        let positions: Vec<usize> = header.iter().map(|name| text.find(&format!("\"{name}\":")).unwrap()).collect();
        assert!(positions.is_sorted(), "{header:?} in the order of {text}");
        for (name, cell) in header.iter().zip(cells) {
            match &json[name] {
                serde_json::Value::String(s) => assert_eq!(s, cell),
                serde_json::Value::Number(n) => assert_eq!(n.as_f64(), cell.parse::<f64>().ok(), "{name}"),
                other => assert_eq!(&other.to_string(), cell),
            }
        }
    }
}
