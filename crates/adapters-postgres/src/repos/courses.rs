//! [`CourseRepository`] over `courses`. The code is unique per organization
//! (`courses_org_code_key` → `CourseCodeTaken`) and sorts in byte order on both backends.

use async_trait::async_trait;
use domain::catalog::{Course, CourseCode, CourseDescription, CourseRepository, CourseTitle};
use domain::shared::{CourseId, OrganizationId, PageRequest};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::policy_columns::{term_columns, terms_from};
use super::{keyset, ts};
use crate::entities::courses::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &Model) -> Result<Course, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("courses", format!("{}: {e}", m.id));
    Ok(Course {
        id: CourseId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        code: CourseCode::parse(&m.code).map_err(|e| bad(&e))?,
        title: CourseTitle::parse(&m.title).map_err(|e| bad(&e))?,
        description: CourseDescription::parse(&m.description).map_err(|e| bad(&e))?,
        active: m.active,
        policy: terms_from((
            m.cancellation_window_hours,
            m.reschedule_window_hours,
            m.max_reschedules,
            m.late_cancellation.clone(),
            m.no_show.clone(),
        ))
        .map_err(|e| bad(&e))?,
        created_at: m.created_at,
    })
}

fn to_row(c: &Course) -> ActiveModel {
    let (cancel, reschedule, max, late, no_show) = term_columns(&c.policy);
    ActiveModel {
        id: Set(c.id.as_uuid()),
        organization_id: Set(c.organization_id.as_uuid()),
        code: Set(c.code.as_str().to_owned()),
        title: Set(c.title.as_str().to_owned()),
        description: Set(c.description.as_str().to_owned()),
        active: Set(c.active),
        created_at: Set(ts(c.created_at)),
        cancellation_window_hours: Set(cancel),
        reschedule_window_hours: Set(reschedule),
        max_reschedules: Set(max),
        late_cancellation: Set(late),
        no_show: Set(no_show),
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> CourseRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.courses.insert")]
    async fn insert(&self, course: &Course) -> Result<(), StoreError> {
        Entity::insert(to_row(course)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.courses.get")]
    async fn get(&self, organization: OrganizationId, id: CourseId) -> Result<Option<Course>, StoreError> {
        Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Id.eq(id.as_uuid()))
            .one(&self.conn)
            .await
            .store()?
            .as_ref()
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(skip_all, name = "db.courses.list")]
    async fn list(&self, organization: OrganizationId, page: &PageRequest) -> Result<Vec<Course>, StoreError> {
        let query = Entity::find().filter(Column::OrganizationId.eq(organization.as_uuid()));
        keyset::by_text(query, Column::Code, Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.courses.update")]
    async fn update(&self, course: &Course) -> Result<(), StoreError> {
        // Code, organization and creation time never change.
        let (cancel, reschedule, max, late, no_show) = term_columns(&course.policy);
        Entity::update_many()
            .col_expr(Column::Title, Expr::value(course.title.as_str()))
            .col_expr(Column::Description, Expr::value(course.description.as_str()))
            .col_expr(Column::Active, Expr::value(course.active))
            .col_expr(Column::CancellationWindowHours, Expr::value(cancel))
            .col_expr(Column::RescheduleWindowHours, Expr::value(reschedule))
            .col_expr(Column::MaxReschedules, Expr::value(max))
            .col_expr(Column::LateCancellation, Expr::value(late))
            .col_expr(Column::NoShow, Expr::value(no_show))
            .filter(Column::OrganizationId.eq(course.organization_id.as_uuid()))
            .filter(Column::Id.eq(course.id.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }
}
