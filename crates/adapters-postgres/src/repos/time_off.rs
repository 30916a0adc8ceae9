//! [`TimeOffRepository`] over `ta_time_off`. A window lasts at most 90 days (a CHECK on
//! PostgreSQL, the domain on both), so the windows intersecting `[a, b)` start in
//! `(a - 90 days, b)`: every lookup bounds both ends of the `(ta_id, starts_at)` index.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::shared::{Interval, OrganizationId, PageRequest, TimeOffId, UserId};
use domain::store::StoreError;
use domain::time_off::{MAX_TIME_OFF, TimeOff, TimeOffReason, TimeOffRepository};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{keyset, ts};
use crate::entities::ta_time_off::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &Model) -> Result<TimeOff, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("ta_time_off", format!("{}: {e}", m.id));
    Ok(TimeOff {
        id: TimeOffId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        ta_id: UserId::from_uuid(m.ta_id),
        window: Interval::new(m.starts_at, m.ends_at).map_err(|e| bad(&e))?,
        reason: m.reason.as_deref().map(TimeOffReason::parse).transpose().map_err(|e| bad(&e))?,
        created_by: UserId::from_uuid(m.created_by),
        created_at: m.created_at,
    })
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> TimeOffRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.time_off.insert")]
    async fn insert(&self, t: &TimeOff) -> Result<(), StoreError> {
        let row = ActiveModel {
            id: Set(t.id.as_uuid()),
            organization_id: Set(t.organization_id.as_uuid()),
            ta_id: Set(t.ta_id.as_uuid()),
            starts_at: Set(ts(t.window.start())),
            ends_at: Set(ts(t.window.end())),
            reason: Set(t.reason.as_ref().map(ToString::to_string)),
            created_by: Set(t.created_by.as_uuid()),
            created_at: Set(ts(t.created_at)),
            ..Default::default()
        };
        Entity::insert(row).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.time_off.get")]
    async fn get(&self, org: OrganizationId, id: TimeOffId) -> Result<Option<TimeOff>, StoreError> {
        let row = Entity::find_by_id(id.as_uuid())
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .one(&self.conn)
            .await
            .store()?;
        row.map(|m| to_domain(&m)).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.time_off.delete")]
    async fn delete(&self, org: OrganizationId, id: TimeOffId) -> Result<bool, StoreError> {
        let done = Entity::delete_many()
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected > 0)
    }

    #[tracing::instrument(skip_all, name = "db.time_off.list")]
    async fn list(
        &self,
        org: OrganizationId,
        ta: UserId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &PageRequest,
    ) -> Result<Vec<TimeOff>, StoreError> {
        let mut query =
            Entity::find().filter(Column::OrganizationId.eq(org.as_uuid())).filter(Column::TaId.eq(ta.as_uuid()));
        if let Some(from) = from {
            query = query.filter(Column::EndsAt.gt(ts(from))).filter(Column::StartsAt.gt(ts(from - MAX_TIME_OFF)));
        }
        if let Some(to) = to {
            query = query.filter(Column::StartsAt.lt(ts(to)));
        }
        keyset::earliest_first(query, Column::StartsAt, Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.time_off.overlapping")]
    async fn overlapping(
        &self,
        org: OrganizationId,
        tas: &[UserId],
        span: Interval,
    ) -> Result<Vec<(UserId, Interval)>, StoreError> {
        if tas.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)> = Entity::find()
            .select_only()
            .columns([Column::TaId, Column::StartsAt, Column::EndsAt])
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .filter(Column::TaId.is_in(tas.iter().map(UserId::as_uuid)))
            .filter(Column::StartsAt.lt(ts(span.end())))
            .filter(Column::StartsAt.gt(ts(span.start() - MAX_TIME_OFF)))
            .filter(Column::EndsAt.gt(ts(span.start())))
            .into_tuple()
            .all(&self.conn)
            .await
            .store()?;
        rows.into_iter()
            .map(|(ta, start, end)| {
                Interval::new(start, end).map(|w| (UserId::from_uuid(ta), w)).map_err(|e| corrupt("ta_time_off", e))
            })
            .collect()
    }
}
