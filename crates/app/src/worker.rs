//! The outbox worker: answers the queued password-reset requests (a reset email, or nothing,
//! each in its own transaction), then claims a batch of due emails, sends them a few at a time,
//! records the batch's outcomes together, and goes on until told to stop; it finishes the batch
//! in hand before stopping. Idle, it polls once a second.

use std::time::Duration;

use chrono::TimeDelta;
use domain::accounts::AccountService;
use domain::notifications::OutboxService;
use futures_util::{StreamExt as _, stream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long the worker waits when there is nothing to send, or after a store failure.
pub const IDLE_POLL: Duration = Duration::from_secs(1);

/// The most sending rounds (of `concurrency` emails each) one batch may take.
const MAX_ROUNDS: u32 = 8;

/// How a worker runs.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Emails sent at a time (`WORKER_CONCURRENCY`).
    pub concurrency: u32,
    /// The longest one send may take (`SMTP_TIMEOUT_SECONDS`).
    pub send_timeout: Duration,
    /// How long to wait when there is nothing to send.
    pub poll: Duration,
}

/// How many emails to claim at once: up to [`MAX_ROUNDS`] rounds of `concurrency`, so that one
/// write records many outcomes, but no more rounds than fit, at `send_timeout` each, in half of
/// the claim's `lease` — the outcomes are then recorded while the claim still holds them.
fn batch_size(concurrency: u32, send_timeout: Duration, lease: TimeDelta) -> u32 {
    let half_lease = lease.to_std().unwrap_or_default() / 2;
    let fitting = half_lease.as_millis() / send_timeout.as_millis().max(1);
    let rounds = u32::try_from(fitting).unwrap_or(MAX_ROUNDS).clamp(1, MAX_ROUNDS);
    concurrency.max(1).saturating_mul(rounds)
}

/// A running worker.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Starts answering reset requests through `accounts` and delivering through `outbox`.
    pub fn spawn(outbox: OutboxService, accounts: AccountService, config: WorkerConfig) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let batch = batch_size(config.concurrency, config.send_timeout, outbox.policy().lease);
        let senders = usize::try_from(config.concurrency.max(1)).unwrap_or(1);
        let task = tokio::spawn(async move {
            while !*stopped.borrow() {
                // First, so that the reset emails they queue go out in this round.
                let answered = match accounts.process_reset_requests(batch).await {
                    Ok(outcomes) => outcomes.len(),
                    Err(e) => {
                        tracing::warn!(error = %e, "answering password-reset requests failed; they stay queued");
                        0
                    }
                };
                let wait = match outbox.claim_due(batch).await {
                    Ok(claimed) if claimed.is_empty() && answered == 0 => config.poll,
                    Ok(claimed) if claimed.is_empty() => Duration::ZERO,
                    Ok(claimed) => {
                        // Collected first: no closure is held across the await (it would not be
                        // `Send` for every borrow, as `tokio::spawn` needs).
                        let sends: Vec<_> = claimed.iter().map(|m| outbox.send(m)).collect();
                        let sent: Vec<_> = stream::iter(sends).buffered(senders).collect().await;
                        let attempts: Vec<_> = sent
                            .into_iter()
                            .filter_map(|attempt| {
                                attempt.map_err(|e| tracing::warn!(error = %e, "an email was not sent")).ok()
                            })
                            .collect();
                        if let Err(e) = outbox.record(&attempts).await {
                            tracing::warn!(error = %e, "recording deliveries failed; the messages will be claimed again");
                        }
                        Duration::ZERO
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming emails failed");
                        config.poll
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

    /// Stops after the batch in hand is delivered and recorded.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_as_many_rounds_as_fit_in_half_the_lease_up_to_eight() {
        let lease = TimeDelta::minutes(5);
        let secs = Duration::from_secs;
        assert_eq!(batch_size(4, secs(10), lease), 32, "15 rounds fit");
        assert_eq!(batch_size(4, secs(60), lease), 8, "2 rounds fit");
        assert_eq!(batch_size(4, secs(300), lease), 4, "at least one round");
        assert_eq!(batch_size(0, secs(10), lease), 8, "at least one sender");
        assert_eq!(batch_size(4, Duration::ZERO, lease), 32);
    }
}
