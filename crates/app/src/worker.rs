//! The outbox worker: claims due emails and delivers them through the mailer, a few at a time,
//! until told to stop; it finishes the emails in hand before stopping. Idle, it polls once a
//! second.

use std::time::Duration;

use domain::notifications::OutboxService;
use futures_util::future::join_all;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long the worker waits when there is nothing to send, or after a store failure.
pub const IDLE_POLL: Duration = Duration::from_secs(1);

/// A running worker.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Starts delivering, `concurrency` emails at a time, polling every `poll` when idle.
    pub fn spawn(outbox: OutboxService, concurrency: u32, poll: Duration) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            while !*stopped.borrow() {
                let wait = match outbox.claim_due(concurrency).await {
                    Ok(batch) if batch.is_empty() => poll,
                    Ok(batch) => {
                        for result in join_all(batch.iter().map(|m| outbox.deliver(m))).await {
                            if let Err(e) = result {
                                tracing::warn!(error = %e, "recording a delivery failed; the message will be claimed again");
                            }
                        }
                        Duration::ZERO
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming emails failed");
                        poll
                    }
                };
                if !wait.is_zero() {
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        _ = stopped.changed() => {}
                    }
                }
            }
        });
        Self { stop, task }
    }

    /// Stops after the emails in hand are delivered.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
