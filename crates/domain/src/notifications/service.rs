//! Use cases of the notifications context: queueing emails (for every other context), delivering
//! due messages (the worker), and the admin job API.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::model::{Claim, EmailPayload, JobStatus, OutboxCounts, OutboxMessage};
use super::ports::{MailError, Mailer};
use super::retry_policy::{AfterFailure, RetryPolicy};
use crate::shared::error::use_case_error;
use crate::shared::{
    Actor, Clock, Cursor, Email, IdGenerator, Operation, OrganizationId, OutboxMessageId, Page, PageRequest,
};
use crate::store::{Repositories, Store, StoreError};

/// Builds outbox messages with fresh ids and queues them inside the caller's transaction.
#[derive(Clone)]
pub struct OutboxWriter {
    ids: Arc<dyn IdGenerator>,
    clock: Arc<dyn Clock>,
}

impl OutboxWriter {
    /// A writer using these ports.
    pub fn new(ids: Arc<dyn IdGenerator>, clock: Arc<dyn Clock>) -> Self {
        Self { ids, clock }
    }

    /// Queues one email to one recipient through `repos` (a transaction, so that the email is
    /// sent if and only if the change that causes it commits).
    ///
    /// # Errors
    /// Store failures.
    #[tracing::instrument(skip_all, name = "notifications.queue")]
    pub async fn queue(
        &self,
        repos: &dyn Repositories,
        organization: OrganizationId,
        recipient: &Email,
        recipient_name: &str,
        payload: EmailPayload,
    ) -> Result<(), StoreError> {
        let message = OutboxMessage::new(
            self.ids.new_uuid().into(),
            organization,
            recipient.clone(),
            recipient_name,
            payload,
            self.clock.now(),
        );
        repos.outbox().enqueue(&message).await
    }
}

/// The result of one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The mail server accepted the message.
    Sent,
    /// The attempt failed; another is scheduled.
    Retrying,
    /// The attempt failed for good.
    Dead,
    /// The outcome was not recorded: the claim had run out (another worker holds the message
    /// now) or an admin requeued it meanwhile.
    Superseded,
}

use_case_error! {
    /// Errors of [`OutboxService::list_jobs`].
    pub enum ListJobsError { Forbidden }
}

use_case_error! {
    /// Errors of [`OutboxService::retry_job`].
    pub enum RetryJobError { Forbidden, NotFound, JobNotRetryable }
}

fn superseded(claim: Claim) -> Delivery {
    tracing::warn!(message = %claim.id, "outbox claim ran out or was requeued during delivery; outcome not recorded");
    Delivery::Superseded
}

/// One message sent, or refused, whose outcome is not recorded yet: what
/// [`OutboxService::send`] returns and [`OutboxService::record`] writes down.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an attempt is lost unless it is recorded"]
pub struct Attempt {
    claim: Claim,
    /// Attempts made, this one included.
    attempts: u32,
    failure: Option<MailError>,
}

impl Attempt {
    /// The message and the claim it was sent under.
    pub const fn claim(&self) -> Claim {
        self.claim
    }

    /// Why the mail server refused it, or `None` when it accepted it.
    pub const fn failure(&self) -> Option<&MailError> {
        self.failure.as_ref()
    }
}

/// Delivers queued emails and lets admins inspect and retry them.
#[derive(Clone)]
pub struct OutboxService {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl OutboxService {
    /// A service delivering through `mailer` with the retry `policy`.
    pub fn new(store: Arc<dyn Store>, mailer: Arc<dyn Mailer>, clock: Arc<dyn Clock>, policy: RetryPolicy) -> Self {
        Self { store, mailer, clock, policy }
    }

    /// The retry policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Claims up to `limit` due messages for this worker (hidden from others for the lease).
    ///
    /// # Errors
    /// Store failures.
    #[tracing::instrument(skip_all, name = "notifications.claim_due")]
    pub async fn claim_due(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.store.outbox().claim_due(self.clock.now(), limit, self.policy.lease).await
    }

    /// Sends one claimed message. Nothing is recorded yet: [`OutboxService::record`] writes
    /// the outcome of a batch of attempts at once.
    ///
    /// # Errors
    /// `Unexpected` for a message that was not claimed (it is not sent).
    #[tracing::instrument(skip_all, name = "notifications.send")]
    pub async fn send(&self, message: &OutboxMessage) -> Result<Attempt, StoreError> {
        let claim = message.claim().ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("outbox message {} delivered without a claim", message.id))
        })?;
        let failure = self.mailer.send(message).await.err();
        Ok(Attempt { claim, attempts: message.attempts.saturating_add(1), failure })
    }

    /// Records the outcomes of `attempts`, each under its claim: every accepted message in one
    /// write (`sent`), then each failure (`retrying` with a backoff, or `dead` for a permanent
    /// refusal or the last attempt). Returns each attempt's delivery, in order.
    ///
    /// # Errors
    /// Store failures: the outcomes not yet recorded are lost with them, their leases expire and
    /// the messages are claimed and sent again (at least once; the `Message-ID` is the same).
    #[tracing::instrument(skip_all, name = "notifications.record", fields(attempts = attempts.len()))]
    pub async fn record(&self, attempts: &[Attempt]) -> Result<Vec<Delivery>, StoreError> {
        let now = self.clock.now();
        let accepted: Vec<Claim> = attempts.iter().filter(|a| a.failure.is_none()).map(|a| a.claim).collect();
        let sent = if accepted.is_empty() { Vec::new() } else { self.store.outbox().mark_sent(&accepted, now).await? };
        let mut deliveries = Vec::with_capacity(attempts.len());
        for attempt in attempts {
            let delivery = match &attempt.failure {
                None if sent.contains(&attempt.claim.id) => Delivery::Sent,
                None => superseded(attempt.claim),
                Some(failure) => self.record_failure(attempt.claim, attempt.attempts, failure, now).await?,
            };
            deliveries.push(delivery);
        }
        Ok(deliveries)
    }

    async fn record_failure(
        &self,
        claim: Claim,
        attempts: u32,
        failure: &MailError,
        now: DateTime<Utc>,
    ) -> Result<Delivery, StoreError> {
        let (error, permanent) = match failure {
            MailError::Transient(e) => (e, false),
            MailError::Permanent(e) => (e, true),
        };
        let (retry_at, outcome) = match self.policy.after_failure(claim.id, attempts, permanent, now) {
            AfterFailure::RetryAt(at) => (Some(at), Delivery::Retrying),
            AfterFailure::Dead => (None, Delivery::Dead),
        };
        let recorded = self.store.outbox().mark_failed(claim, attempts, error, retry_at).await?;
        Ok(if recorded { outcome } else { superseded(claim) })
    }

    /// Sends one claimed message and records the outcome under its claim: `sent`, `retrying`
    /// with a backoff, or `dead` (permanent refusal or last attempt).
    ///
    /// # Errors
    /// Store failures while recording the outcome (the lease then expires and the message is
    /// claimed again); `Unexpected` for a message that was not claimed.
    #[tracing::instrument(skip_all, name = "notifications.deliver")]
    pub async fn deliver(&self, message: &OutboxMessage) -> Result<Delivery, StoreError> {
        let attempt = self.send(message).await?;
        let mut recorded = self.record(std::slice::from_ref(&attempt)).await?;
        recorded.pop().ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("no outcome recorded for one attempt")))
    }

    /// Claims one batch, sends its messages one after another, then records their outcomes
    /// together; returns how many were claimed.
    ///
    /// # Errors
    /// Store failures.
    #[tracing::instrument(skip_all, name = "notifications.deliver_due")]
    pub async fn deliver_due(&self, limit: u32) -> Result<usize, StoreError> {
        let batch = self.claim_due(limit).await?;
        let mut attempts = Vec::with_capacity(batch.len());
        for message in &batch {
            attempts.push(self.send(message).await?);
        }
        self.record(&attempts).await?;
        Ok(batch.len())
    }

    /// Pending and dead counts, for health and metrics.
    ///
    /// # Errors
    /// Store failures.
    #[tracing::instrument(skip_all, name = "notifications.counts")]
    pub async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        self.store.outbox().counts().await
    }

    /// Jobs of the organization, newest first (`GET /admin/jobs`, admin only).
    ///
    /// # Errors
    /// `Forbidden` for non-admins.
    #[tracing::instrument(skip_all, name = "notifications.list_jobs")]
    pub async fn list_jobs(
        &self,
        actor: &Actor,
        status: Option<JobStatus>,
        page: &PageRequest,
    ) -> Result<Page<OutboxMessage>, ListJobsError> {
        if !actor.may(Operation::ListJobs) {
            return Err(ListJobsError::Forbidden);
        }
        let rows = self.store.outbox().list(actor.organization_id, status, page).await?;
        Ok(Page::from_overfetch(rows, page, |m| Cursor::instant(m.created_at, m.id)))
    }

    /// Queues a dead or retrying job again (`POST /admin/jobs/{id}/retry`, admin only). A
    /// pending job is already queued and is left as it is.
    ///
    /// # Errors
    /// `Forbidden` for non-admins, `NotFound` for another organization's or an unknown job,
    /// `JobNotRetryable` for a job already sent, or a dead link email whose token was erased
    /// (the user asks for a new link instead: a reset, or a new verification email).
    #[tracing::instrument(skip_all, name = "notifications.retry_job")]
    pub async fn retry_job(&self, actor: &Actor, id: OutboxMessageId) -> Result<(), RetryJobError> {
        if !actor.may(Operation::RetryJob) {
            return Err(RetryJobError::Forbidden);
        }
        let job = self.store.outbox().get(actor.organization_id, id).await?.ok_or(RetryJobError::NotFound)?;
        match job.status {
            JobStatus::Sent => Err(RetryJobError::JobNotRetryable),
            _ if matches!(job.payload, EmailPayload::LinkErased { .. }) => Err(RetryJobError::JobNotRetryable),
            JobStatus::Pending => Ok(()),
            JobStatus::Dead | JobStatus::Retrying => {
                self.store.outbox().requeue(actor.organization_id, id, self.clock.now()).await?;
                Ok(())
            }
        }
    }
}
