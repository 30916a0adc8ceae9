//! Redis implementations of the edge-state ports, shared by every instance using the same
//! Redis: build one [`RedisStore`] from a [`RedisConfig`] and each port from a clone of it.
//!
//! Every operation is one round trip (one command, or one Lua script run with EVALSHA), so
//! that each is atomic and concurrent instances never interleave inside one. Keys that one
//! script uses together share a hash tag (`{…}`), so the scripts would also run on a cluster.
//! Emails, client IPs and rate-limit keys appear in keys only hashed.

mod barrier;
mod breaker;
mod cache;
mod connection;
mod lease;
mod rate_limit;
mod revocation;
mod throttle;
mod tracking;

use sha2::{Digest, Sha256};

pub use cache::{GENERATION_TTL, RedisCache};
pub use connection::{ClientDesign, RedisConfig, RedisStore};
pub use rate_limit::RedisRateLimiter;
pub use revocation::RedisRevocationList;
pub use throttle::RedisLoginThrottle;

/// The first 128 bits of the SHA-256 of `value`, in hex: identifies a value in a key without
/// showing it, and keeps keys short.
fn hashed(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().take(16).fold(String::with_capacity(32), |mut hex, byte| {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// A duration in whole milliseconds, rounded up and at least 1 (what PX and PEXPIRE take).
fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros().div_ceil(1000)).unwrap_or(u64::MAX).max(1)
}
