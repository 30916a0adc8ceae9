//! [`Fallback`]: a port that asks a primary store (Redis) and, when it fails, a secondary one
//! (in-process), so that rate limits and login throttling degrade to counting per instance
//! instead of failing while Redis is down.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::accounts::{FailureCounts, LoginThrottle, ThrottleScope, ThrottleSubject};
use domain::store::StoreError;
use edge::{RateDecision, RateLimiter, RateQuota};

/// At most one warning per this long about using the secondary store.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Asks `primary`; on a `StoreError`, asks `secondary` and logs a warning (at most one per 10
/// s). Implements [`RateLimiter`] and [`LoginThrottle`].
///
/// The two stores count apart: while the primary is down, each instance counts on its own
/// (limits are per instance), and what was counted then is not added to the primary later.
pub struct Fallback<P, S> {
    primary: P,
    secondary: S,
    name: &'static str,
    started: Instant,
    /// Milliseconds after `started` at which the last warning was logged, plus one (0: none).
    last_warning: AtomicU64,
}

impl<P, S> Fallback<P, S> {
    /// `primary`, falling back on `secondary`; `name` (e.g. `rate_limiter`) is logged.
    pub fn new(name: &'static str, primary: P, secondary: S) -> Self {
        Self { primary, secondary, name, started: Instant::now(), last_warning: AtomicU64::new(0) }
    }

    /// The primary store.
    pub fn primary(&self) -> &P {
        &self.primary
    }

    /// The secondary store.
    pub fn secondary(&self) -> &S {
        &self.secondary
    }

    fn warn(&self, error: &StoreError) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX).saturating_add(1);
        let last = self.last_warning.load(Ordering::Relaxed);
        let due = last == 0 || now.saturating_sub(last) >= u64::try_from(WARN_EVERY.as_millis()).unwrap_or(0);
        if due && self.last_warning.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            tracing::warn!(
                store = self.name,
                error = format!("{error:#}"),
                "primary store failed: using the in-process fallback"
            );
        }
    }
}

impl<P, S> std::fmt::Debug for Fallback<P, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fallback").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Tries the primary, then the secondary.
macro_rules! fall_back {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self.primary.$method($($arg),*).await {
            Ok(value) => Ok(value),
            Err(error) => {
                $self.warn(&error);
                $self.secondary.$method($($arg),*).await
            }
        }
    };
}

#[async_trait]
impl<P: RateLimiter, S: RateLimiter> RateLimiter for Fallback<P, S> {
    async fn check(&self, key: &str, quota: RateQuota) -> Result<RateDecision, StoreError> {
        fall_back!(self.check(key, quota))
    }
}

#[async_trait]
impl<P: LoginThrottle, S: LoginThrottle> LoginThrottle for Fallback<P, S> {
    async fn locked_until(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        fall_back!(self.locked_until(scope, subject, ip, now))
    }

    async fn record_failure(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<FailureCounts, StoreError> {
        fall_back!(self.record_failure(scope, subject, ip, now))
    }

    async fn lock(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        fall_back!(self.lock(scope, subject, ip, until))
    }

    async fn reset(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        fall_back!(self.reset(scope, subject, ip))
    }
}
