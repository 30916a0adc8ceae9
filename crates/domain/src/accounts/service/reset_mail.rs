//! The worker's side of a password reset: each queued request becomes a reset email when its
//! address is a user's of the academy it names and that user is under the per-user bound, and
//! nothing otherwise. The request path (`password_reset`) only queued it.

use super::AccountService;
use crate::accounts::model::{RESET_EMAIL_WINDOW, RESET_EMAILS_PER_WINDOW, ResetRequest, TokenPurpose};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::store::{Repositories, StoreError};

use_case_error! {
    /// Errors of [`AccountService::process_reset_requests`].
    pub enum ProcessResetRequestsError {}
}

/// What became of one reset request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetOutcome {
    /// A reset link was mailed.
    Mailed,
    /// The academy does not exist or the address has no account there: nothing is sent.
    NoAccount,
    /// The user already got [`RESET_EMAILS_PER_WINDOW`] reset emails within the window: nothing
    /// more is sent.
    BoundReached,
}

impl AccountService {
    /// Answers up to `limit` queued reset requests, oldest first (the worker calls it). Each is
    /// taken off the queue in the transaction that answers it: a reset link (token and email
    /// committed together), or nothing. Returns what became of each; an empty list when the
    /// queue is empty.
    ///
    /// # Errors
    /// Store failures: the request being answered stays queued (its transaction rolled back)
    /// and is answered on a later call; the outcomes of those answered before are committed.
    #[tracing::instrument(skip_all, name = "accounts.process_reset_requests")]
    pub async fn process_reset_requests(&self, limit: u32) -> Result<Vec<ResetOutcome>, ProcessResetRequestsError> {
        let mut outcomes = Vec::new();
        for _ in 0..limit {
            match retry_transient(|| self.try_answer_reset()).await? {
                Some(outcome) => outcomes.push(outcome),
                None => break,
            }
        }
        Ok(outcomes)
    }

    async fn try_answer_reset(&self) -> Result<Option<ResetOutcome>, ProcessResetRequestsError> {
        let tx = self.core.store.begin().await?;
        let Some(request) = tx.one_time_tokens().take_reset_request().await? else {
            return Ok(None);
        };
        let outcome = self.answer_reset(&*tx, &request).await?;
        tx.commit().await?;
        Ok(Some(outcome))
    }

    async fn answer_reset(&self, tx: &dyn Repositories, request: &ResetRequest) -> Result<ResetOutcome, StoreError> {
        let Some(found) = tx.users().find_credentials(&request.organization_slug, &request.email).await? else {
            return Ok(ResetOutcome::NoAccount);
        };
        // The user's row lock serializes every worker answering a request for this user (on
        // any instance), so that counting the recent links and issuing one are one decision:
        // the bound holds under any concurrency.
        let Some(user) = tx.users().lock(found.user.organization_id, found.user.id).await? else {
            return Ok(ResetOutcome::NoAccount);
        };
        let since = self.core.now() - RESET_EMAIL_WINDOW;
        let recent = tx
            .one_time_tokens()
            .count_issued_since(user.organization_id, user.id, TokenPurpose::PasswordReset, since)
            .await?;
        if recent >= RESET_EMAILS_PER_WINDOW {
            return Ok(ResetOutcome::BoundReached);
        }
        self.mail_link(tx, &user, TokenPurpose::PasswordReset, |token| EmailPayload::PasswordReset { token }).await?;
        Ok(ResetOutcome::Mailed)
    }
}
