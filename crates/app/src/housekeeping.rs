//! Housekeeping that keeps tables bounded: expired idempotency outcomes (kept 24 hours) are
//! deleted every minute, in batches small enough to hold no lock for long. It runs beside the
//! email worker (`WORKER_ENABLED`); several instances doing it at once only share the work.

use std::sync::Arc;
use std::time::Duration;

use domain::shared::Clock;
use edge::IdempotencyStore;
use tokio::task::JoinHandle;

/// How often expired outcomes are looked for.
pub const EVERY: Duration = Duration::from_secs(60);

/// Rows deleted per statement.
pub const BATCH: u32 = 500;

/// Deletes every outcome expired now, a batch at a time; returns how many.
///
/// # Errors
/// The store's, after the batches already deleted.
pub async fn purge_expired(keys: &dyn IdempotencyStore, clock: &dyn Clock) -> Result<u64, domain::store::StoreError> {
    let mut total = 0;
    loop {
        let deleted = keys.purge_expired(clock.now(), BATCH).await?;
        total += deleted;
        if deleted < u64::from(BATCH) {
            return Ok(total);
        }
    }
}

/// The periodic task; stops when dropped.
pub struct Housekeeping {
    task: JoinHandle<()>,
}

impl Housekeeping {
    /// Starts purging every [`EVERY`].
    pub fn spawn(keys: Arc<dyn IdempotencyStore>, clock: Arc<dyn Clock>) -> Self {
        let task = tokio::spawn(async move {
            loop {
                match purge_expired(&*keys, &*clock).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::debug!(deleted, "expired idempotency outcomes deleted"),
                    Err(error) => tracing::warn!(error = %error, "expired idempotency outcomes not deleted"),
                }
                tokio::time::sleep(EVERY).await;
            }
        });
        Self { task }
    }
}

impl Drop for Housekeeping {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use chrono::{DateTime, Utc};
    use domain::shared::SystemClock;
    use domain::store::StoreError;
    use edge::Opening;

    use super::*;

    /// Deletes from a pile of `left` expired outcomes, at most `limit` a call.
    struct Pile {
        left: Mutex<u64>,
        calls: Mutex<u32>,
    }

    #[async_trait]
    impl IdempotencyStore for Pile {
        async fn open(&self, _: &str, _: DateTime<Utc>) -> Result<Opening, StoreError> {
            Ok(Opening::InProgress)
        }

        async fn purge_expired(&self, _: DateTime<Utc>, limit: u32) -> Result<u64, StoreError> {
            *self.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
            let mut left = self.left.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let deleted = (*left).min(u64::from(limit));
            *left -= deleted;
            Ok(deleted)
        }
    }

    #[tokio::test]
    async fn purging_goes_on_by_batches_until_one_is_short() {
        for (pile, calls) in [(0, 1), (499, 1), (500, 2), (1_003, 3)] {
            let keys = Pile { left: Mutex::new(pile), calls: Mutex::new(0) };
            assert_eq!(purge_expired(&keys, &SystemClock).await.ok(), Some(pile));
            assert_eq!(*keys.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner), calls, "{pile}");
        }
    }
}
