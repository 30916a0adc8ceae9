//! [`OneTimeTokenRepository`] over `one_time_tokens`, and the queue of password-reset requests
//! that become reset tokens (`password_reset_requests`). Using a token is a conditional update
//! (`… AND used_at IS NULL`): of two concurrent uses, only the one that changed the row wins.
//! Taking a request is one `DELETE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`
//! on PostgreSQL, so that concurrent workers take different requests; SQLite has no row locks
//! (sea-query leaves the clause out) but runs one writer at a time, which is as safe.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::accounts::{OneTimeToken, OneTimeTokenRepository, ResetRequest, TokenHash, TokenPurpose};
use domain::shared::{Email, OneTimeTokenId, OrganizationId, ResetRequestId, UserId};
use domain::store::StoreError;
use domain::tenancy::Slug;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::ts;
use crate::entities::one_time_tokens::{ActiveModel, Column, Entity, Model};
use crate::entities::password_reset_requests as requests;
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: Model) -> Result<OneTimeToken, StoreError> {
    let purpose = TokenPurpose::parse(&m.purpose)
        .ok_or_else(|| corrupt("one_time_tokens", format!("{}: unknown purpose {:?}", m.id, m.purpose)))?;
    Ok(OneTimeToken {
        id: OneTimeTokenId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        user_id: UserId::from_uuid(m.user_id),
        purpose,
        token_hash: TokenHash::new(m.token_hash),
        created_at: m.created_at,
        expires_at: m.expires_at,
        used_at: m.used_at,
    })
}

fn to_row(t: &OneTimeToken) -> ActiveModel {
    ActiveModel {
        id: Set(t.id.as_uuid()),
        organization_id: Set(t.organization_id.as_uuid()),
        user_id: Set(t.user_id.as_uuid()),
        purpose: Set(t.purpose.as_str().to_owned()),
        token_hash: Set(t.token_hash.as_str().to_owned()),
        created_at: Set(ts(t.created_at)),
        expires_at: Set(ts(t.expires_at)),
        used_at: Set(t.used_at.map(ts)),
    }
}

fn request_from_row(m: &requests::Model) -> Result<ResetRequest, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("password_reset_requests", format!("{}: {e}", m.id));
    Ok(ResetRequest {
        id: ResetRequestId::from_uuid(m.id),
        organization_slug: Slug::parse(&m.organization_slug).map_err(|e| bad(&e))?,
        email: Email::parse(&m.email).map_err(|e| bad(&e))?,
        requested_at: m.requested_at,
    })
}

fn request_to_row(r: &ResetRequest) -> requests::ActiveModel {
    requests::ActiveModel {
        id: Set(r.id.as_uuid()),
        organization_slug: Set(r.organization_slug.as_str().to_owned()),
        email: Set(r.email.as_str().to_owned()),
        requested_at: Set(ts(r.requested_at)),
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> OneTimeTokenRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.one_time_tokens.insert")]
    async fn insert(&self, token: &OneTimeToken) -> Result<(), StoreError> {
        Entity::insert(to_row(token)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.one_time_tokens.find")]
    async fn find(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError> {
        Entity::find()
            .filter(Column::TokenHash.eq(hash.as_str()))
            .one(&self.conn)
            .await
            .store()?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(skip_all, name = "db.one_time_tokens.consume")]
    async fn consume(&self, id: OneTimeTokenId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = Entity::update_many()
            .col_expr(Column::UsedAt, Expr::value(ts(at)))
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::UsedAt.is_null())
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.one_time_tokens.consume_all")]
    async fn consume_all(
        &self,
        organization: OrganizationId,
        user: UserId,
        purposes: &[TokenPurpose],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if purposes.is_empty() {
            return Ok(());
        }
        Entity::update_many()
            .col_expr(Column::UsedAt, Expr::value(ts(at)))
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::UserId.eq(user.as_uuid()))
            .filter(Column::Purpose.is_in(purposes.iter().map(|p| p.as_str())))
            .filter(Column::UsedAt.is_null())
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.one_time_tokens.count_issued_since")]
    async fn count_issued_since(
        &self,
        organization: OrganizationId,
        user: UserId,
        purpose: TokenPurpose,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let n = Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::UserId.eq(user.as_uuid()))
            .filter(Column::Purpose.eq(purpose.as_str()))
            .filter(Column::CreatedAt.gte(ts(since)))
            .count(&self.conn)
            .await
            .store()?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    #[tracing::instrument(skip_all, name = "db.reset_requests.queue")]
    async fn queue_reset_request(&self, request: &ResetRequest) -> Result<(), StoreError> {
        requests::Entity::insert(request_to_row(request)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.reset_requests.take")]
    async fn take_reset_request(&self) -> Result<Option<ResetRequest>, StoreError> {
        let oldest = requests::Entity::find()
            .select_only()
            .column(requests::Column::Id)
            .order_by_asc(requests::Column::RequestedAt)
            .order_by_asc(requests::Column::Id)
            .limit(1)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .into_query();
        let taken = requests::Entity::delete_many()
            .filter(requests::Column::Id.in_subquery(oldest))
            .exec_with_returning(&self.conn)
            .await
            .store()?;
        taken.first().map(request_from_row).transpose()
    }
}
