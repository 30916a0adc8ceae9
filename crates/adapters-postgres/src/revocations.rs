//! The revocation list as the sessions table itself: for deployments without Redis on
//! PostgreSQL, where several instances share nothing but the database. A session's access
//! tokens are refused once `revoked_at` is set, on every instance at once: the check is one
//! primary-key read per authenticated request, exact where a list in each process could not be.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::accounts::RevocationList;
use domain::shared::SessionId;
use domain::store::StoreError;
use sea_orm::{EntityTrait, QuerySelect};

use crate::SeaStore;
use crate::entities::auth_sessions::{Column, Entity};
use crate::errors::DbResultExt;

#[async_trait]
impl RevocationList for SeaStore {
    /// Nothing to do: the use case that revoked the session wrote `revoked_at` in the same
    /// store, and that is what [`RevocationList::is_revoked`] reads.
    async fn revoke(&self, _session: SessionId, _until: DateTime<Utc>) -> Result<(), StoreError> {
        Ok(())
    }

    /// Revoked, or unknown (a token for a session the store does not hold is refused too).
    #[tracing::instrument(skip_all, name = "db.auth_sessions.is_revoked")]
    async fn is_revoked(&self, session: SessionId) -> Result<bool, StoreError> {
        let row: Option<Option<DateTime<Utc>>> = Entity::find_by_id(session.as_uuid())
            .select_only()
            .column(Column::RevokedAt)
            .into_tuple()
            .one(self.routed())
            .await
            .store()?;
        Ok(!matches!(row, Some(None)))
    }
}
