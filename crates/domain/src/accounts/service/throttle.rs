//! The lockout checks shared by login, password-reset requests and verification resends, and
//! [`RetryAfter`], the wait a locked caller is told.
//!
//! The throttle FAILS OPEN: when its store cannot be reached, the lock is not enforced and the
//! failure is not counted, with a warning in the log. Refusing every login while a cache is
//! down would turn a cache outage into a full outage; passwords are still checked, and the
//! hasher's cost bounds guessing in the meantime.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::AccountService;
use crate::accounts::model::{LockScope, ThrottleScope, ThrottleSubject};

/// How long a locked caller must wait before trying again (the `Retry-After` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter {
    /// Whole seconds, rounded up, at least 1.
    pub seconds: u64,
}

impl RetryAfter {
    /// The wait from `now` until `until`, rounded up to whole seconds and at least 1 (a client
    /// told 0 would retry at once and be refused again).
    pub fn between(now: DateTime<Utc>, until: DateTime<Utc>) -> Self {
        let millis = (until - now).num_milliseconds().max(1);
        let seconds = u64::try_from((millis + 999) / 1000).unwrap_or(1);
        Self { seconds }
    }
}

impl AccountService {
    /// The wait left if `subject` is locked for `ip` in `scope`; `None` when it is not locked or
    /// the throttle is unreachable (fail open).
    pub(super) async fn lock_in_force(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Option<RetryAfter> {
        match self.security.throttle.locked_until(scope, subject, ip, now).await {
            Ok(until) => until.filter(|until| *until > now).map(|until| RetryAfter::between(now, until)),
            Err(error) => {
                tracing::warn!(scope = scope.as_str(), error = %error, "throttle unreachable: lock not enforced");
                None
            }
        }
    }

    /// Counts one more failed (or throttled) attempt and puts in place the lock the policy
    /// calls for, returning it; `None` when no lock was set or the throttle is unreachable.
    ///
    /// Without a known client IP a per-IP lock is stored with no IP, which the throttle reads as
    /// a lock for everyone: the stricter reading, and one the HTTP edge (which always knows the
    /// peer address) never triggers.
    pub(super) async fn count_attempt(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Option<LockScope> {
        let counts = match self.security.throttle.record_failure(scope, subject, ip, now).await {
            Ok(counts) => counts,
            Err(error) => {
                tracing::warn!(scope = scope.as_str(), error = %error, "throttle unreachable: attempt not counted");
                return None;
            }
        };
        let lock = self.config.lockout.after_failure(counts)?;
        let locked_ip = match lock {
            LockScope::ThisIp => ip,
            LockScope::AllIps => None,
        };
        let until = now + self.config.lockout.duration;
        match self.security.throttle.lock(scope, subject, locked_ip, until).await {
            Ok(()) => Some(lock),
            Err(error) => {
                tracing::warn!(scope = scope.as_str(), error = %error, "throttle unreachable: lock not set");
                None
            }
        }
    }

    /// Clears the consecutive-failure counter after a success (fail open).
    pub(super) async fn clear_failures(&self, scope: ThrottleScope, subject: &ThrottleSubject, ip: Option<IpAddr>) {
        if let Err(error) = self.security.throttle.reset(scope, subject, ip).await {
            tracing::warn!(scope = scope.as_str(), error = %error, "throttle unreachable: failures not reset");
        }
    }
}
