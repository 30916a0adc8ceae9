//! [`LayeredRevocations`]: an instance's own copy of the revocation list in front of the shared
//! one in Redis.
//!
//! Redis tells every instance of a revocation at once, but only if the revoking instance could
//! reach it; the database holds every revocation whatever Redis answered. So each instance
//! also keeps the revocations of the last access-token lifetime in process, filled from the
//! database at start-up and kept up to date by polling it (the composition root does that),
//! and checks that copy first: a revocation Redis missed (an outage, a partition, a Redis that
//! restarted empty) is refused on every instance within one poll of its commit, and one Redis
//! got is refused at once.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::accounts::RevocationList;
use domain::shared::SessionId;
use domain::store::StoreError;

use crate::memory::MemoryRevocationList;

/// This instance's copy, then the shared list.
pub struct LayeredRevocations<S> {
    local: Arc<MemoryRevocationList>,
    shared: S,
}

impl<S> LayeredRevocations<S> {
    /// `local` in front of `shared`.
    pub fn new(local: Arc<MemoryRevocationList>, shared: S) -> Self {
        Self { local, shared }
    }

    /// This instance's copy, to be kept up to date from the database.
    pub fn local(&self) -> &Arc<MemoryRevocationList> {
        &self.local
    }
}

impl<S> std::fmt::Debug for LayeredRevocations<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayeredRevocations").field("local", &self.local).finish_non_exhaustive()
    }
}

#[async_trait]
impl<S: RevocationList> RevocationList for LayeredRevocations<S> {
    /// Into this instance's copy (which cannot fail), then into the shared list.
    ///
    /// # Errors
    /// The shared list's: the revocation is refused on this instance already.
    async fn revoke(&self, session: SessionId, until: DateTime<Utc>) -> Result<(), StoreError> {
        self.local.revoke(session, until).await?;
        self.shared.revoke(session, until).await
    }

    /// Revoked in this instance's copy, else as the shared list says.
    ///
    /// # Errors
    /// The shared list's, when the copy does not have the session.
    async fn is_revoked(&self, session: SessionId) -> Result<bool, StoreError> {
        if self.local.is_revoked(session).await? {
            return Ok(true);
        }
        self.shared.is_revoked(session).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A shared list that answers as told and records what it was told.
    #[derive(Default)]
    struct Shared {
        revoked: Mutex<Vec<SessionId>>,
        down: bool,
    }

    #[async_trait]
    impl RevocationList for Shared {
        async fn revoke(&self, session: SessionId, _: DateTime<Utc>) -> Result<(), StoreError> {
            if self.down {
                return Err(StoreError::Unavailable(anyhow::anyhow!("down")));
            }
            self.revoked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(session);
            Ok(())
        }

        async fn is_revoked(&self, session: SessionId) -> Result<bool, StoreError> {
            if self.down {
                return Err(StoreError::Unavailable(anyhow::anyhow!("down")));
            }
            Ok(self.revoked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&session))
        }
    }

    fn session(n: u128) -> SessionId {
        SessionId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[tokio::test]
    async fn the_local_copy_answers_first_even_when_the_shared_list_is_down() {
        let until = Utc::now() + chrono::TimeDelta::minutes(15);
        let layered = LayeredRevocations::new(Arc::default(), Shared { down: true, ..Shared::default() });
        layered.local().revoke(session(1), until).await.unwrap_or(());
        assert!(layered.is_revoked(session(1)).await.is_ok_and(|r| r), "known locally: no need to ask");
        assert!(layered.is_revoked(session(2)).await.is_err(), "unknown locally: the shared list's failure");
        assert!(layered.revoke(session(3), until).await.is_err(), "the shared list's failure is reported");
        assert!(layered.is_revoked(session(3)).await.is_ok_and(|r| r), "yet refused on this instance");
    }

    #[tokio::test]
    async fn a_session_only_the_shared_list_knows_is_revoked() {
        let shared = Shared::default();
        shared.revoke(session(7), Utc::now()).await.unwrap_or(());
        let layered = LayeredRevocations::new(Arc::default(), shared);
        assert!(layered.is_revoked(session(7)).await.is_ok_and(|r| r));
        assert!(layered.is_revoked(session(8)).await.is_ok_and(|r| !r));
    }
}
