//! Idempotency keys: the [`IdempotencyStore`] port and the key's validation rule.
//!
//! A request with a key first *claims* its scope (who + method + path + key). Exactly one claim
//! of a scope succeeds while the scope is unknown; the holder runs the operation and then
//! either *completes* the scope with the response (kept for the retention period and replayed
//! to every later request with the same body) or *releases* it (a 5xx: a retry may run again).
//! A claim carries a lease: if its holder dies, the scope is free again once the lease ends.

use std::time::Duration;

use async_trait::async_trait;

use crate::store::StoreError;

/// The longest key accepted.
pub const MAX_KEY_LENGTH: usize = 255;

/// A client's `Idempotency-Key`: 1 to 255 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Why a key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an Idempotency-Key is 1 to 255 printable ASCII characters")]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    /// Validates a key as sent.
    ///
    /// # Errors
    /// [`InvalidIdempotencyKey`] when it is empty, longer than 255 bytes, or holds anything but
    /// printable ASCII (space through tilde).
    pub fn parse(raw: &str) -> Result<Self, InvalidIdempotencyKey> {
        let printable = raw.bytes().all(|b| (b' '..=b'~').contains(&b));
        if raw.is_empty() || raw.len() > MAX_KEY_LENGTH || !printable {
            return Err(InvalidIdempotencyKey);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored response, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers worth replaying (content type, location, …), in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Identifies one claim, so that a holder whose lease ran out cannot complete or release a
/// scope another request has claimed since.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeaseToken(pub String);

/// The outcome of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The caller holds the scope: run the operation, then complete or release.
    Acquired(LeaseToken),
    /// Another request with the same body holds the scope right now (409).
    InProgress,
    /// The scope was used with another request body (422), whether running or done.
    Mismatch,
    /// The scope is done: replay this response.
    Replay(StoredResponse),
}

/// Claims, completes and releases idempotency scopes, shared by every instance.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `scope` for a request whose body has `fingerprint`, atomically: of any number of
    /// concurrent claims of an unknown (or expired, or released) scope exactly one is
    /// `Acquired`. The claim lasts `lease` unless completed or released first.
    ///
    /// # Errors
    /// Only store failures.
    async fn claim(&self, scope: &str, fingerprint: &str, lease: Duration) -> Result<Claim, StoreError>;

    /// Records the response of the claim `token` and keeps it for `retention`. Does nothing
    /// when `token` no longer holds the scope (its lease ran out and another claim took it).
    ///
    /// # Errors
    /// Only store failures.
    async fn complete(
        &self,
        scope: &str,
        token: &LeaseToken,
        response: &StoredResponse,
        retention: Duration,
    ) -> Result<(), StoreError>;

    /// Frees the scope held by `token` without a response (the operation failed with a 5xx or
    /// never finished), so that a retry runs it again. Does nothing when `token` no longer
    /// holds the scope.
    ///
    /// # Errors
    /// Only store failures.
    async fn release(&self, scope: &str, token: &LeaseToken) -> Result<(), StoreError>;
}
