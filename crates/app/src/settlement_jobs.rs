//! The periodic jobs of settlement, beside the email worker (`WORKER_ENABLED`): bundles past
//! their `validTo` get their `expire` ledger entry, and TAs with sessions waiting for attendance
//! get their morning digest. Both are safe to run on several instances at once: expiry locks
//! the bundles it closes (skipping others' locks) and moves each balance by a conditional
//! update; a digest is queued with its (TA, local day) row, which the database keeps unique.

use std::time::Duration;

use domain::attendance::AttendanceService;
use domain::bundles::BundleService;
use tokio::task::JoinHandle;

/// How often the jobs run in production: a bundle expires, and a digest goes out, within this
/// long of being due (the contract asks for a minute).
pub const EVERY: Duration = Duration::from_secs(30);

/// Runs both jobs once; failures are logged and retried on the next round.
pub async fn run_once(bundles: &BundleService, attendance: &AttendanceService) {
    match bundles.expire_due().await {
        Ok(0) => {}
        Ok(expired) => tracing::info!(expired, "bundles expired"),
        Err(error) => tracing::warn!(error = %error, "expiring bundles failed; retried next round"),
    }
    match attendance.queue_digests().await {
        Ok(0) => {}
        Ok(queued) => tracing::info!(queued, "attendance digests queued"),
        Err(error) => tracing::warn!(error = %error, "queuing attendance digests failed; retried next round"),
    }
}

/// The periodic task; stops when dropped.
pub struct SettlementJobs {
    task: JoinHandle<()>,
}

impl SettlementJobs {
    /// Runs the jobs every `every`.
    pub fn spawn(bundles: BundleService, attendance: AttendanceService, every: Duration) -> Self {
        let task = tokio::spawn(async move {
            loop {
                run_once(&bundles, &attendance).await;
                tokio::time::sleep(every).await;
            }
        });
        Self { task }
    }
}

impl Drop for SettlementJobs {
    fn drop(&mut self) {
        self.task.abort();
    }
}
