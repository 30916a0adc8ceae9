//! [`AvailabilityRepository`] over `availabilities`: one row per TA (the tenant-safe foreign
//! key pins the user to the organization and to the TA role), weekly hours and overrides as
//! JSON (see `availability_json`).

use async_trait::async_trait;
use chrono::Utc;
use domain::availability::{Availability, AvailabilityRepository};
use domain::shared::{OrganizationId, Role, UserId};
use domain::store::{Conflict, StoreError};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{availability_json as json, ts};
use crate::entities::availabilities::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &Model) -> Result<Availability, StoreError> {
    json::parse(UserId::from_uuid(m.ta_id), &m.timezone, &m.weekly, &m.overrides)
        .map_err(|e| corrupt("availabilities", format!("{}: {e}", m.ta_id)))
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> AvailabilityRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.availability.get")]
    async fn get(&self, organization: OrganizationId, ta: UserId) -> Result<Option<Availability>, StoreError> {
        let row = Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::TaId.eq(ta.as_uuid()))
            .one(&self.conn)
            .await
            .store()?;
        row.as_ref().map(to_domain).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.availability.get_many")]
    async fn get_many(&self, organization: OrganizationId, tas: &[UserId]) -> Result<Vec<Availability>, StoreError> {
        if tas.is_empty() {
            return Ok(Vec::new());
        }
        Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::TaId.is_in(tas.iter().map(UserId::as_uuid)))
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.availability.put")]
    async fn put(&self, organization: OrganizationId, availability: &Availability) -> Result<(), StoreError> {
        let row = ActiveModel {
            ta_id: Set(availability.ta_id().as_uuid()),
            organization_id: Set(organization.as_uuid()),
            ta_role: Set(Role::Ta.as_str().to_owned()),
            timezone: Set(availability.timezone().name().to_owned()),
            weekly: Set(json::weekly(availability)),
            overrides: Set(json::overrides(availability)),
            // The port carries no instant; the column only records when, for operators.
            updated_at: Set(ts(Utc::now())),
        };
        // The update branch is limited to the caller's organization: a TA id of another
        // organization must not overwrite that organization's row.
        let upsert = OnConflict::column(Column::TaId)
            .update_columns([Column::Timezone, Column::Weekly, Column::Overrides, Column::UpdatedAt])
            .action_and_where(Column::OrganizationId.eq(organization.as_uuid()))
            .to_owned();
        let written = Entity::insert(row).on_conflict(upsert).exec_without_returning(&self.conn).await.store()?;
        if written == 0 {
            // The row exists, for a TA of another organization: as unknown as a missing TA.
            return Err(StoreError::Conflict(Conflict::MissingReference));
        }
        Ok(())
    }
}
