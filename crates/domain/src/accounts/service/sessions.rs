//! A user's view of their own account: their sessions (listing and revoking them) and
//! themself (`GET /me`).

use super::AccountService;
use crate::accounts::model::{AuthSession, User};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, SessionId};

/// One of the caller's sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The session.
    pub session: AuthSession,
    /// Whether the caller's access token belongs to it.
    pub current: bool,
}

use_case_error! {
    /// Errors of [`AccountService::list_sessions`]: only store failures.
    pub enum ListSessionsError {}
}

use_case_error! {
    /// Errors of [`AccountService::revoke_session`].
    pub enum RevokeSessionError { NotFound }
}

use_case_error! {
    /// Errors of [`AccountService::me`].
    pub enum MeError { NotFound }
}

impl AccountService {
    /// The caller's sessions that are not revoked, most recently used first (`GET
    /// /auth/sessions`), the current one marked.
    ///
    /// # Errors
    /// Only store failures.
    #[tracing::instrument(skip_all, name = "accounts.list_sessions")]
    pub async fn list_sessions(&self, actor: &Actor) -> Result<Vec<SessionInfo>, ListSessionsError> {
        let sessions = self.core.store.auth_sessions().list_active(actor.organization_id, actor.user_id).await?;
        Ok(sessions
            .into_iter()
            .map(|session| SessionInfo { current: session.id == actor.session_id, session })
            .collect())
    }

    /// Revokes one of the caller's sessions (`DELETE /auth/sessions/{id}`), refusing its
    /// access tokens at once. Idempotent: an already revoked session is fine. Once the
    /// revocation is committed it has taken effect, whatever the revocation list answers.
    ///
    /// # Errors
    /// `NotFound` for an unknown session or another user's.
    #[tracing::instrument(skip_all, name = "accounts.revoke_session")]
    pub async fn revoke_session(&self, actor: &Actor, id: SessionId) -> Result<(), RevokeSessionError> {
        let session = self
            .core
            .store
            .auth_sessions()
            .get(id)
            .await?
            .filter(|s| s.user_id == actor.user_id && s.organization_id == actor.organization_id)
            .ok_or(RevokeSessionError::NotFound)?;
        self.revoke_recorded::<RevokeSessionError>(&session, Some(actor.user_id), &actor.context, "revoked_by_user")
            .await?;
        self.refuse_access(&[session.id]).await;
        Ok(())
    }

    /// The caller's own account (`GET /me`).
    ///
    /// # Errors
    /// `NotFound` if the user no longer exists.
    #[tracing::instrument(skip_all, name = "accounts.me")]
    pub async fn me(&self, actor: &Actor) -> Result<User, MeError> {
        self.core.store.users().get(actor.organization_id, actor.user_id).await?.ok_or(MeError::NotFound)
    }
}
