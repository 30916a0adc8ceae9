//! [`OutboxRepository`] over `outbox_messages`. Workers claim due messages with a lease
//! (`locked_until`): one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`
//! on PostgreSQL, so that concurrent workers never get the same row; SQLite has no row locks
//! (sea-query leaves the clause out) but runs one writer at a time, which is as safe. A worker
//! that dies leaves its messages hidden only until the lease ends. The write that marks a
//! message `sent` or `dead` also removes the link token from its payload, in the same statement.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use domain::notifications::{Claim, EmailKind, JobStatus, OutboxCounts, OutboxMessage, OutboxRepository};
use domain::shared::{Email, OrganizationId, OutboxMessageId, PageRequest};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait as _, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::{keyset, outbox_payload, ts};
use crate::entities::outbox_messages::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: Model) -> Result<OutboxMessage, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("outbox_messages", format!("{}: {e}", m.id));
    let kind = EmailKind::parse(&m.kind).map_err(|e| bad(&e))?;
    Ok(OutboxMessage {
        id: OutboxMessageId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        recipient: Email::parse(&m.recipient).map_err(|e| bad(&e))?,
        payload: outbox_payload::from_json(kind, &m.payload).map_err(|e| bad(&e))?,
        status: JobStatus::parse(&m.status).map_err(|e| bad(&e))?,
        attempts: u32::try_from(m.attempts).map_err(|e| bad(&e))?,
        recipient_name: m.recipient_name,
        last_error: m.last_error,
        next_attempt_at: m.next_attempt_at,
        created_at: m.created_at,
        sent_at: m.sent_at,
        leased_until: m.locked_until,
    })
}

fn to_row(m: &OutboxMessage) -> ActiveModel {
    ActiveModel {
        id: Set(m.id.as_uuid()),
        organization_id: Set(m.organization_id.as_uuid()),
        kind: Set(m.kind().as_str().to_owned()),
        recipient: Set(m.recipient.as_str().to_owned()),
        recipient_name: Set(m.recipient_name.clone()),
        payload: Set(outbox_payload::to_json(&m.payload)),
        status: Set(m.status.as_str().to_owned()),
        attempts: Set(attempts(m.attempts)),
        last_error: Set(m.last_error.clone()),
        next_attempt_at: Set(ts(m.next_attempt_at)),
        locked_until: Set(None),
        created_at: Set(ts(m.created_at)),
        sent_at: Set(m.sent_at.map(ts)),
    }
}

/// Attempts are counted in the tens; saturating keeps the column's `attempts >= 0` check.
fn attempts(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn no_lease() -> Expr {
    Expr::value(Option::<DateTime<Utc>>::None)
}

/// The payload without its link token: once a verification, reset or invitation email is sent
/// or given up, the outbox keeps no token that could still be used (jsonb `-` on PostgreSQL,
/// `json_remove` on SQLite; a payload without a token is left as it is).
fn without_token(backend: DbBackend) -> Expr {
    let key = outbox_payload::TOKEN_KEY;
    match backend {
        DbBackend::Sqlite => Expr::cust(format!("json_remove(\"payload\", '$.{key}')")),
        _ => Expr::cust(format!("\"payload\" - '{key}'")),
    }
}

/// The message of `claim`, if that claim still holds it.
fn held_under(claim: Claim) -> Condition {
    Condition::all().add(Column::Id.eq(claim.id.as_uuid())).add(Column::LockedUntil.eq(ts(claim.until)))
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> OutboxRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.outbox.enqueue")]
    async fn enqueue(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        Entity::insert(to_row(message)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.outbox.claim_due")]
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease: TimeDelta,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = ts(now);
        let until = now
            .checked_add_signed(lease)
            .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("lease {lease} overflows the calendar")))?;
        let due = Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::Status.is_in([JobStatus::Pending.as_str(), JobStatus::Retrying.as_str()]))
            .filter(Column::NextAttemptAt.lte(now))
            .filter(Condition::any().add(Column::LockedUntil.is_null()).add(Column::LockedUntil.lte(now)))
            .order_by_asc(Column::NextAttemptAt)
            .order_by_asc(Column::Id)
            .limit(u64::from(limit))
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .into_query();
        let claimed = Entity::update_many()
            .col_expr(Column::LockedUntil, Expr::value(ts(until)))
            .filter(Column::Id.in_subquery(due))
            .exec_with_returning(&self.conn)
            .await
            .store()?;
        let mut messages = claimed.into_iter().map(to_domain).collect::<Result<Vec<_>, _>>()?;
        // RETURNING has no order: give the worker the oldest due first, as selected.
        messages.sort_by_key(|m| (m.next_attempt_at, m.id));
        Ok(messages)
    }

    #[tracing::instrument(skip_all, name = "db.outbox.mark_sent", fields(messages = claims.len()))]
    async fn mark_sent(&self, claims: &[Claim], at: DateTime<Utc>) -> Result<Vec<OutboxMessageId>, StoreError> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let held = claims.iter().fold(Condition::any(), |any, claim| any.add(held_under(*claim)));
        let done = Entity::update_many()
            .col_expr(Column::Status, Expr::value(JobStatus::Sent.as_str()))
            // The successful attempt counts too.
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .col_expr(Column::SentAt, Expr::value(ts(at)))
            .col_expr(Column::LockedUntil, no_lease())
            .col_expr(Column::Payload, without_token(self.conn.get_database_backend()))
            .filter(held)
            .exec_with_returning(&self.conn)
            .await
            .store()?;
        Ok(done.into_iter().map(|m| OutboxMessageId::from_uuid(m.id)).collect())
    }

    #[tracing::instrument(skip_all, name = "db.outbox.mark_failed")]
    async fn mark_failed(
        &self,
        claim: Claim,
        attempts: u32,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let status = if retry_at.is_some() { JobStatus::Retrying } else { JobStatus::Dead };
        let mut update = Entity::update_many()
            .col_expr(Column::Status, Expr::value(status.as_str()))
            .col_expr(Column::Attempts, Expr::value(self::attempts(attempts)))
            .col_expr(Column::LastError, Expr::value(error))
            .col_expr(Column::LockedUntil, no_lease());
        update = match retry_at {
            Some(at) => update.col_expr(Column::NextAttemptAt, Expr::value(ts(at))),
            None => update.col_expr(Column::Payload, without_token(self.conn.get_database_backend())),
        };
        let done = update.filter(held_under(claim)).exec(&self.conn).await.store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.outbox.list")]
    async fn list(
        &self,
        organization: OrganizationId,
        status: Option<JobStatus>,
        page: &PageRequest,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut query = Entity::find().filter(Column::OrganizationId.eq(organization.as_uuid()));
        if let Some(status) = status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        keyset::newest_first(query, Column::CreatedAt, Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.outbox.get")]
    async fn get(
        &self,
        organization: OrganizationId,
        id: OutboxMessageId,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Id.eq(id.as_uuid()))
            .one(&self.conn)
            .await
            .store()?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(skip_all, name = "db.outbox.requeue")]
    async fn requeue(
        &self,
        organization: OrganizationId,
        id: OutboxMessageId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // `last_error` stays: an admin retrying a job still sees why it failed last.
        let done = Entity::update_many()
            .col_expr(Column::Status, Expr::value(JobStatus::Pending.as_str()))
            .col_expr(Column::Attempts, Expr::value(0))
            .col_expr(Column::NextAttemptAt, Expr::value(ts(now)))
            .col_expr(Column::LockedUntil, no_lease())
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::Status.is_in([JobStatus::Dead.as_str(), JobStatus::Retrying.as_str()]))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.outbox.counts")]
    async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        let by_status: Vec<(String, i64)> = Entity::find()
            .select_only()
            .column(Column::Status)
            .column_as(Column::Id.count(), "n")
            .group_by(Column::Status)
            .into_tuple()
            .all(&self.conn)
            .await
            .store()?;
        let mut counts = OutboxCounts::default();
        for (status, n) in by_status {
            let n = u64::try_from(n).unwrap_or_default();
            match JobStatus::parse(&status).map_err(|e| corrupt("outbox_messages", format!("status {status}: {e}")))? {
                JobStatus::Pending | JobStatus::Retrying => counts.pending += n,
                JobStatus::Dead => counts.dead += n,
                JobStatus::Sent => {}
            }
        }
        Ok(counts)
    }
}
