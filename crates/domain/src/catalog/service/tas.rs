//! TA use cases of the catalog: listing the organization's TAs, and assigning TAs to courses.

use super::CatalogService;
use crate::accounts::User;
use crate::accounts::user_with_role;
use crate::audit::{AuditAction, TargetType};
use crate::catalog::model::Course;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, CourseId, Cursor, Operation, OrganizationId, Page, PageRequest, Role, UserId};
use crate::store::{Conflict, ConflictExt, Repositories, StoreError};

use_case_error! {
    /// Errors of [`CatalogService::list_tas`]: only store failures, as every member may list
    /// the TAs of their organization.
    pub enum ListTasError {}
}

use_case_error! {
    /// Errors of [`CatalogService::get_ta`].
    pub enum GetTaError { NotFound }
}

use_case_error! {
    /// Errors of [`CatalogService::assign_ta`].
    pub enum AssignTaError { Forbidden, NotFound }
}

use_case_error! {
    /// Errors of [`CatalogService::unassign_ta`].
    pub enum UnassignTaError { Forbidden, NotFound }
}

use_case_error! {
    /// Errors of [`CatalogService::list_course_tas`].
    pub enum ListCourseTasError { NotFound }
}

/// The course and the TA an assignment change names, both in the organization.
async fn course_and_ta(
    repos: &dyn Repositories,
    organization: OrganizationId,
    course: CourseId,
    ta: UserId,
) -> Result<Option<(Course, User)>, StoreError> {
    let Some(course) = repos.courses().get(organization, course).await? else { return Ok(None) };
    Ok(user_with_role(repos, organization, ta, Role::Ta).await?.map(|ta| (course, ta)))
}

impl CatalogService {
    /// One page of the organization's TAs, ordered by name then id (`GET /tas`, any member).
    ///
    /// # Errors
    /// Only store failures.
    #[tracing::instrument(skip_all, name = "catalog.list_tas")]
    pub async fn list_tas(&self, actor: &Actor, page: &PageRequest) -> Result<Page<User>, ListTasError> {
        let rows = self.core.store.users().list_by_role(actor.organization_id, Role::Ta, page).await?;
        Ok(Page::from_overfetch(rows, page, |u| Cursor::text(u.name.as_str(), u.id)))
    }

    /// One TA of the organization (`GET /tas/{taId}`, any member).
    ///
    /// # Errors
    /// `NotFound` for a user who is unknown, of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "catalog.get_ta")]
    pub async fn get_ta(&self, actor: &Actor, ta: UserId) -> Result<User, GetTaError> {
        user_with_role(&*self.core.store, actor.organization_id, ta, Role::Ta).await?.ok_or(GetTaError::NotFound)
    }

    /// Assigns a TA to a course (`PUT /courses/{id}/tas/{taId}`, admin only). Idempotent: a TA
    /// already assigned stays assigned and no second audit event is written. The assignment and
    /// its `course_ta.assigned` event commit together.
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `NotFound` for an unknown course, or a user who is unknown,
    /// of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "catalog.assign_ta")]
    pub async fn assign_ta(&self, actor: &Actor, course: CourseId, ta: UserId) -> Result<(), AssignTaError> {
        if !actor.may(Operation::AssignTa) {
            return Err(AssignTaError::Forbidden);
        }
        retry_transient(|| self.try_assign_ta(actor, course, ta)).await
    }

    async fn try_assign_ta(&self, actor: &Actor, course: CourseId, ta: UserId) -> Result<(), AssignTaError> {
        let org = actor.organization_id;
        let tx = self.core.store.begin().await?;
        let (course, ta) = course_and_ta(&*tx, org, course, ta).await?.ok_or(AssignTaError::NotFound)?;
        // The store refuses a reference that vanished since the reads (a course or user deleted
        // concurrently): for the caller it no longer exists.
        let assigned = tx
            .course_tas()
            .assign(org, course.id, ta.id)
            .await
            .on_conflict(Conflict::MissingReference, AssignTaError::NotFound)?;
        if assigned {
            let target = (TargetType::Course, course.id.into());
            let detail = Some(format!("ta={}", ta.id));
            self.core.audit().record(&*tx, actor, AuditAction::CourseTaAssigned, target, detail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a TA from a course (`DELETE /courses/{id}/tas/{taId}`, admin only). Idempotent:
    /// removing a TA who is not assigned succeeds and writes no audit event. Sessions the TA
    /// already has in the course are left as they are (an admin cancels them if needed); the
    /// TA only stops being offered for, and assignable to, new sessions of the course.
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `NotFound` for an unknown course, or a user who is unknown,
    /// of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "catalog.unassign_ta")]
    pub async fn unassign_ta(&self, actor: &Actor, course: CourseId, ta: UserId) -> Result<(), UnassignTaError> {
        if !actor.may(Operation::UnassignTa) {
            return Err(UnassignTaError::Forbidden);
        }
        retry_transient(|| self.try_unassign_ta(actor, course, ta)).await
    }

    async fn try_unassign_ta(&self, actor: &Actor, course: CourseId, ta: UserId) -> Result<(), UnassignTaError> {
        let org = actor.organization_id;
        let tx = self.core.store.begin().await?;
        let (course, ta) = course_and_ta(&*tx, org, course, ta).await?.ok_or(UnassignTaError::NotFound)?;
        let unassigned = tx.course_tas().unassign(org, course.id, ta.id).await?;
        if unassigned {
            let target = (TargetType::Course, course.id.into());
            let detail = Some(format!("ta={}", ta.id));
            self.core.audit().record(&*tx, actor, AuditAction::CourseTaUnassigned, target, detail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The TAs assigned to a course, ordered by name then id (`GET /courses/{id}/tas`, any
    /// member).
    ///
    /// # Errors
    /// `NotFound` for an unknown course or another organization's.
    #[tracing::instrument(skip_all, name = "catalog.list_course_tas")]
    pub async fn list_course_tas(&self, actor: &Actor, course: CourseId) -> Result<Vec<User>, ListCourseTasError> {
        let org = actor.organization_id;
        let course = self.core.store.courses().get(org, course).await?.ok_or(ListCourseTasError::NotFound)?;
        Ok(self.core.store.course_tas().tas(org, course.id).await?)
    }
}
