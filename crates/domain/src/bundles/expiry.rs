//! Expiry: a bundle past its `validTo` with credits left gets an `expire` ledger entry taking
//! them, written by the worker shortly after. Each batch runs in one transaction over bundles it
//! locked (others' locks skipped), and the balance moves by a conditional update, so that every
//! bundle expires exactly once however many workers run.

use crate::audit::{AuditAction, TargetType};
use crate::bundles::{BundleService, LedgerEntry};
use crate::shared::RequestContext;
use crate::store::StoreError;

/// Bundles expired per transaction.
pub const EXPIRY_BATCH: u32 = 100;

impl BundleService {
    /// Expires every bundle due now, a batch per transaction; returns how many.
    ///
    /// # Errors
    /// Store failures (batches committed before stay committed).
    #[tracing::instrument(skip_all, name = "bundles.expire_due")]
    pub async fn expire_due(&self) -> Result<u32, StoreError> {
        let mut total = 0;
        loop {
            let (locked, expired) = self.expire_batch().await?;
            total += expired;
            if locked < EXPIRY_BATCH {
                return Ok(total);
            }
        }
    }

    /// One batch: how many bundles it locked, and how many of them it expired.
    async fn expire_batch(&self) -> Result<(u32, u32), StoreError> {
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let due = tx.bundles().lock_expiring(now, EXPIRY_BATCH).await?;
        let worker = RequestContext { request_id: "worker".to_owned(), ip: None, user_agent: None };
        let mut expired = 0;
        // `lock_expiring` returns only bundles past `validTo` with credits left.
        for bundle in &due {
            let credits = bundle.remaining_sessions;
            if !tx.bundles().take_remaining(bundle.organization_id, bundle.id, credits).await? {
                continue;
            }
            tx.bundles().append_ledger(&LedgerEntry::expire(self.core.new_id(), bundle, credits, now)).await?;
            let event = self
                .core
                .audit()
                .event(
                    bundle.organization_id,
                    AuditAction::LedgerExpire,
                    (TargetType::BundlePurchase, bundle.id.into()),
                    &worker,
                )
                .detail(format!("credits={credits} student={}", bundle.student_id));
            tx.audit().append(&event).await?;
            expired += 1;
        }
        tx.commit().await?;
        Ok((u32::try_from(due.len()).unwrap_or(u32::MAX), expired))
    }
}
