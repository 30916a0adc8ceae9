//! Idempotency keys: the [`IdempotencyStore`] port and the key's validation rule.
//!
//! A keyed request runs inside one database transaction of its own, the *keyed unit*: every
//! read and write the request makes goes through it (the use cases' transactions become
//! savepoints of it), and the request's outcome is recorded in it before it commits. So the
//! change and its recorded outcome commit together or not at all: a retry after a crash at
//! any point either replays what was committed or runs a request that never happened, and
//! two holders of one key can never both commit (the unit holds the key until it ends).

use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use domain::store::StoreError;

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

/// A response as it is replayed: status, the headers worth replaying, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers worth replaying (content type, location, …), in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The recorded outcome of a keyed request, as the store keeps it: the response is sealed by
/// the edge (encrypted under a key only the client's `Idempotency-Key` opens), so the store
/// never holds a token-bearing response in plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedOutcome {
    /// What "the same request" is: a keyed digest of the request's media type and body.
    pub fingerprint: String,
    /// The response's status (kept in clear for operators).
    pub status: u16,
    /// The response's headers and body, sealed.
    pub sealed: Vec<u8>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// Until when it is replayed.
    pub expires_at: DateTime<Utc>,
}

/// What the store knows of a scope when a keyed request arrives.
pub enum Opening {
    /// A request with this scope completed: replay its outcome (or refuse another body).
    Done(RecordedOutcome),
    /// Another request with this scope is running right now (409).
    InProgress,
    /// Nobody holds the scope: this request does, through the unit, until the unit ends.
    Fresh(Box<dyn KeyedUnit>),
}

impl std::fmt::Debug for Opening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Done(outcome) => f.debug_tuple("Done").field(outcome).finish(),
            Self::InProgress => f.write_str("InProgress"),
            Self::Fresh(_) => f.write_str("Fresh(..)"),
        }
    }
}

/// Work run inside a keyed unit: the request's handling, which need not be `Send` (an HTTP
/// server's request futures often are not).
pub type UnitWork<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// The unit of a keyed request: one open database transaction holding the scope.
///
/// Dropping it without [`KeyedUnit::finish`] rolls back everything the request wrote, and
/// frees the scope for a retry.
#[async_trait]
pub trait KeyedUnit: Send + Sync {
    /// Runs `work` so that every store call it makes (reads, writes, and the use cases'
    /// transactions, as savepoints) goes through this unit.
    fn run<'a>(&'a self, work: UnitWork<'a>) -> UnitWork<'a>;

    /// Records `outcome` under the scope (none: the response says nothing was done, e.g. a
    /// 401, and is not replayed) and commits the request's writes with it, atomically.
    ///
    /// # Errors
    /// `Unavailable`, `Transient` or `Unexpected` when the commit did not happen: nothing of
    /// the request is kept, and the client must be told to retry.
    async fn finish(self: Box<Self>, outcome: Option<RecordedOutcome>) -> Result<(), StoreError>;
}

/// Where keyed requests' outcomes live: the database, so that an outcome and the change it
/// reports commit together, on every instance.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Opens `scope` (a keyed digest of who, method, path and key): its recorded outcome when
    /// one is kept and not expired at `now`; `InProgress` while another unit holds it; else a
    /// fresh unit that holds it. Of any number of concurrent openings of a free scope, at most
    /// one is `Fresh` at a time, on every instance.
    ///
    /// # Errors
    /// Store failures (the caller refuses the request with a retryable 503).
    async fn open(&self, scope: &str, now: DateTime<Utc>) -> Result<Opening, StoreError>;

    /// Deletes up to `limit` outcomes expired at `now`; returns how many.
    ///
    /// # Errors
    /// Store failures.
    async fn purge_expired(&self, now: DateTime<Utc>, limit: u32) -> Result<u64, StoreError>;
}
