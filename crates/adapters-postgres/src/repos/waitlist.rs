//! [`WaitlistRepository`] over `waitlist_entries`: first in, first out by `(created_at, id)`;
//! one entry per student and session (unique key).

use async_trait::async_trait;
use domain::group_sessions::{WaitlistEntry, WaitlistPosition, WaitlistRepository};
use domain::shared::{BookingId, OrganizationId, UserId, WaitlistEntryId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::ts;
use crate::entities::waitlist_entries::{ActiveModel, Column, Entity, Model};
use crate::errors::DbResultExt;
use crate::store::Repos;

fn to_domain(m: &Model) -> WaitlistEntry {
    WaitlistEntry {
        id: WaitlistEntryId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        booking_id: BookingId::from_uuid(m.booking_id),
        student_id: UserId::from_uuid(m.student_id),
        bundle_purchase_id: m.bundle_purchase_id.map(Into::into),
        created_at: m.created_at,
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> WaitlistRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.waitlist.insert")]
    async fn insert(&self, entry: &WaitlistEntry) -> Result<(), StoreError> {
        let row = ActiveModel {
            id: Set(entry.id.as_uuid()),
            organization_id: Set(entry.organization_id.as_uuid()),
            booking_id: Set(entry.booking_id.as_uuid()),
            student_id: Set(entry.student_id.as_uuid()),
            bundle_purchase_id: Set(entry.bundle_purchase_id.map(|b| b.as_uuid())),
            created_at: Set(ts(entry.created_at)),
            ..Default::default()
        };
        Entity::insert(row).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.waitlist.list")]
    async fn list(&self, org: OrganizationId, booking: BookingId) -> Result<Vec<WaitlistEntry>, StoreError> {
        let rows = Entity::find()
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .filter(Column::BookingId.eq(booking.as_uuid()))
            .order_by_asc(Column::CreatedAt)
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await
            .store()?;
        Ok(rows.iter().map(to_domain).collect())
    }

    #[tracing::instrument(skip_all, name = "db.waitlist.find")]
    async fn find(
        &self,
        org: OrganizationId,
        booking: BookingId,
        student: UserId,
    ) -> Result<Option<WaitlistPosition>, StoreError> {
        let Some(row) = Entity::find()
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .filter(Column::BookingId.eq(booking.as_uuid()))
            .filter(Column::StudentId.eq(student.as_uuid()))
            .one(&self.conn)
            .await
            .store()?
        else {
            return Ok(None);
        };
        let ahead = Entity::find()
            .filter(Column::BookingId.eq(booking.as_uuid()))
            // Entries ahead in the queue: earlier `(created_at, id)`.
            .filter(
                Expr::tuple([Expr::col(Column::CreatedAt), Expr::col(Column::Id)])
                    .lt(Expr::tuple([Expr::val(row.created_at), Expr::val(row.id)])),
            )
            .count(&self.conn)
            .await
            .store()?;
        let position = u32::try_from(ahead + 1).unwrap_or(u32::MAX);
        Ok(Some(WaitlistPosition { entry: to_domain(&row), position }))
    }

    #[tracing::instrument(skip_all, name = "db.waitlist.remove")]
    async fn remove(&self, org: OrganizationId, id: WaitlistEntryId) -> Result<bool, StoreError> {
        let done = Entity::delete_many()
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.waitlist.clear")]
    async fn clear(&self, org: OrganizationId, booking: BookingId) -> Result<u32, StoreError> {
        let done = Entity::delete_many()
            .filter(Column::BookingId.eq(booking.as_uuid()))
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(u32::try_from(done.rows_affected).unwrap_or(u32::MAX))
    }
}
