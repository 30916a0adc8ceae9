//! [`TemplateRepository`] over `group_session_templates`.

use async_trait::async_trait;
use domain::group_sessions::{Capacity, GroupSessionTemplate, TemplateRepository, TemplateTitle};
use domain::scheduling::SessionDuration;
use domain::shared::{Cents, CourseId, Currency, OrganizationId, PageRequest, TemplateId, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{keyset, ts};
use crate::entities::group_session_templates::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &Model) -> Result<GroupSessionTemplate, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("group_session_templates", format!("{}: {e}", m.id));
    Ok(GroupSessionTemplate {
        id: TemplateId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        course_id: CourseId::from_uuid(m.course_id),
        ta_id: UserId::from_uuid(m.ta_id),
        title: TemplateTitle::parse(&m.title).map_err(|e| bad(&e))?,
        capacity: Capacity::new(i64::from(m.capacity)).map_err(|e| bad(&e))?,
        duration: SessionDuration::from_minutes(i64::from(m.duration_minutes)).map_err(|e| bad(&e))?,
        price_per_student: Cents::new(m.price_per_student_cents).map_err(|e| bad(&e))?,
        currency: Currency::parse(&m.currency).map_err(|e| bad(&e))?,
        active: m.active,
        created_at: m.created_at,
    })
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> TemplateRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.templates.insert")]
    async fn insert(&self, t: &GroupSessionTemplate) -> Result<(), StoreError> {
        let row = ActiveModel {
            id: Set(t.id.as_uuid()),
            organization_id: Set(t.organization_id.as_uuid()),
            course_id: Set(t.course_id.as_uuid()),
            ta_id: Set(t.ta_id.as_uuid()),
            title: Set(t.title.to_string()),
            capacity: Set(i32::try_from(t.capacity.get()).unwrap_or(i32::MAX)),
            duration_minutes: Set(i32::from(t.duration.minutes())),
            price_per_student_cents: Set(t.price_per_student.get()),
            currency: Set(t.currency.to_string()),
            active: Set(t.active),
            created_at: Set(ts(t.created_at)),
            ..Default::default()
        };
        Entity::insert(row).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.templates.get")]
    async fn get(&self, org: OrganizationId, id: TemplateId) -> Result<Option<GroupSessionTemplate>, StoreError> {
        let row = Entity::find_by_id(id.as_uuid())
            .filter(Column::OrganizationId.eq(org.as_uuid()))
            .one(&self.conn)
            .await
            .store()?;
        row.map(|m| to_domain(&m)).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.templates.list")]
    async fn list(
        &self,
        org: OrganizationId,
        course: Option<CourseId>,
        page: &PageRequest,
    ) -> Result<Vec<GroupSessionTemplate>, StoreError> {
        let mut query = Entity::find().filter(Column::OrganizationId.eq(org.as_uuid()));
        if let Some(course) = course {
            query = query.filter(Column::CourseId.eq(course.as_uuid()));
        }
        keyset::by_text(query, Column::Title, Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(|m| to_domain(&m))
            .collect()
    }
}
