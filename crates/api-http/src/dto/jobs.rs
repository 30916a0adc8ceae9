//! Bodies of the admin job API (`GET /admin/jobs`, `POST /admin/jobs/{id}/retry`): the email
//! outbox as jobs an admin inspects and retries.

use chrono::{DateTime, Utc};
use domain::notifications::{JobStatus, OutboxMessage};
use domain::shared::{PageRequest, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cursor::PagedList;
use super::paging::with_page;

/// `GET /admin/jobs`: `?status` and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// Only jobs in this state: `pending`, `retrying`, `dead` or `sent`.
    #[param(inline, value_type = Option<super::schemas::JobStatusName>)]
    pub status: Option<String>,
    /// Rows per page (1..=100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl JobQuery {
    /// The status filter and the page.
    ///
    /// # Errors
    /// Every refused parameter.
    pub fn try_into_domain(&self) -> Result<(Option<JobStatus>, PageRequest), ValidationErrors> {
        let mut v = Validator::default();
        let status = v.optional("status", self.status.as_deref().map(JobStatus::parse));
        with_page(PagedList::Jobs, v, status, self.limit, self.cursor.as_deref())
    }
}

/// One email job.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobResponse {
    /// The job (also the base of the email's `Message-ID`).
    pub id: Uuid,
    /// Which email: `email_verification`, `booking_confirmation`, …
    pub kind: String,
    /// The recipient's address.
    pub recipient: String,
    /// `pending`, `retrying`, `dead` or `sent`.
    pub status: String,
    /// Delivery attempts made.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (null once sent or dead).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

impl From<&OutboxMessage> for JobResponse {
    fn from(m: &OutboxMessage) -> Self {
        let waiting = matches!(m.status, JobStatus::Pending | JobStatus::Retrying);
        Self {
            id: m.id.as_uuid(),
            kind: m.payload.kind().as_str().to_owned(),
            recipient: m.recipient.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            last_error: m.last_error.clone(),
            next_attempt_at: waiting.then_some(m.next_attempt_at),
            created_at: m.created_at,
        }
    }
}
