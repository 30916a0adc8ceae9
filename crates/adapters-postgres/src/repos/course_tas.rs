//! [`CourseTaRepository`] over `course_tas`. The tenant-safe foreign keys hold the rules: the
//! course and the user must be of the row's organization, and the user must be a TA (the
//! `ta_role` column pins the role), else `MissingReference`.

use async_trait::async_trait;
use chrono::Utc;
use domain::accounts::User;
use domain::catalog::CourseTaRepository;
use domain::shared::{CourseId, OrganizationId, Role, UserId};
use domain::store::{Conflict, StoreError};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    TryInsertResult,
};
use uuid::Uuid;

use super::ts;
use super::users::user_from_row;
use crate::entities::course_tas::{ActiveModel, Column, Entity};
use crate::entities::users;
use crate::errors::DbResultExt;
use crate::store::Repos;

/// The assignment rows of `course` in `organization` (another organization's are invisible).
fn of_course(organization: OrganizationId, course: CourseId) -> Select<Entity> {
    Entity::find()
        .filter(Column::OrganizationId.eq(organization.as_uuid()))
        .filter(Column::CourseId.eq(course.as_uuid()))
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> CourseTaRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.course_tas.assign")]
    async fn assign(&self, organization: OrganizationId, course: CourseId, ta: UserId) -> Result<bool, StoreError> {
        let row = ActiveModel {
            organization_id: Set(organization.as_uuid()),
            course_id: Set(course.as_uuid()),
            ta_id: Set(ta.as_uuid()),
            ta_role: Set(Role::Ta.as_str().to_owned()),
            // The port carries no instant; the column only records when, for operators.
            created_at: Set(ts(Utc::now())),
        };
        let outcome = Entity::insert(row).on_conflict_do_nothing().exec_without_returning(&self.conn).await.store()?;
        if matches!(outcome, TryInsertResult::Inserted(1)) {
            return Ok(true);
        }
        // ON CONFLICT skips the foreign-key checks: the pair exists, but maybe for a course of
        // another organization, which this one must not see as "already assigned".
        if self.is_assigned(organization, course, ta).await? {
            Ok(false)
        } else {
            Err(StoreError::Conflict(Conflict::MissingReference))
        }
    }

    #[tracing::instrument(skip_all, name = "db.course_tas.unassign")]
    async fn unassign(&self, organization: OrganizationId, course: CourseId, ta: UserId) -> Result<bool, StoreError> {
        let done = Entity::delete_many()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::CourseId.eq(course.as_uuid()))
            .filter(Column::TaId.eq(ta.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.course_tas.is_assigned")]
    async fn is_assigned(
        &self,
        organization: OrganizationId,
        course: CourseId,
        ta: UserId,
    ) -> Result<bool, StoreError> {
        let found: Option<Uuid> = of_course(organization, course)
            .filter(Column::TaId.eq(ta.as_uuid()))
            .select_only()
            .column(Column::TaId)
            .into_tuple()
            .one(&self.conn)
            .await
            .store()?;
        Ok(found.is_some())
    }

    #[tracing::instrument(skip_all, name = "db.course_tas.tas")]
    async fn tas(&self, organization: OrganizationId, course: CourseId) -> Result<Vec<User>, StoreError> {
        let assigned = of_course(organization, course).select_only().column(Column::TaId).into_query();
        users::Entity::find()
            .filter(users::Column::OrganizationId.eq(organization.as_uuid()))
            .filter(users::Column::Id.in_subquery(assigned))
            .order_by_asc(users::Column::Name)
            .order_by_asc(users::Column::Id)
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(user_from_row)
            .collect()
    }
}
