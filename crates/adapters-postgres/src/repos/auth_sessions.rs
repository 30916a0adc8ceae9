//! [`AuthSessionRepository`] over `auth_sessions` and `refresh_tokens`. Revoking and rotating
//! are conditional updates (`… AND revoked_at IS NULL`, `… AND rotated_at IS NULL`) whose row
//! count tells the caller whether this call made the change, so that two concurrent refreshes
//! with one token can never both win.

use std::net::IpAddr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::accounts::{AuthSession, AuthSessionRepository, RefreshToken, TokenHash};
use domain::shared::{OrganizationId, RefreshTokenId, SessionId, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::ts;
use crate::entities::auth_sessions::{self as sessions, Column, Entity};
use crate::entities::refresh_tokens as tokens;
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn session_from_row(m: sessions::Model) -> Result<AuthSession, StoreError> {
    let ip = match &m.ip {
        Some(ip) => Some(ip.parse::<IpAddr>().map_err(|e| corrupt("auth_sessions", format!("{}: {e}", m.id)))?),
        None => None,
    };
    Ok(AuthSession {
        id: SessionId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        user_id: UserId::from_uuid(m.user_id),
        user_agent: m.user_agent,
        ip,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
        revoked_at: m.revoked_at,
    })
}

fn session_to_row(s: &AuthSession) -> sessions::ActiveModel {
    sessions::ActiveModel {
        id: Set(s.id.as_uuid()),
        organization_id: Set(s.organization_id.as_uuid()),
        user_id: Set(s.user_id.as_uuid()),
        user_agent: Set(s.user_agent.clone()),
        ip: Set(s.ip.map(|ip| ip.to_string())),
        created_at: Set(ts(s.created_at)),
        last_used_at: Set(ts(s.last_used_at)),
        revoked_at: Set(s.revoked_at.map(ts)),
    }
}

fn token_from_row(m: tokens::Model) -> RefreshToken {
    RefreshToken {
        id: RefreshTokenId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        session_id: SessionId::from_uuid(m.session_id),
        token_hash: TokenHash::new(m.token_hash),
        created_at: m.created_at,
        expires_at: m.expires_at,
        rotated_at: m.rotated_at,
    }
}

fn token_to_row(t: &RefreshToken) -> tokens::ActiveModel {
    tokens::ActiveModel {
        id: Set(t.id.as_uuid()),
        organization_id: Set(t.organization_id.as_uuid()),
        session_id: Set(t.session_id.as_uuid()),
        token_hash: Set(t.token_hash.as_str().to_owned()),
        created_at: Set(ts(t.created_at)),
        expires_at: Set(ts(t.expires_at)),
        rotated_at: Set(t.rotated_at.map(ts)),
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> AuthSessionRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.auth_sessions.insert")]
    async fn insert(&self, session: &AuthSession) -> Result<(), StoreError> {
        Entity::insert(session_to_row(session)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.get")]
    async fn get(&self, id: SessionId) -> Result<Option<AuthSession>, StoreError> {
        Entity::find_by_id(id.as_uuid()).one(&self.conn).await.store()?.map(session_from_row).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.list_active")]
    async fn list_active(&self, organization: OrganizationId, user: UserId) -> Result<Vec<AuthSession>, StoreError> {
        Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::UserId.eq(user.as_uuid()))
            .filter(Column::RevokedAt.is_null())
            .order_by_desc(Column::LastUsedAt)
            .order_by_desc(Column::Id)
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(session_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.touch")]
    async fn touch(&self, id: SessionId, at: DateTime<Utc>) -> Result<(), StoreError> {
        Entity::update_many()
            .col_expr(Column::LastUsedAt, Expr::value(ts(at)))
            .filter(Column::Id.eq(id.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.revoke")]
    async fn revoke(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = Entity::update_many()
            .col_expr(Column::RevokedAt, Expr::value(ts(at)))
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::RevokedAt.is_null())
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.revoke_all")]
    async fn revoke_all(
        &self,
        organization: OrganizationId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<Vec<SessionId>, StoreError> {
        // One `UPDATE … RETURNING` both finds and revokes the active sessions: a session
        // revoked concurrently by another call is not reported as revoked by this one.
        let revoked = Entity::update_many()
            .col_expr(Column::RevokedAt, Expr::value(ts(at)))
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::UserId.eq(user.as_uuid()))
            .filter(Column::RevokedAt.is_null())
            .exec_with_returning(&self.conn)
            .await
            .store()?;
        let mut ids: Vec<SessionId> = revoked.into_iter().map(|s| SessionId::from_uuid(s.id)).collect();
        ids.sort();
        Ok(ids)
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.revoked_since")]
    async fn revoked_since(&self, since: DateTime<Utc>) -> Result<Vec<SessionId>, StoreError> {
        let ids: Vec<uuid::Uuid> = Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::RevokedAt.gte(ts(since)))
            .order_by_asc(Column::Id)
            .into_tuple()
            .all(&self.conn)
            .await
            .store()?;
        Ok(ids.into_iter().map(SessionId::from_uuid).collect())
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.insert_refresh_token")]
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError> {
        tokens::Entity::insert(token_to_row(token)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.find_refresh_token")]
    async fn find_refresh_token(&self, hash: &TokenHash) -> Result<Option<RefreshToken>, StoreError> {
        let row =
            tokens::Entity::find().filter(tokens::Column::TokenHash.eq(hash.as_str())).one(&self.conn).await.store()?;
        Ok(row.map(token_from_row))
    }

    #[tracing::instrument(skip_all, name = "db.auth_sessions.mark_rotated")]
    async fn mark_rotated(&self, id: RefreshTokenId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = tokens::Entity::update_many()
            .col_expr(tokens::Column::RotatedAt, Expr::value(ts(at)))
            .filter(tokens::Column::Id.eq(id.as_uuid()))
            .filter(tokens::Column::RotatedAt.is_null())
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }
}
