//! Ending sessions: revoking them in the store (with their audit event) and refusing their
//! access tokens through the revocation list, so that they fail at once rather than at expiry.

use super::AccountService;
use crate::accounts::model::AuthSession;
use crate::audit::{AuditAction, TargetType};
use crate::shared::retry::retry_transient;
use crate::shared::{RequestContext, SessionId, UseCaseError, UserId};
use crate::store::StoreError;

impl AccountService {
    /// Revokes one session, with its audit event when this call revoked it (an already revoked
    /// session is left as it is).
    pub(super) async fn revoke_recorded<E>(
        &self,
        session: &AuthSession,
        by: Option<UserId>,
        ctx: &RequestContext,
        reason: &str,
    ) -> Result<(), E>
    where
        E: UseCaseError + From<StoreError>,
    {
        retry_transient(|| self.try_revoke_recorded::<E>(session, by, ctx, reason)).await
    }

    async fn try_revoke_recorded<E: From<StoreError>>(
        &self,
        session: &AuthSession,
        by: Option<UserId>,
        ctx: &RequestContext,
        reason: &str,
    ) -> Result<(), E> {
        let tx = self.core.store.begin().await?;
        if tx.auth_sessions().revoke(session.id, self.core.now()).await? {
            let target = (TargetType::Session, session.id.into());
            let mut event = self
                .core
                .audit()
                .event(session.organization_id, AuditAction::SessionRevoked, target, ctx)
                .detail(format!("reason={reason}"));
            event.actor_id = by;
            tx.audit().append(&event).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Refuses the access tokens of these revoked sessions at once, until the latest one
    /// issued before now expires. Every session is tried.
    ///
    /// A failure is logged, not returned: the revocation is already committed in the store,
    /// which is its truth. Authentication falls back on the store while the list is
    /// unreachable, and every instance learns the store's recent revocations on its own
    /// (`AccountService::revoked_since`), so the caller answers success and a retry is never
    /// needed.
    pub(super) async fn refuse_access(&self, sessions: &[SessionId]) {
        let until = self.core.now() + self.config.access_ttl;
        for &session in sessions {
            if let Err(error) = self.security.revocations.revoke(session, until).await {
                tracing::warn!(
                    %session,
                    error = %error,
                    "revocation list not told; instances learn the revocation from the database"
                );
            }
        }
    }
}
