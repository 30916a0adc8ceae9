//! In-process implementations of the edge-state ports, for the embedded mode (one instance,
//! no Redis) and for tests. Each keeps its state behind one mutex: every operation is a few map
//! lookups, far shorter than the async work around it.

mod revocation;
mod throttle;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use revocation::MemoryRevocationList;
pub use throttle::{CONSECUTIVE_IDLE_TTL, FAILURE_WINDOW, MemoryLoginThrottle};

/// Locks the state, recovering it if a thread panicked while holding the lock: every update
/// leaves the maps consistent (single inserts and removals), so the data is still sound, and
/// refusing every later call would turn one bug into an outage of logins.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
