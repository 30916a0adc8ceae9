//! Course use cases: create, list, read and change the courses of the caller's organization.

use super::CatalogService;
use crate::catalog::model::{Course, CoursePatch, NewCourse};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, CourseId, Cursor, Operation, Page, PageRequest};
use crate::store::{Conflict, ConflictExt};

use_case_error! {
    /// Errors of [`CatalogService::create_course`].
    pub enum CreateCourseError { Forbidden, CourseCodeTaken }
}

use_case_error! {
    /// Errors of [`CatalogService::list_courses`]: only store failures, as every member may
    /// list the courses of their organization.
    pub enum ListCoursesError {}
}

use_case_error! {
    /// Errors of [`CatalogService::get_course`].
    pub enum GetCourseError { NotFound }
}

use_case_error! {
    /// Errors of [`CatalogService::update_course`].
    pub enum UpdateCourseError { Forbidden, NotFound }
}

impl CatalogService {
    /// Creates an active course (`POST /courses`, admin only).
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `CourseCodeTaken` when another course of the organization
    /// has the code (the store decides, so two concurrent creations cannot both win).
    #[tracing::instrument(skip_all, name = "catalog.create_course")]
    pub async fn create_course(&self, actor: &Actor, new: &NewCourse) -> Result<Course, CreateCourseError> {
        if !actor.may(Operation::CreateCourse) {
            return Err(CreateCourseError::Forbidden);
        }
        let course = Course {
            id: self.core.new_id(),
            organization_id: actor.organization_id,
            code: new.code.clone(),
            title: new.title.clone(),
            description: new.description.clone(),
            active: true,
            policy: new.policy,
            created_at: self.core.now(),
        };
        self.core
            .store
            .courses()
            .insert(&course)
            .await
            .on_conflict(Conflict::CourseCodeTaken, CreateCourseError::CourseCodeTaken)?;
        Ok(course)
    }

    /// One page of the organization's courses, ordered by code then id (`GET /courses`, any
    /// member; inactive courses included, flagged by `active`).
    ///
    /// # Errors
    /// Only store failures.
    #[tracing::instrument(skip_all, name = "catalog.list_courses")]
    pub async fn list_courses(&self, actor: &Actor, page: &PageRequest) -> Result<Page<Course>, ListCoursesError> {
        let rows = self.core.store.courses().list(actor.organization_id, page).await?;
        Ok(Page::from_overfetch(rows, page, |c| Cursor::text(c.code.as_str(), c.id)))
    }

    /// One course (`GET /courses/{id}`, any member).
    ///
    /// # Errors
    /// `NotFound` for an unknown course or another organization's.
    #[tracing::instrument(skip_all, name = "catalog.get_course")]
    pub async fn get_course(&self, actor: &Actor, id: CourseId) -> Result<Course, GetCourseError> {
        self.core.store.courses().get(actor.organization_id, id).await?.ok_or(GetCourseError::NotFound)
    }

    /// Changes a course's title, description or active flag (`PATCH /courses/{id}`, admin
    /// only). Deactivating a course stops new bookings and empties its slot search; sessions
    /// already booked stay as they are.
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `NotFound` for an unknown course or another organization's.
    #[tracing::instrument(skip_all, name = "catalog.update_course")]
    pub async fn update_course(
        &self,
        actor: &Actor,
        id: CourseId,
        patch: &CoursePatch,
    ) -> Result<Course, UpdateCourseError> {
        if !actor.may(Operation::UpdateCourse) {
            return Err(UpdateCourseError::Forbidden);
        }
        let current =
            self.core.store.courses().get(actor.organization_id, id).await?.ok_or(UpdateCourseError::NotFound)?;
        let updated = current.patched(patch);
        self.core.store.courses().update(&updated).await?;
        Ok(updated)
    }
}
