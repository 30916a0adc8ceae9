//! Keeps this instance's copy of the revocation list (`SharedStores::revocation_copy`) up to date
//! from the database, the revocations' truth: filled at start-up with the sessions revoked
//! within the last access-token lifetime, then every [`POLL`] with those revoked since the last
//! poll. A revocation that Redis never heard of (its instance could not reach it, or Redis
//! restarted empty) is thus refused by every instance within one poll of its commit.

use std::sync::Arc;
use std::time::Duration;

use adapters_redis::memory::MemoryRevocationList;
use chrono::{DateTime, TimeDelta, Utc};
use domain::accounts::{AccountService, RevocationList as _};
use domain::shared::Clock;
use domain::store::StoreError;
use tokio::task::JoinHandle;

/// How often the database is asked.
pub const POLL: Duration = Duration::from_secs(1);

/// How far before the previous poll each poll looks: a revocation is stamped with its
/// instance's clock before its transaction commits, so it can show up stamped earlier than a
/// poll that did not see it (a slow commit, a clock behind the others). Revocations seen twice
/// are simply refused again.
pub const OVERLAP: TimeDelta = TimeDelta::seconds(30);

/// Copies the sessions revoked at or after `since` into `copy`, refused for one access-token
/// lifetime from now (the longest any of their tokens can still live). Returns how many.
///
/// # Errors
/// When the database cannot be read.
pub async fn copy_revoked_since(
    accounts: &AccountService,
    copy: &MemoryRevocationList,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let revoked = accounts.revoked_since(since).await?;
    let until = now + accounts.access_token_lifetime();
    for session in &revoked {
        copy.revoke(*session, until).await?;
    }
    Ok(revoked.len())
}

/// The polling task; stops when dropped.
pub struct RevocationSync {
    task: JoinHandle<()>,
}

impl RevocationSync {
    /// Fills `copy` with the revocations of the last access-token lifetime, then keeps it up
    /// to date every [`POLL`].
    ///
    /// # Errors
    /// When the first fill fails (the database cannot be read at start-up).
    pub async fn start(
        accounts: AccountService,
        copy: Arc<MemoryRevocationList>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let started = clock.now();
        let restored =
            copy_revoked_since(&accounts, &copy, started - accounts.access_token_lifetime(), started).await?;
        tracing::debug!(restored, "revocation copy filled from the database");
        let task = tokio::spawn(async move {
            let mut last = started;
            loop {
                tokio::time::sleep(POLL).await;
                let now = clock.now();
                match copy_revoked_since(&accounts, &copy, last - OVERLAP, now).await {
                    Ok(_) => last = now,
                    Err(error) => tracing::warn!(error = %error, "revocation copy not refreshed; retrying"),
                }
            }
        });
        Ok(Self { task })
    }
}

impl Drop for RevocationSync {
    fn drop(&mut self) {
        self.task.abort();
    }
}
