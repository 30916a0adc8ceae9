//! Request rate limits: the [`RateLimiter`] port and the GCRA (generic cell rate algorithm)
//! arithmetic both implementations apply, so that a client sees the same limits, `remaining`
//! and reset times whichever backend counts its requests.
//!
//! GCRA keeps one number per key, the theoretical arrival time (TAT): the instant at which the
//! key's bucket would be full again. A quota of `limit` requests per `window` emits one request
//! every `interval = window / limit` and allows a burst of `limit`.

use std::time::Duration;

use async_trait::async_trait;

use domain::store::StoreError;

/// A limit: `limit` requests per `window`, under a policy name shown to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuota {
    /// The policy's name in the `RateLimit-Policy` / `RateLimit` header fields.
    pub name: &'static str,
    /// Requests allowed per window (at least 1).
    pub limit: u32,
    /// The window.
    pub window: Duration,
}

impl RateQuota {
    /// `limit` requests per minute (a `limit` of 0 is raised to 1).
    pub fn per_minute(name: &'static str, limit: u32) -> Self {
        Self { name, limit: limit.max(1), window: Duration::from_secs(60) }
    }

    /// The time one request's share of the window takes to come back, in microseconds (≥ 1).
    pub fn interval_micros(&self) -> u64 {
        (micros(self.window) / u64::from(self.limit.max(1))).max(1)
    }

    /// The window in microseconds.
    pub fn window_micros(&self) -> u64 {
        micros(self.window)
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    /// Whether the request may proceed (and was counted).
    pub allowed: bool,
    /// Requests still allowed right now after this one.
    pub remaining: u32,
    /// Allowed: how long until the quota is whole again. Refused: how long until the next
    /// request is allowed (the `Retry-After`).
    pub reset_after: Duration,
}

impl RateDecision {
    /// `reset_after` in whole seconds, rounded up (what the header fields show).
    pub fn reset_seconds(&self) -> u64 {
        self.reset_after.as_micros().div_ceil(1_000_000).try_into().unwrap_or(u64::MAX)
    }
}

/// The GCRA step, pure: given the key's stored TAT (microseconds since any fixed epoch, `None`
/// for a key never seen or expired) and `now` on the same scale, the decision and the TAT to
/// store (`None` when refused: nothing changes).
///
/// The Redis implementation runs the same formula in a script; the in-process one calls this.
#[derive(Debug, Clone, Copy)]
pub struct Gcra;

impl Gcra {
    /// Decides one request.
    pub fn decide(quota: RateQuota, stored_tat: Option<u64>, now: u64) -> (RateDecision, Option<u64>) {
        let interval = quota.interval_micros();
        let window = interval * u64::from(quota.limit.max(1));
        let tat = stored_tat.unwrap_or(now).max(now);
        let new_tat = tat + interval;
        // The request fits when the bucket, after it, holds at most `window` worth of requests.
        let allow_at = new_tat.saturating_sub(window);
        if now < allow_at {
            let wait = allow_at - now;
            let decision = RateDecision { allowed: false, remaining: 0, reset_after: Duration::from_micros(wait) };
            return (decision, None);
        }
        let used = new_tat - now;
        let remaining = u32::try_from((window - used) / interval).unwrap_or(u32::MAX);
        let decision = RateDecision { allowed: true, remaining, reset_after: Duration::from_micros(used) };
        (decision, Some(new_tat))
    }
}

/// Counts requests per key against a quota, shared by every instance using the same backend.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request for `key` and decides it, atomically (one round trip for a remote
    /// store): concurrent requests of one key never both take the last unit. The key's state
    /// expires once its bucket is full again.
    ///
    /// # Errors
    /// Only store failures (the caller decides whether to let the request through).
    async fn check(&self, key: &str, quota: RateQuota) -> Result<RateDecision, StoreError>;
}
