//! A small circuit breaker shared by every port built on one [`super::RedisStore`]: after Redis
//! failed to answer (connection error or timeout), calls fail at once for a cooldown instead of
//! each waiting out its own timeout, then one call at a time tries again.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::memory::lock;

/// Closed (calls go through) or open (calls fail fast until `retry_at`).
#[derive(Debug)]
pub(crate) struct Breaker {
    cooldown: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Closed,
    /// Failing fast; the first call at or after `retry_at` goes through as a probe, and moves
    /// `retry_at` one cooldown further so that no other call follows it before it has answered.
    Open {
        retry_at: Instant,
    },
}

impl Breaker {
    pub(crate) fn new(cooldown: Duration) -> Self {
        Self { cooldown, state: Mutex::new(State::Closed) }
    }

    /// Whether a call may go to Redis now; `false`: fail it fast.
    pub(crate) fn admit(&self) -> bool {
        let mut state = lock(&self.state);
        match *state {
            State::Closed => true,
            State::Open { retry_at } => {
                let now = Instant::now();
                if now < retry_at {
                    return false;
                }
                *state = State::Open { retry_at: now + self.cooldown };
                true
            }
        }
    }

    /// Redis answered (even with an error of the script or the data): close the breaker.
    pub(crate) fn succeeded(&self) {
        let mut state = lock(&self.state);
        if let State::Open { .. } = *state {
            tracing::info!("redis answers again: circuit breaker closed");
            *state = State::Closed;
        }
    }

    /// Redis did not answer: open the breaker (again) for a cooldown.
    pub(crate) fn failed(&self, error: &anyhow::Error) {
        let mut state = lock(&self.state);
        if let State::Closed = *state {
            tracing::warn!(
                error = format!("{error:#}"),
                cooldown_ms = self.cooldown.as_millis(),
                "redis unavailable: circuit breaker open, calls fail fast until it answers again"
            );
        }
        *state = State::Open { retry_at: Instant::now() + self.cooldown };
    }

    /// Whether calls are failing fast right now (for health reports).
    pub(crate) fn is_open(&self) -> bool {
        matches!(*lock(&self.state), State::Open { retry_at } if Instant::now() < retry_at)
    }
}
