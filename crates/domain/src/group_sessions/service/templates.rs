//! Group-session templates and scheduling sessions from them.

use chrono::{DateTime, Utc};

use super::GroupSessionService;
use crate::accounts::user_with_role;
use crate::audit::{AuditAction, TargetType};
use crate::booking::service::checks::{RuleRefusal, active_course, schedule_ta};
use crate::booking::{Booking, BookingFilter, SessionType};
use crate::group_sessions::{GroupSessionFilter, GroupSessionTemplate, NewTemplate};
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::time::minutes;
use crate::shared::{Actor, CourseId, Cursor, Interval, Operation, Page, PageRequest, Role, TemplateId};
use crate::store::{Conflict, ConflictExt};

use_case_error! {
    /// Errors of [`GroupSessionService::create_template`].
    pub enum CreateTemplateError { Forbidden, NotFound, TaNotAssignedToCourse }
}

use_case_error! {
    /// Errors of [`GroupSessionService::list_templates`] and [`GroupSessionService::list_sessions`].
    pub enum ListGroupError {}
}

use_case_error! {
    /// Errors of [`GroupSessionService::schedule`], in the order the checks run.
    pub enum ScheduleGroupSessionError {
        Forbidden,
        NotFound,
        BookingTooSoon,
        BookingTooFarAhead,
        TaNotAssignedToCourse,
        OutsideTaAvailability,
        TaUnavailable,
    }
}

impl From<RuleRefusal> for ScheduleGroupSessionError {
    fn from(r: RuleRefusal) -> Self {
        match r {
            RuleRefusal::TooSoon => Self::BookingTooSoon,
            RuleRefusal::TooFarAhead => Self::BookingTooFarAhead,
            RuleRefusal::NotAssigned => Self::TaNotAssignedToCourse,
            RuleRefusal::OutsideAvailability => Self::OutsideTaAvailability,
            // With the TA fixed by the template, "none free" is that TA being busy.
            RuleRefusal::TaUnavailable | RuleRefusal::NoTaAvailable => Self::TaUnavailable,
        }
    }
}

impl GroupSessionService {
    /// Creates a template (`POST /group-session-templates`, admin only); the TA must teach the
    /// course.
    ///
    /// # Errors
    /// See [`CreateTemplateError`].
    #[tracing::instrument(skip_all, name = "group_sessions.create_template")]
    pub async fn create_template(
        &self,
        actor: &Actor,
        new: &NewTemplate,
    ) -> Result<GroupSessionTemplate, CreateTemplateError> {
        use CreateTemplateError as E;
        if !actor.may(Operation::CreateTemplate) {
            return Err(E::Forbidden);
        }
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let org = repos.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        repos.courses().get(org_id, new.course_id).await?.ok_or(E::NotFound)?;
        user_with_role(repos, org_id, new.ta_id, Role::Ta).await?.ok_or(E::NotFound)?;
        if !repos.course_tas().is_assigned(org_id, new.course_id, new.ta_id).await? {
            return Err(E::TaNotAssignedToCourse);
        }
        let template = GroupSessionTemplate {
            id: self.core.new_id(),
            organization_id: org_id,
            course_id: new.course_id,
            ta_id: new.ta_id,
            title: new.title.clone(),
            capacity: new.capacity,
            duration: new.duration,
            price_per_student: new.price_per_student,
            currency: org.currency,
            active: true,
            created_at: self.core.now(),
        };
        repos.templates().insert(&template).await.on_conflict(Conflict::MissingReference, E::NotFound)?;
        Ok(template)
    }

    /// Templates ordered by title (`GET /group-session-templates`), optionally of one course.
    ///
    /// # Errors
    /// Only store failures.
    #[tracing::instrument(skip_all, name = "group_sessions.list_templates")]
    pub async fn list_templates(
        &self,
        actor: &Actor,
        course: Option<CourseId>,
        page: &PageRequest,
    ) -> Result<Page<GroupSessionTemplate>, ListGroupError> {
        let rows = self.core.store.templates().list(actor.organization_id, course, page).await?;
        Ok(Page::from_overfetch(rows, page, |t| Cursor::text(t.title.as_str(), t.id)))
    }

    /// Schedules a session from a template (`POST /group-sessions`): an admin, or the
    /// template's TA. Rules 1–5 apply to the template's TA.
    ///
    /// # Errors
    /// See [`ScheduleGroupSessionError`].
    #[tracing::instrument(skip_all, name = "group_sessions.schedule")]
    pub async fn schedule(
        &self,
        actor: &Actor,
        template: TemplateId,
        starts_at: DateTime<Utc>,
    ) -> Result<Booking, ScheduleGroupSessionError> {
        if !actor.may(Operation::ScheduleGroupSession) {
            return Err(ScheduleGroupSessionError::Forbidden);
        }
        retry_transient(|| self.try_schedule(actor, template, starts_at)).await
    }

    async fn try_schedule(
        &self,
        actor: &Actor,
        template_id: TemplateId,
        starts_at: DateTime<Utc>,
    ) -> Result<Booking, ScheduleGroupSessionError> {
        use ScheduleGroupSessionError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let template = tx.templates().get(org_id, template_id).await?.filter(|t| t.active).ok_or(E::NotFound)?;
        if actor.role == Role::Ta && template.ta_id != actor.user_id {
            return Err(E::Forbidden);
        }
        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let course = active_course(&*tx, org_id, template.course_id).await?.ok_or(E::NotFound)?;
        let interval = Interval::starting_at(starts_at, template.duration.as_delta()).map_err(|_| E::BookingTooSoon)?;
        schedule_ta(&*tx, &org, &course, Some(template.ta_id), interval, now).await?.map_err(E::from)?;
        let policy = org.settings.policy_for(&course.policy);
        let session = template.session(self.core.new_id(), interval, policy, actor.user_id, now);
        let buffer = minutes(org.settings.buffer_minutes());
        tx.bookings().insert(&session, buffer).await.on_conflict(Conflict::TaOverlap, E::TaUnavailable)?;
        let detail = format!("template={} ta={}", template.id, template.ta_id);
        self.core
            .audit()
            .record(&*tx, actor, AuditAction::BookingCreated, (TargetType::Booking, session.id.into()), Some(detail))
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Group sessions ordered by start then id (`GET /group-sessions`), visible to every
    /// member; a student sees only their own seat in each.
    ///
    /// # Errors
    /// Only store failures.
    #[tracing::instrument(skip_all, name = "group_sessions.list_sessions")]
    pub async fn list_sessions(
        &self,
        actor: &Actor,
        filter: GroupSessionFilter,
        page: &PageRequest,
    ) -> Result<Page<Booking>, ListGroupError> {
        let filter = BookingFilter {
            from: filter.from,
            to: filter.to,
            course_id: filter.course_id,
            session_type: Some(SessionType::Group),
            ..BookingFilter::default()
        };
        let rows = self.core.store.bookings().list(actor.organization_id, &filter, page).await?;
        let page = Page::from_overfetch(rows, page, |b| Cursor::instant(b.interval.start(), b.id));
        Ok(page.map(|b| b.redacted_for(actor)))
    }
}
