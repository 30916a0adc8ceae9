//! Request rate limits in process memory: one theoretical arrival time (TAT) per key, decided
//! by the shared GCRA step [`Gcra::decide`], so that the in-process and Redis limiters give a
//! client the same answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use domain::shared::{Clock, SystemClock};
use domain::store::StoreError;
use edge::{Gcra, RateDecision, RateLimiter, RateQuota};

use super::{lock, micros_since_epoch};

/// The fewest entries at which a sweep of full buckets is considered.
const MIN_SWEEP_AT: usize = 256;

/// GCRA buckets of one process, keyed by (policy name, key).
///
/// A bucket whose TAT is not after now is full again and counts as absent (as the Redis key
/// would have expired); such buckets are swept when the map has doubled in size since the last
/// sweep, so that memory follows the keys seen within one window.
pub struct MemoryRateLimiter {
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

struct State {
    /// TAT in microseconds since the Unix epoch.
    tats: HashMap<(&'static str, String), u64>,
    sweep_at: usize,
}

impl MemoryRateLimiter {
    /// An empty limiter that reads "now" from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, state: Mutex::new(State { tats: HashMap::new(), sweep_at: MIN_SWEEP_AT }) }
    }

    /// How many buckets are held, full ones not yet swept included (for tests and metrics).
    pub fn entries(&self) -> usize {
        lock(&self.state).tats.len()
    }
}

impl Default for MemoryRateLimiter {
    /// An empty limiter on the system clock.
    fn default() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

impl std::fmt::Debug for MemoryRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryRateLimiter").field("entries", &self.entries()).finish_non_exhaustive()
    }
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn check(&self, key: &str, quota: RateQuota) -> Result<RateDecision, StoreError> {
        let now = micros_since_epoch(self.clock.as_ref());
        let mut state = lock(&self.state);
        let map_key = (quota.name, key.to_owned());
        let stored = state.tats.get(&map_key).copied().filter(|tat| *tat > now);
        let (decision, new_tat) = Gcra::decide(quota, stored, now);
        if let Some(tat) = new_tat {
            state.tats.insert(map_key, tat);
            if state.tats.len() >= state.sweep_at {
                state.tats.retain(|_, tat| *tat > now);
                state.sweep_at = (2 * state.tats.len()).max(MIN_SWEEP_AT);
            }
        }
        Ok(decision)
    }
}
