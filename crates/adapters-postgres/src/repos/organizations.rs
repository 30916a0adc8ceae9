//! [`OrganizationRepository`] over the `organizations` table.

use async_trait::async_trait;
use domain::shared::{Currency, OrganizationId, TimeZoneId};
use domain::store::StoreError;
use domain::tenancy::{
    OrgName, OrgSettings, OrgSettingsPatch, Organization, OrganizationRepository, RawSettings, Slug,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::policy_columns::{term_columns, terms_from};
use super::ts;
use crate::entities::organizations::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &Model) -> Result<Organization, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("organizations", format!("{}: {e}", m.id));
    let settings = OrgSettingsPatch::parse(RawSettings {
        cancellation_window_hours: Some(i64::from(m.cancellation_window_hours)),
        min_notice_minutes: Some(i64::from(m.min_notice_minutes)),
        max_advance_days: Some(i64::from(m.max_advance_days)),
        buffer_minutes: Some(i64::from(m.buffer_minutes)),
        slot_step_minutes: Some(i64::from(m.slot_step_minutes)),
    })
    .map_err(|e| bad(&e))?;
    Ok(Organization {
        id: OrganizationId::from_uuid(m.id),
        name: OrgName::parse(&m.name).map_err(|e| bad(&e))?,
        slug: Slug::parse(&m.slug).map_err(|e| bad(&e))?,
        timezone: TimeZoneId::parse(&m.timezone).map_err(|e| bad(&e))?,
        currency: Currency::parse(&m.currency).map_err(|e| bad(&e))?,
        settings: OrgSettings::default().apply(&settings).with_policy(
            terms_from((
                None,
                m.reschedule_window_hours,
                m.max_reschedules,
                m.late_cancellation.clone(),
                m.no_show.clone(),
            ))
            .map_err(|e| bad(&e))?,
        ),
        created_at: m.created_at,
    })
}

fn to_row(org: &Organization) -> ActiveModel {
    let s = org.settings;
    let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let (_, reschedule, max, late, no_show) = term_columns(&s.policy_terms());
    ActiveModel {
        id: Set(org.id.as_uuid()),
        name: Set(org.name.to_string()),
        slug: Set(org.slug.as_str().to_owned()),
        timezone: Set(org.timezone.name().to_owned()),
        currency: Set(org.currency.to_string()),
        cancellation_window_hours: Set(int(s.cancellation_window_hours())),
        min_notice_minutes: Set(int(s.min_notice_minutes())),
        max_advance_days: Set(int(s.max_advance_days())),
        buffer_minutes: Set(int(s.buffer_minutes())),
        slot_step_minutes: Set(int(s.slot_step_minutes())),
        created_at: Set(ts(org.created_at)),
        reschedule_window_hours: Set(reschedule),
        max_reschedules: Set(max),
        late_cancellation: Set(late),
        no_show: Set(no_show),
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> OrganizationRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.organizations.insert")]
    async fn insert(&self, org: &Organization) -> Result<(), StoreError> {
        Entity::insert(to_row(org)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.organizations.get")]
    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError> {
        Entity::find_by_id(id.as_uuid()).one(&self.conn).await.store()?.map(|m| to_domain(&m)).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.organizations.find_by_slug")]
    async fn find_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError> {
        Entity::find()
            .filter(Column::Slug.eq(slug.as_str()))
            .one(&self.conn)
            .await
            .store()?
            .map(|m| to_domain(&m))
            .transpose()
    }

    #[tracing::instrument(skip_all, name = "db.organizations.update")]
    async fn update(&self, org: &Organization) -> Result<(), StoreError> {
        let mut row = to_row(org);
        row.created_at = sea_orm::ActiveValue::NotSet;
        row.slug = sea_orm::ActiveValue::NotSet;
        Entity::update(row).exec(&self.conn).await.store()?;
        Ok(())
    }
}
