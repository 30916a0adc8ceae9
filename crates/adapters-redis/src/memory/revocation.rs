//! The session revocation list in process memory: session → the instant until which its access
//! tokens are refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::accounts::RevocationList;
use domain::shared::{Clock, SessionId, SystemClock};
use domain::store::StoreError;

use super::lock;

/// The fewest entries at which a sweep of expired entries is considered.
const MIN_SWEEP_AT: usize = 64;

/// Revoked sessions, kept until their access tokens would have expired anyway.
///
/// An entry stops counting at its `until` (`is_revoked` is true only while `now < until`) and
/// is dropped when read after that; entries never read again are swept when the list has
/// doubled in size since the last sweep, so that memory follows the sessions revoked within
/// one access-token lifetime.
pub struct MemoryRevocationList {
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    until: HashMap<SessionId, DateTime<Utc>>,
    /// The size at which the next `revoke` sweeps expired entries.
    sweep_at: usize,
}

impl MemoryRevocationList {
    /// An empty list that reads "now" from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, state: Mutex::new(State { until: HashMap::new(), sweep_at: MIN_SWEEP_AT }) }
    }

    /// How many sessions the list holds, expired ones not yet dropped included (for tests and
    /// metrics).
    pub fn entries(&self) -> usize {
        lock(&self.state).until.len()
    }
}

impl Default for MemoryRevocationList {
    /// An empty list on the system clock.
    fn default() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

impl std::fmt::Debug for MemoryRevocationList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryRevocationList").field("entries", &self.entries()).finish_non_exhaustive()
    }
}

#[async_trait]
impl RevocationList for MemoryRevocationList {
    async fn revoke(&self, session: SessionId, until: DateTime<Utc>) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        // Revoking twice never shortens a revocation.
        let entry = state.until.entry(session).or_insert(until);
        *entry = (*entry).max(until);
        if state.until.len() >= state.sweep_at {
            state.until.retain(|_, until| now < *until);
            state.sweep_at = (2 * state.until.len()).max(MIN_SWEEP_AT);
        }
        Ok(())
    }

    async fn is_revoked(&self, session: SessionId) -> Result<bool, StoreError> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        match state.until.get(&session) {
            Some(until) if now < *until => Ok(true),
            Some(_) => {
                state.until.remove(&session);
                Ok(false)
            }
            None => Ok(false),
        }
    }
}
