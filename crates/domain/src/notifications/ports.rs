//! Ports of the notifications context: the outbox table and the mailer.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::model::{Claim, JobStatus, OutboxCounts, OutboxMessage};
use crate::shared::{OrganizationId, OutboxMessageId, PageRequest};
use crate::store::StoreError;

/// The transactional outbox.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OutboxRepository: Send + Sync {
    /// Queues a message. Inside a transaction it commits with the change that caused it.
    ///
    /// # Errors
    /// Only store failures.
    async fn enqueue(&self, message: &OutboxMessage) -> Result<(), StoreError>;

    /// Claims up to `limit` due messages (`pending` or `retrying` with `next_attempt_at <= now`)
    /// for one worker: a claimed message MUST NOT be returned to another claim before
    /// `now + lease` (PostgreSQL: `FOR UPDATE SKIP LOCKED` and a lease column), so that several
    /// workers never send one message concurrently, while a message whose worker died is
    /// claimed again after the lease.
    ///
    /// # Errors
    /// Only store failures.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease: TimeDelta,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Records that the mail server accepted these messages (`sent` at `at`, one more attempt
    /// counted), all in one write — each only if it is still held under its claim (its
    /// `leased_until`). The same write erases the link token of verification, reset and
    /// invitation emails: read back, their payload is
    /// [`EmailPayload::LinkErased`](crate::notifications::EmailPayload::LinkErased). Returns the
    /// ids recorded: a worker whose lease ran out (another worker claimed the message since) or
    /// whose message an admin requeued records nothing for it.
    ///
    /// # Errors
    /// Only store failures (then nothing is recorded).
    async fn mark_sent(&self, claims: &[Claim], at: DateTime<Utc>) -> Result<Vec<OutboxMessageId>, StoreError>;

    /// Records a failed attempt — only under `claim`, like [`OutboxRepository::mark_sent`]:
    /// `attempts` and `last_error` set, then `retrying` due at `retry_at` (the message unchanged
    /// otherwise), or `dead` when `retry_at` is `None`, which erases a link token as
    /// [`OutboxRepository::mark_sent`] does. Returns whether it was recorded.
    ///
    /// # Errors
    /// Only store failures.
    async fn mark_failed(
        &self,
        claim: Claim,
        attempts: u32,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError>;

    /// Messages of the organization, newest first (`created_at` then id, descending),
    /// optionally of one status, at most `page.fetch_limit()`, strictly after the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(
        &self,
        organization: OrganizationId,
        status: Option<JobStatus>,
        page: &PageRequest,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// One message of the organization.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(&self, organization: OrganizationId, id: OutboxMessageId)
    -> Result<Option<OutboxMessage>, StoreError>;

    /// Queues a `dead` or `retrying` message again: `pending`, due at `now`, attempts reset to
    /// zero. Returns whether a message was requeued (false for `pending` or `sent`).
    ///
    /// # Errors
    /// Only store failures.
    async fn requeue(
        &self,
        organization: OrganizationId,
        id: OutboxMessageId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Pending and dead counts across all organizations.
    ///
    /// # Errors
    /// Only store failures.
    async fn counts(&self) -> Result<OutboxCounts, StoreError>;
}

/// Why a message could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth retrying: connection refused, timeout, a 4xx reply.
    #[error("transient mail failure: {0}")]
    Transient(String),
    /// Retrying will not help: a 5xx reply (unknown recipient, rejected content).
    #[error("permanent mail failure: {0}")]
    Permanent(String),
}

/// Delivers one outbox message.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Renders and sends the message. `Ok` MUST mean the mail server accepted it for its one
    /// recipient. The `Message-ID` MUST be derived from the message id, so that a resend after
    /// a crash is recognizable as the same email.
    ///
    /// # Errors
    /// `Transient` when a later attempt may succeed, `Permanent` when it will not.
    async fn send(&self, message: &OutboxMessage) -> Result<(), MailError>;
}
