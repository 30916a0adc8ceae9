//! Idempotency scopes in process memory: a running claim (fingerprint, token, lease end) or a
//! completed response (fingerprint, response, retention end) per scope.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use domain::edge::{Claim, IdempotencyStore, LeaseToken, StoredResponse};
use domain::shared::{Clock, SystemClock};
use domain::store::StoreError;

use super::lock;

/// The fewest entries at which a sweep of expired scopes is considered.
const MIN_SWEEP_AT: usize = 256;

/// The default most scopes held at once.
pub const DEFAULT_MAX_SCOPES: usize = 100_000;

/// Idempotency scopes of one process.
///
/// Expired scopes (lease or retention over) count as absent and are swept when the map has
/// doubled in size since the last sweep. The map is also capped (`max_scopes`): when it is
/// full of live scopes, the quarter closest to expiry is dropped, which can only let a retry
/// run again (never replay a wrong response) — the price of bounded memory under a flood.
pub struct MemoryIdempotencyStore {
    clock: Arc<dyn Clock>,
    max_scopes: usize,
    state: Mutex<State>,
}

struct State {
    scopes: HashMap<String, Entry>,
    sweep_at: usize,
}

struct Entry {
    fingerprint: String,
    expires_at: DateTime<Utc>,
    progress: Progress,
}

enum Progress {
    Running(LeaseToken),
    Done(StoredResponse),
}

impl MemoryIdempotencyStore {
    /// An empty store that reads "now" from `clock`, holding at most [`DEFAULT_MAX_SCOPES`].
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_max_scopes(clock, DEFAULT_MAX_SCOPES)
    }

    /// An empty store holding at most `max_scopes` scopes (at least 4).
    pub fn with_max_scopes(clock: Arc<dyn Clock>, max_scopes: usize) -> Self {
        let state = State { scopes: HashMap::new(), sweep_at: MIN_SWEEP_AT.min(max_scopes) };
        Self { clock, max_scopes: max_scopes.max(4), state: Mutex::new(state) }
    }

    /// How many scopes are held, expired ones not yet swept included (for tests and metrics).
    pub fn entries(&self) -> usize {
        lock(&self.state).scopes.len()
    }
}

impl Default for MemoryIdempotencyStore {
    /// An empty store on the system clock.
    fn default() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

impl std::fmt::Debug for MemoryIdempotencyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryIdempotencyStore").field("entries", &self.entries()).finish_non_exhaustive()
    }
}

impl State {
    /// The live entry of `scope`; an expired one is removed.
    fn live(&mut self, scope: &str, now: DateTime<Utc>) -> Option<&mut Entry> {
        if self.scopes.get(scope).is_some_and(|e| e.expires_at <= now) {
            self.scopes.remove(scope);
        }
        self.scopes.get_mut(scope)
    }

    /// Drops expired scopes, then, if still at `max`, the quarter closest to expiry.
    fn make_room(&mut self, now: DateTime<Utc>, max: usize) {
        if self.scopes.len() >= self.sweep_at || self.scopes.len() >= max {
            self.scopes.retain(|_, e| now < e.expires_at);
            if self.scopes.len() >= max {
                let mut by_end: Vec<(DateTime<Utc>, String)> =
                    self.scopes.iter().map(|(scope, e)| (e.expires_at, scope.clone())).collect();
                let cut = by_end.len() / 4;
                by_end.select_nth_unstable(cut);
                for (_, scope) in &by_end[..cut] {
                    self.scopes.remove(scope);
                }
            }
            self.sweep_at = (2 * self.scopes.len()).clamp(MIN_SWEEP_AT.min(max), max);
        }
    }
}

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// A fresh claim token.
pub(crate) fn new_token() -> LeaseToken {
    LeaseToken(uuid::Uuid::now_v7().simple().to_string())
}

#[async_trait]
impl IdempotencyStore for MemoryIdempotencyStore {
    async fn claim(&self, scope: &str, fingerprint: &str, lease: Duration) -> Result<Claim, StoreError> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        if let Some(entry) = state.live(scope, now) {
            return Ok(match &entry.progress {
                _ if entry.fingerprint != fingerprint => Claim::Mismatch,
                Progress::Running(_) => Claim::InProgress,
                Progress::Done(response) => Claim::Replay(response.clone()),
            });
        }
        state.make_room(now, self.max_scopes);
        let token = new_token();
        let entry = Entry {
            fingerprint: fingerprint.to_owned(),
            expires_at: after(now, lease),
            progress: Progress::Running(token.clone()),
        };
        state.scopes.insert(scope.to_owned(), entry);
        Ok(Claim::Acquired(token))
    }

    async fn complete(
        &self,
        scope: &str,
        token: &LeaseToken,
        response: &StoredResponse,
        retention: Duration,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        if let Some(entry) = state.live(scope, now)
            && matches!(&entry.progress, Progress::Running(held) if held == token)
        {
            entry.progress = Progress::Done(response.clone());
            entry.expires_at = after(now, retention);
        }
        Ok(())
    }

    async fn release(&self, scope: &str, token: &LeaseToken) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        if let Some(entry) = state.live(scope, now)
            && matches!(&entry.progress, Progress::Running(held) if held == token)
        {
            state.scopes.remove(scope);
        }
        Ok(())
    }
}
