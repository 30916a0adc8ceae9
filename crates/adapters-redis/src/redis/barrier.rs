//! [`Barrier`]: a round trip on a thread's connection that began after the caller did, shared
//! by every caller that waits at the same time (one `PING` in flight per connection).
//!
//! Why: a tracked read is as fresh as the connection's last reply (see `Op::Tracked`), so a caller
//! that needs "every write completed before I began" waits for a reply to a command *sent
//! after it began*. Callers that arrive while a `PING` is in flight cannot use that one (it may
//! have been sent before a write they must see); they wait for the next, which one of them
//! sends when the current one is answered. Under load that is one `PING` per round-trip time
//! per connection, however many requests wait. The caller that is to send a `PING` first
//! yields once, so that the requests already runnable on its thread reach the barrier and
//! join it: it is sent after they all began.

use std::future::Future;
use std::pin::pin;
use std::sync::{Mutex, MutexGuard, PoisonError};

use domain::store::StoreError;
use tokio::sync::Notify;

/// The `PING` generations of one connection.
#[derive(Debug, Default)]
pub(crate) struct Barrier {
    state: Mutex<State>,
    answered: Notify,
}

#[derive(Debug, Default)]
struct State {
    /// The generation of the last `PING` sent (0: none yet).
    sent: u64,
    /// The latest generation answered.
    answered: u64,
    /// Whether a `PING` is in flight (or about to be: see `gathering`).
    in_flight: bool,
    /// Whether the generation `sent` is claimed but its `PING` not yet sent: callers arriving
    /// now began before it is sent, so they may pass on it.
    gathering: bool,
}

/// Clears `in_flight` and wakes the waiters when the sender finishes or is dropped mid-way
/// (a cancelled request must not leave the others waiting for a `PING` nobody sends).
struct Sending<'a>(&'a Barrier);

impl Drop for Sending<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        (state.in_flight, state.gathering) = (false, false);
        drop(state);
        self.0.answered.notify_waiters();
    }
}

impl Barrier {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns once a round trip `ping` sent after this call began was answered: by this
    /// caller's own `ping`, or another caller's that was sent after this one began.
    ///
    /// # Errors
    /// The error of this caller's own `ping`; a failed `PING` of another caller makes the
    /// waiters try their own.
    pub(crate) async fn pass<F, Fut>(&self, ping: F) -> Result<(), StoreError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<(), StoreError>>,
    {
        let needed = {
            let state = self.lock();
            if state.gathering { state.sent } else { state.sent + 1 }
        };
        loop {
            let mut answered = pin!(self.answered.notified());
            // Registered before the state is read: a notification in between is not lost.
            answered.as_mut().enable();
            let generation = {
                let mut state = self.lock();
                if state.answered >= needed {
                    return Ok(());
                }
                if state.in_flight {
                    None
                } else {
                    (state.in_flight, state.gathering) = (true, true);
                    state.sent += 1;
                    Some(state.sent)
                }
            };
            let Some(generation) = generation else {
                answered.await;
                continue;
            };
            let sending = Sending(self);
            // Let the requests already runnable on this thread reach the barrier first: they
            // join this generation, and one `PING` answers them all.
            tokio::task::yield_now().await;
            self.lock().gathering = false;
            let outcome = ping().await;
            if outcome.is_ok() {
                let mut state = self.lock();
                state.answered = state.answered.max(generation);
            }
            drop(sending);
            return outcome;
        }
    }

    /// How many `PING`s were sent or claimed (for tests).
    #[cfg(test)]
    fn sent(&self) -> u64 {
        self.lock().sent
    }

    /// Whether a claimed `PING` is not sent yet (for tests).
    #[cfg(test)]
    fn gathering(&self) -> bool {
        self.lock().gathering
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use anyhow::anyhow;
    use futures_util::FutureExt as _;
    use futures_util::future::join_all;

    use super::*;

    /// A `PING` that takes 20 ms and counts itself.
    fn slow_ping(
        count: &Arc<AtomicU64>,
    ) -> impl Fn() -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send>> + Send + use<> {
        let count = Arc::clone(count);
        move || {
            let count = Arc::clone(&count);
            Box::pin(async move {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok(())
            })
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn callers_that_begin_before_the_ping_is_sent_share_it() {
        let barrier = Barrier::default();
        let count = Arc::new(AtomicU64::new(0));
        let ping = slow_ping(&count);
        // The first claims a PING and yields before sending it; the 20 others begin meanwhile.
        let all = join_all((0..21).map(|_| barrier.pass(&ping)));
        assert!(all.await.into_iter().all(|r| r.is_ok()));
        assert_eq!(count.load(Ordering::SeqCst), 1, "one PING, sent after all of them began");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn callers_that_begin_while_a_ping_is_in_flight_share_the_next() {
        let barrier = Arc::new(Barrier::default());
        let count = Arc::new(AtomicU64::new(0));
        let first = {
            let (barrier, ping) = (Arc::clone(&barrier), slow_ping(&count));
            tokio::spawn(async move { barrier.pass(&ping).await })
        };
        in_flight(&barrier).await;
        let ping = slow_ping(&count);
        let others = join_all((0..20).map(|_| barrier.pass(&ping)));
        assert!(others.await.into_iter().all(|r| r.is_ok()));
        first.await.unwrap().unwrap();
        assert_eq!(count.load(Ordering::SeqCst), 2, "one PING for the first, one shared by the rest");
    }

    /// Yields until the barrier's claimed `PING` is sent.
    async fn in_flight(barrier: &Barrier) {
        while barrier.sent() == 0 || barrier.gathering() {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_caller_never_passes_on_a_ping_sent_before_it_began() {
        let barrier = Arc::new(Barrier::default());
        let count = Arc::new(AtomicU64::new(0));
        let ping = slow_ping(&count);
        let early = {
            let (barrier, ping) = (Arc::clone(&barrier), slow_ping(&count));
            tokio::spawn(async move { barrier.pass(&ping).await })
        };
        in_flight(&barrier).await;
        assert_eq!(barrier.sent(), 1, "the early caller's PING is in flight");
        barrier.pass(&ping).await.unwrap();
        assert_eq!(barrier.sent(), 2, "the late caller waited for a PING of its own generation");
        early.await.unwrap().unwrap();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_failed_ping_fails_its_sender_and_the_waiters_try_their_own() {
        let barrier = Barrier::default();
        let calls = AtomicU64::new(0);
        let ping = || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                if n == 0 { Err(StoreError::Unavailable(anyhow!("down"))) } else { Ok(()) }
            }
        };
        let (first, second) = tokio::join!(barrier.pass(ping), barrier.pass(ping));
        assert!(first.is_err());
        second.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_sender_dropped_mid_way_does_not_strand_the_waiters() {
        let barrier = Barrier::default();
        let never = || std::future::pending::<Result<(), StoreError>>();
        let quick = || async { Ok::<(), StoreError>(()) };
        {
            let mut stuck = pin!(barrier.pass(never));
            // Polled once: its PING is in flight; then it is dropped (the request went away).
            assert!(stuck.as_mut().now_or_never().is_none());
        }
        tokio::time::timeout(Duration::from_secs(1), barrier.pass(quick)).await.unwrap().unwrap();
    }
}
