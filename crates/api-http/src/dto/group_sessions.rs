//! Bodies and query strings of the group-session endpoints: templates, scheduling a session from
//! one, joining with an optional bundle, and waitlist entries. The sessions themselves are
//! answered as [`crate::dto::booking_resource::BookingResponse`].

use chrono::{DateTime, Utc};
use domain::group_sessions::{GroupSessionFilter, GroupSessionTemplate, NewTemplate, WaitlistPosition};
use domain::shared::{
    BundlePurchaseId, CourseId, InvalidValue, PageRequest, TemplateId, UserId, ValidationErrors, Validator,
};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cursor::PagedList;
use super::paging::{absorb, with_page};

/// An id written by the client.
fn id(text: &str) -> Result<Uuid, InvalidValue> {
    Uuid::parse_str(text.trim()).map_err(|_| InvalidValue::new("must be a UUID"))
}

/// An instant written by the client, with any offset.
fn instant(text: &str) -> Result<DateTime<Utc>, InvalidValue> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| InvalidValue::new("must be an RFC 3339 instant"))
}

/// `POST /group-session-templates`: a recurring kind of group session.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTemplateRequest {
    /// The course.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub course_id: String,
    /// The TA who teaches its sessions (assigned to the course).
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub ta_id: String,
    /// Its title (1..=200 characters).
    #[garde(length(max = 1024))]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 200)]
    pub title: String,
    /// Seats per session (2..=100).
    #[garde(skip)]
    #[schema(minimum = 2, maximum = 100)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub capacity: i64,
    /// Length of a session: a multiple of 15 in 15..=240.
    #[garde(skip)]
    #[schema(minimum = 15, maximum = 240, multiple_of = 15)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub duration_minutes: i64,
    /// Price of a seat paid per session, in cents of the organization's currency.
    #[garde(skip)]
    #[schema(minimum = 0, maximum = 100_000_000)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub price_per_student_cents: i64,
}

impl CreateTemplateRequest {
    /// The new template, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<NewTemplate, ValidationErrors> {
        let mut v = Validator::default();
        let course = v.field("courseId", id(&self.course_id));
        let ta = v.field("taId", id(&self.ta_id));
        let template = NewTemplate::parse(
            CourseId::from_uuid(course.unwrap_or_default()),
            UserId::from_uuid(ta.unwrap_or_default()),
            &self.title,
            self.capacity,
            self.duration_minutes,
            self.price_per_student_cents,
        );
        match template {
            Ok(template) if v.is_ok() => Ok(template),
            Ok(_) => Err(v.into_errors()),
            Err(errors) => {
                absorb(&mut v, &errors);
                Err(v.into_errors())
            }
        }
    }
}

/// A group-session template.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateResponse {
    /// Its id.
    pub id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// The TA who teaches its sessions.
    pub ta_id: Uuid,
    /// Its title.
    pub title: String,
    /// Seats per session.
    pub capacity: u32,
    /// Length of a session, in minutes.
    pub duration_minutes: u16,
    /// Price of a seat paid per session, in cents.
    pub price_per_student_cents: i64,
    /// The ISO 4217 currency of the price.
    pub currency: String,
    /// Whether sessions can be scheduled from it.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<&GroupSessionTemplate> for TemplateResponse {
    fn from(t: &GroupSessionTemplate) -> Self {
        Self {
            id: t.id.as_uuid(),
            course_id: t.course_id.as_uuid(),
            ta_id: t.ta_id.as_uuid(),
            title: t.title.as_str().to_owned(),
            capacity: t.capacity.get(),
            duration_minutes: t.duration.minutes(),
            price_per_student_cents: t.price_per_student.get(),
            currency: t.currency.to_string(),
            active: t.active,
            created_at: t.created_at,
        }
    }
}

/// `GET /group-session-templates`: `?courseId` and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Only templates of this course.
    #[param(value_type = Option<Uuid>)]
    pub course_id: Option<String>,
    /// Rows per page (1..=100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl TemplateQuery {
    /// The course filter and the page.
    ///
    /// # Errors
    /// Every refused parameter.
    pub fn try_into_domain(&self) -> Result<(Option<CourseId>, PageRequest), ValidationErrors> {
        let mut v = Validator::default();
        let course = v.optional("courseId", self.course_id.as_deref().map(id));
        with_page(
            PagedList::GroupSessionTemplates,
            v,
            course.map(|c| c.map(CourseId::from_uuid)),
            self.limit,
            self.cursor.as_deref(),
        )
    }
}

/// `POST /group-sessions`: schedule a session from a template.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScheduleGroupSessionRequest {
    /// The template: course, TA, capacity, length and price come from it.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub template_id: String,
    /// When the session starts (RFC 3339, any offset).
    #[garde(length(max = 64))]
    #[schema(format = DateTime)]
    pub starts_at: String,
}

impl ScheduleGroupSessionRequest {
    /// The template and the start, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<(TemplateId, DateTime<Utc>), ValidationErrors> {
        let mut v = Validator::default();
        let template = v.field("templateId", id(&self.template_id));
        let starts_at = v.field("startsAt", instant(&self.starts_at));
        match (template, starts_at) {
            (Some(template), Some(starts_at)) => Ok((TemplateId::from_uuid(template), starts_at)),
            _ => Err(v.into_errors()),
        }
    }
}

/// `POST /group-sessions/{id}/join` and `POST /group-sessions/{id}/waitlist`: how the seat is
/// paid.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeatPaymentRequest {
    /// Pay with one credit of this bundle; without it, the session's price per student.
    #[serde(default)]
    #[garde(inner(length(max = 64)))]
    #[schema(format = Uuid)]
    pub bundle_purchase_id: Option<String>,
}

impl SeatPaymentRequest {
    /// The bundle, if one was named.
    ///
    /// # Errors
    /// `bundlePurchaseId` when it is not a UUID.
    pub fn try_into_domain(&self) -> Result<Option<BundlePurchaseId>, ValidationErrors> {
        let mut v = Validator::default();
        let bundle = v.optional("bundlePurchaseId", self.bundle_purchase_id.as_deref().map(id));
        bundle.map(|b| b.map(BundlePurchaseId::from_uuid)).ok_or_else(|| v.into_errors())
    }
}

/// `GET /group-sessions`: `?courseId&from&to` and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GroupSessionQuery {
    /// Only sessions of this course.
    #[param(value_type = Option<Uuid>)]
    pub course_id: Option<String>,
    /// Only sessions starting at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only sessions starting before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// Rows per page (1..=100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl GroupSessionQuery {
    /// The filter and the page, or every refused parameter.
    ///
    /// # Errors
    /// The refused parameters.
    pub fn try_into_domain(&self) -> Result<(GroupSessionFilter, PageRequest), ValidationErrors> {
        let mut v = Validator::default();
        let course = v.optional("courseId", self.course_id.as_deref().map(id));
        let from = v.optional("from", self.from.as_deref().map(instant));
        let to = v.optional("to", self.to.as_deref().map(instant));
        let filter = match (course, from, to) {
            (Some(course), Some(from), Some(to)) => {
                Some(GroupSessionFilter { course_id: course.map(CourseId::from_uuid), from, to })
            }
            _ => None,
        };
        with_page(PagedList::GroupSessions, v, filter, self.limit, self.cursor.as_deref())
    }
}

/// A student's place on a waitlist.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntryResponse {
    /// The group session.
    pub booking_id: Uuid,
    /// The waiting student.
    pub student_id: Uuid,
    /// 1 for the next student to be seated when a seat frees.
    pub position: u32,
    /// When the student joined the waitlist.
    pub created_at: DateTime<Utc>,
}

impl From<&WaitlistPosition> for WaitlistEntryResponse {
    fn from(w: &WaitlistPosition) -> Self {
        Self {
            booking_id: w.entry.booking_id.as_uuid(),
            student_id: w.entry.student_id.as_uuid(),
            position: w.position,
            created_at: w.entry.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &ValidationErrors) -> Vec<&str> {
        errors.fields().iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn a_template_reports_every_bad_field_by_its_client_name() {
        let request = CreateTemplateRequest {
            course_id: "nope".into(),
            ta_id: Uuid::now_v7().to_string(),
            title: String::new(),
            capacity: 1,
            duration_minutes: 50,
            price_per_student_cents: -1,
        };
        let errors = request.try_into_domain().unwrap_err();
        assert_eq!(fields(&errors), vec!["courseId", "title", "capacity", "durationMinutes", "pricePerStudentCents"]);
    }

    #[test]
    fn queries_name_the_refused_parameter() {
        let query = GroupSessionQuery {
            course_id: Some("x".into()),
            from: Some("2026-12-01T10:00:00+01:00".into()),
            to: Some("tomorrow".into()),
            limit: Some(0),
            cursor: None,
        };
        assert_eq!(fields(&query.try_into_domain().unwrap_err()), vec!["courseId", "to", "limit"]);
        let query = GroupSessionQuery { course_id: None, from: None, to: None, limit: None, cursor: None };
        assert_eq!(query.try_into_domain().unwrap().0, GroupSessionFilter::default());
        let query = TemplateQuery { course_id: Some("x".into()), limit: None, cursor: Some("nope".into()) };
        assert_eq!(fields(&query.try_into_domain().unwrap_err()), vec!["courseId", "cursor"]);
        let at = ScheduleGroupSessionRequest {
            template_id: Uuid::nil().to_string(),
            starts_at: "2026-12-01T10:00:00+01:00".into(),
        }
        .try_into_domain()
        .unwrap()
        .1;
        assert_eq!(at.to_rfc3339(), "2026-12-01T09:00:00+00:00");
    }
}
