#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cache;
mod codes;
mod idempotency;
mod rate_limit;
#[cfg(test)]
mod tests;

pub use cache::{Cache, CacheLookup, CacheNamespace, Generation, NoCache};
pub use codes::EdgeCode;
pub use idempotency::{
    IdempotencyKey, IdempotencyStore, InvalidIdempotencyKey, KeyedUnit, MAX_KEY_LENGTH, Opening, RecordedOutcome,
    StoredResponse, UnitWork,
};
pub use rate_limit::{Gcra, RateDecision, RateLimiter, RateQuota};

#[cfg(any(test, feature = "mocks"))]
pub use cache::MockCache;
#[cfg(any(test, feature = "mocks"))]
pub use rate_limit::MockRateLimiter;
