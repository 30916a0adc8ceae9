//! Bodies of the course endpoints (`/courses`, `/courses/{id}`).

use chrono::{DateTime, Utc};
use domain::booking::{PolicyTerms, PolicyTermsPatch};
use domain::catalog::{Course, CourseCode, CourseDescription, CoursePatch, CourseTitle, NewCourse};
use domain::shared::{ValidationErrors, Validator};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::policy::{PolicyTermsRequest, PolicyTermsResponse};

/// A course.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseResponse {
    /// Its id.
    pub id: Uuid,
    /// Its code, unique in the organization (upper-cased).
    pub code: String,
    /// Its title.
    pub title: String,
    /// Its description (possibly empty).
    pub description: String,
    /// Whether sessions can be booked for it.
    pub active: bool,
    /// The policy terms it sets for new bookings; `null` terms are the organization's.
    pub policy: PolicyTermsResponse,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<&Course> for CourseResponse {
    fn from(c: &Course) -> Self {
        Self {
            id: c.id.as_uuid(),
            code: c.code.as_str().to_owned(),
            title: c.title.as_str().to_owned(),
            description: c.description.as_str().to_owned(),
            active: c.active,
            policy: (&c.policy).into(),
            created_at: c.created_at,
        }
    }
}

/// `POST /courses`: a new course.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewCourseRequest {
    /// 1..=32 letters, digits, `.`, `_` or `-`, starting with a letter or digit; stored
    /// upper-cased and unique in the organization.
    #[garde(length(max = 64))]
    #[schema(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    pub code: String,
    /// 1..=200 characters.
    #[garde(length(max = 1024))]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 200)]
    pub title: String,
    /// Up to 5000 characters; empty when absent.
    #[garde(length(max = 20_000))]
    #[schema(pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length = 5000)]
    pub description: Option<String>,
    /// Policy terms of its own (absent or `null` terms: the organization's).
    #[garde(dive)]
    #[serde(default, deserialize_with = "super::objects::optional_object")]
    pub policy: Option<PolicyTermsRequest>,
}

/// The terms of a `policy` object, checked; field paths under `policy.`.
fn policy_patch(v: &mut Validator, policy: Option<&PolicyTermsRequest>) -> Option<PolicyTermsPatch> {
    let Some(policy) = policy else { return Some(PolicyTermsPatch::default()) };
    v.nested("policy", PolicyTermsPatch::parse(&policy.raw()))
}

impl NewCourseRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<NewCourse, ValidationErrors> {
        let mut v = Validator::default();
        let code = v.field("code", CourseCode::parse(&self.code));
        let title = v.field("title", CourseTitle::parse(&self.title));
        let description = v.field("description", CourseDescription::parse(self.description.as_deref().unwrap_or("")));
        let policy = policy_patch(&mut v, self.policy.as_ref());
        match (code, title, description, policy) {
            (Some(code), Some(title), Some(description), Some(policy)) => {
                Ok(NewCourse { code, title, description, policy: PolicyTerms::default().apply(&policy) })
            }
            _ => Err(v.into_errors()),
        }
    }
}

/// `PATCH /courses/{id}`: any of the fields.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CoursePatchRequest {
    /// A new title (1..=200 characters).
    #[garde(length(max = 1024))]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 200)]
    pub title: Option<String>,
    /// A new description (up to 5000 characters).
    #[garde(length(max = 20_000))]
    #[schema(pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length = 5000)]
    pub description: Option<String>,
    /// Open (true) or close (false) the course for new sessions.
    #[garde(skip)]
    pub active: Option<bool>,
    /// Policy terms to set, or to clear with `null` (back to the organization's); bookings
    /// already made keep the terms they were made under.
    #[garde(dive)]
    #[serde(default, deserialize_with = "super::objects::optional_object")]
    pub policy: Option<PolicyTermsRequest>,
}

impl CoursePatchRequest {
    /// The patch, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<CoursePatch, ValidationErrors> {
        let mut v = Validator::default();
        let title = v.optional("title", self.title.as_deref().map(CourseTitle::parse));
        let description = v.optional("description", self.description.as_deref().map(CourseDescription::parse));
        let policy = policy_patch(&mut v, self.policy.as_ref());
        match (title, description, policy) {
            (Some(title), Some(description), Some(policy)) => {
                Ok(CoursePatch { title, description, active: self.active, policy })
            }
            _ => Err(v.into_errors()),
        }
    }
}
