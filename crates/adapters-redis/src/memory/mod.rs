//! In-process implementations of the edge-state ports, for the embedded mode (one instance,
//! no Redis), for tests, and as the fallback of the Redis ones (see [`crate::fallback`]). Each
//! keeps its state behind one mutex: every operation is a few map lookups, far shorter than the
//! async work around it.

mod cache;
mod rate_limit;
mod revocation;
mod throttle;

use std::sync::{Mutex, MutexGuard, PoisonError};

use domain::shared::Clock;

pub use cache::{DEFAULT_MAX_BYTES, MemoryCache};
pub use rate_limit::MemoryRateLimiter;
pub use revocation::MemoryRevocationList;
pub use throttle::{CONSECUTIVE_IDLE_TTL, FAILURE_WINDOW, MemoryLoginThrottle};

/// Locks the state, recovering it if a thread panicked while holding the lock: every update
/// leaves the maps consistent (single inserts and removals), so the data is still sound, and
/// refusing every later call would turn one bug into an outage of logins.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Now, in microseconds since the Unix epoch (0 before it).
fn micros_since_epoch(clock: &dyn Clock) -> u64 {
    u64::try_from(clock.now().timestamp_micros()).unwrap_or(0)
}
