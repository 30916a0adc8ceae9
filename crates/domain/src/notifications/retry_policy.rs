//! When a failed delivery is tried again: exponential backoff with jitter, then dead.

use chrono::{DateTime, TimeDelta, Utc};

use crate::shared::OutboxMessageId;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this instant.
    RetryAt(DateTime<Utc>),
    /// Give up: the message goes to `dead`.
    Dead,
}

/// Exponential backoff: the n-th retry waits `min(cap, base · 2^(n-1))`, scaled by a jitter
/// factor in `[0.5, 1.0)` so that messages that failed together do not retry together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all before a message is dead (`MAIL_MAX_ATTEMPTS`, default 8).
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub base: TimeDelta,
    /// Longest delay between attempts.
    pub cap: TimeDelta,
    /// How long a claimed message stays hidden from other workers while being sent; after it,
    /// a message whose worker died is claimed again.
    pub lease: TimeDelta,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 8, base: TimeDelta::seconds(30), cap: TimeDelta::hours(1), lease: TimeDelta::minutes(5) }
    }
}

impl RetryPolicy {
    /// The decision after attempt number `attempts` (1 for the first) failed.
    /// A permanent failure (the server refused the recipient or the content) is dead at once.
    pub fn after_failure(
        &self,
        message: OutboxMessageId,
        attempts: u32,
        permanent: bool,
        now: DateTime<Utc>,
    ) -> AfterFailure {
        if permanent || attempts >= self.max_attempts {
            return AfterFailure::Dead;
        }
        AfterFailure::RetryAt(now + self.delay(message, attempts))
    }

    /// The wait after attempt number `attempts` failed.
    pub fn delay(&self, message: OutboxMessageId, attempts: u32) -> TimeDelta {
        let exponent = attempts.saturating_sub(1).min(30);
        let raw_ms = self.base.num_milliseconds().saturating_mul(1_i64 << exponent);
        let capped_ms = raw_ms.min(self.cap.num_milliseconds());
        let jitter_per_mille = 500 + jitter_per_mille(message, attempts) / 2;
        TimeDelta::milliseconds(capped_ms * jitter_per_mille / 1000)
    }
}

/// A value in `0..1000` that is stable for one message and attempt but spread across messages
/// (FNV-1a over the id and attempt), so that the policy needs no random source.
fn jitter_per_mille(message: OutboxMessageId, attempts: u32) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in message.as_uuid().as_bytes().iter().chain(&attempts.to_le_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::try_from(hash % 1000).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> OutboxMessageId {
        OutboxMessageId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn dead_after_max_attempts_or_permanent_failure() {
        let p = RetryPolicy::default();
        let now = Utc::now();
        assert_eq!(p.after_failure(id(1), 8, false, now), AfterFailure::Dead);
        assert_eq!(p.after_failure(id(1), 1, true, now), AfterFailure::Dead);
        assert!(matches!(p.after_failure(id(1), 7, false, now), AfterFailure::RetryAt(t) if t > now));
    }

    #[test]
    fn delays_grow_exponentially_until_the_cap() {
        let p = RetryPolicy::default();
        let d1 = p.delay(id(7), 1);
        assert!(d1 >= TimeDelta::seconds(15) && d1 < TimeDelta::seconds(30), "{d1}");
        let d4 = p.delay(id(7), 4);
        assert!(d4 >= TimeDelta::seconds(120) && d4 < TimeDelta::seconds(240), "{d4}");
        let d20 = p.delay(id(7), 20);
        assert!(d20 >= TimeDelta::minutes(30) && d20 < TimeDelta::hours(1), "{d20}");
    }

    #[test]
    fn jitter_spreads_messages_that_failed_together() {
        let p = RetryPolicy::default();
        let delays: std::collections::HashSet<_> = (0..50).map(|n| p.delay(id(n), 3)).collect();
        assert!(delays.len() > 25, "only {} distinct delays", delays.len());
    }

    proptest! {
        #[test]
        fn delay_stays_within_half_to_full_of_the_backoff(n in any::<u128>(), attempts in 1u32..40) {
            let p = RetryPolicy::default();
            let full = (p.base.num_milliseconds() << (attempts - 1).min(30)).min(p.cap.num_milliseconds());
            let d = p.delay(id(n), attempts).num_milliseconds();
            prop_assert!(d >= full / 2 && d < full, "{} not in [{}, {})", d, full / 2, full);
        }
    }
}
