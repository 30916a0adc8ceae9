//! The edge context: short-lived state shared by every instance in front of the use cases —
//! request rate limits, idempotency keys and the read cache — as ports with the pure rules
//! (GCRA arithmetic, key validation, cache namespaces) their implementations share.
//!
//! Two implementations stand behind each port: Redis (`REDIS_URL` set; shared by every
//! instance) and in-process (the embedded default). Both follow the contracts written on the
//! traits, and one conformance suite runs against both.

mod cache;
mod idempotency;
mod rate_limit;
#[cfg(test)]
mod tests;

pub use cache::{Cache, CacheLookup, CacheNamespace, Generation, NoCache};
pub use idempotency::{
    IdempotencyKey, IdempotencyStore, InvalidIdempotencyKey, KeyedUnit, MAX_KEY_LENGTH, Opening, RecordedOutcome,
    StoredResponse, UnitWork,
};
pub use rate_limit::{Gcra, RateDecision, RateLimiter, RateQuota};

#[cfg(any(test, feature = "mocks"))]
pub use cache::MockCache;
#[cfg(any(test, feature = "mocks"))]
pub use rate_limit::MockRateLimiter;
