//! A password-reset request waiting for the worker, and the bound on reset emails.
//!
//! `POST /auth/password-reset` only queues the request as the client made it (an academy's slug
//! and an email, whether or not they name an account); the worker finds the user and mails the
//! link, or does nothing. The request path thus does the same work for every address.

use chrono::{DateTime, TimeDelta, Utc};

use crate::shared::{Email, ResetRequestId};
use crate::tenancy::Slug;

/// At most this many reset emails go to one user in [`RESET_EMAIL_WINDOW`], whatever the client
/// IPs asking. A reset link lives an hour, so within that hour any of these links works: a user
/// who did not get three has a delivery problem a fourth will not fix, while an attacker
/// rotating addresses to flood a mailbox is held to three emails an hour.
pub const RESET_EMAILS_PER_WINDOW: u32 = 3;

/// The sliding window of [`RESET_EMAILS_PER_WINDOW`].
pub const RESET_EMAIL_WINDOW: TimeDelta = TimeDelta::hours(1);

/// A queued password-reset request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRequest {
    /// Its id.
    pub id: ResetRequestId,
    /// The academy named by the client (it may not exist).
    pub organization_slug: Slug,
    /// The address named by the client (it may have no account there).
    pub email: Email,
    /// When it was made.
    pub requested_at: DateTime<Utc>,
}
