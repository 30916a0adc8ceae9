//! Use cases of TA time off: record a window (moving the TA's sessions in it to other TAs when
//! asked), list a TA's windows, delete one.

use chrono::{DateTime, Utc};

use super::model::{Affected, AffectedOutcome, RecordedTimeOff, TimeOff, TimeOffReason};
use crate::accounts::user_with_role;
use crate::audit::{AuditAction, TargetType};
use crate::booking::Booking;
use crate::booking::service::checks::choose_free;
use crate::booking::service::emails::{MovedSession, queue_moved};
use crate::core::Core;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::time::minutes;
use crate::shared::{Actor, BusinessEvent, Cursor, Interval, Operation, Page, PageRequest, Role, TimeOffId, UserId};
use crate::store::{Conflict, Repositories, StoreError};
use crate::tenancy::Organization;

/// `POST /tas/{taId}/time-off`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTimeOff {
    /// The TA who is away.
    pub ta_id: UserId,
    /// When (see [`super::time_off_window`]).
    pub window: Interval,
    /// Why, if said.
    pub reason: Option<TimeOffReason>,
    /// Whether to move each of the TA's sessions in the window to another free TA.
    pub reassign: bool,
}

use_case_error! {
    /// Errors of [`TimeOffService::record`] and [`TimeOffService::delete`].
    pub enum TimeOffWriteError { Forbidden, NotFound }
}

use_case_error! {
    /// Errors of [`TimeOffService::list`].
    pub enum ListTimeOffError { NotFound }
}

/// Records, lists and deletes TA time off.
#[derive(Clone)]
pub struct TimeOffService {
    core: Core,
}

impl TimeOffService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }

    /// Records a TA's time off (an admin for any TA, a TA for themself). From its commit the
    /// window is cut out of the TA's availability for every booking and slot search. Returns
    /// the TA's sessions in the window that have not started: with `reassign`, each moved in
    /// the same transaction to a TA of its course who is free then (chosen as a new booking's
    /// TA is), or `unresolved` when none is; without it, all `unresolved`.
    ///
    /// # Errors
    /// `Forbidden` for a student, or a TA recording another TA's time off; `NotFound` when the
    /// TA is unknown, of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "time_off.record")]
    pub async fn record(&self, actor: &Actor, cmd: &RecordTimeOff) -> Result<RecordedTimeOff, TimeOffWriteError> {
        if !actor.may(Operation::RecordTimeOff) {
            return Err(TimeOffWriteError::Forbidden);
        }
        let recorded = retry_transient(|| self.try_record(actor, cmd)).await?;
        let moved = recorded.affected.iter().filter(|a| a.outcome == AffectedOutcome::Reassigned);
        moved.for_each(|_| self.core.count(BusinessEvent::BookingRescheduled));
        Ok(recorded)
    }

    async fn try_record(&self, actor: &Actor, cmd: &RecordTimeOff) -> Result<RecordedTimeOff, TimeOffWriteError> {
        use TimeOffWriteError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        // Locked: sessions written for the TA from now on wait for this record and then see it.
        let ta = tx.users().lock(org_id, cmd.ta_id).await?.filter(|u| u.role == Role::Ta).ok_or(E::NotFound)?;
        if actor.role == Role::Ta && !actor.is(ta.id) {
            return Err(E::Forbidden);
        }
        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let time_off = TimeOff {
            id: self.core.new_id(),
            organization_id: org_id,
            ta_id: ta.id,
            window: cmd.window,
            reason: cmd.reason.clone(),
            created_by: actor.user_id,
            created_at: now,
        };
        // Inserted first: the TA's calendar now excludes the window, so the automatic choice
        // below never picks them.
        tx.time_off().insert(&time_off).await?;
        let mut affected = Vec::new();
        for booking in tx.bookings().active_for_ta(org_id, ta.id, cmd.window).await? {
            if booking.has_started(now) {
                continue;
            }
            let outcome = if cmd.reassign { self.reassign(&*tx, actor, &org, &booking).await? } else { None };
            affected.push(match outcome {
                Some(new_ta) => {
                    Affected { booking_id: booking.id, outcome: AffectedOutcome::Reassigned, ta_id: new_ta }
                }
                None => Affected { booking_id: booking.id, outcome: AffectedOutcome::Unresolved, ta_id: booking.ta_id },
            });
        }
        let moved = affected.iter().filter(|a| a.outcome == AffectedOutcome::Reassigned).count();
        let detail = format!(
            "timeOff={} from={} to={} reassigned={moved} unresolved={}",
            time_off.id,
            cmd.window.start().to_rfc3339(),
            cmd.window.end().to_rfc3339(),
            affected.len() - moved
        );
        let target = (TargetType::User, ta.id.into());
        self.core.audit().record(&*tx, actor, AuditAction::TimeOffRecorded, target, Some(detail)).await?;
        tx.commit().await?;
        Ok(RecordedTimeOff { time_off: time_off.redacted_for(actor), affected })
    }

    /// Moves one session of the TA on time off to a free TA of its course, with its emails and
    /// audit event; `None` when no TA is free (or it was cancelled meanwhile).
    async fn reassign(
        &self,
        tx: &dyn Repositories,
        actor: &Actor,
        org: &Organization,
        booking: &Booking,
    ) -> Result<Option<UserId>, StoreError> {
        let Some(booking) = tx.bookings().lock(org.id, booking.id).await?.filter(Booking::is_active) else {
            return Ok(None);
        };
        let Some(course) = tx.courses().get(org.id, booking.course_id).await? else { return Ok(None) };
        let Ok(ta) = choose_free(tx, org, &course, booking.interval, None).await? else { return Ok(None) };
        let moved = booking.clone().moved(booking.interval, ta, actor.role);
        match tx.bookings().reschedule(&moved, minutes(org.settings.buffer_minutes())).await {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            // Another session took the chosen TA's time since it was read: the transaction is
            // spoiled, so the whole request runs again from fresh reads.
            Err(StoreError::Conflict(Conflict::TaOverlap | Conflict::StudentOverlap)) => {
                return Err(StoreError::Transient(anyhow::anyhow!("the TA chosen for a reassignment was taken")));
            }
            Err(e) => return Err(e),
        }
        queue_moved(
            &self.core,
            tx,
            &MovedSession { org, course: &course, before: &booking, after: &moved, reason: None },
        )
        .await?;
        let detail = format!("ta={}->{} reason=time_off", booking.ta_id, moved.ta_id);
        let target = (TargetType::Booking, booking.id.into());
        self.core.audit().record(tx, actor, AuditAction::BookingRescheduled, target, Some(detail)).await?;
        Ok(Some(ta))
    }

    /// A TA's time off that ends after `from` and starts before `to` (`GET /tas/{taId}/time-off`,
    /// any member), ordered by start; reasons only for admins and that TA.
    ///
    /// # Errors
    /// `NotFound` when the TA is unknown, of another organization, or not a TA.
    #[tracing::instrument(skip_all, name = "time_off.list")]
    pub async fn list(
        &self,
        actor: &Actor,
        ta: UserId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &PageRequest,
    ) -> Result<Page<TimeOff>, ListTimeOffError> {
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let ta = user_with_role(repos, org_id, ta, Role::Ta).await?.ok_or(ListTimeOffError::NotFound)?;
        let rows = repos.time_off().list(org_id, ta.id, from, to, page).await?;
        let page = Page::from_overfetch(rows, page, |t| Cursor::instant(t.window.start(), t.id));
        Ok(page.map(|t| t.redacted_for(actor)))
    }

    /// Deletes a window of time off (an admin, or the TA): the window is available again from
    /// the commit, and nothing that was moved moves back.
    ///
    /// # Errors
    /// `Forbidden` for a student, or a TA deleting another TA's time off; `NotFound` for an
    /// unknown window or one of another TA.
    #[tracing::instrument(skip_all, name = "time_off.delete")]
    pub async fn delete(&self, actor: &Actor, ta: UserId, id: TimeOffId) -> Result<(), TimeOffWriteError> {
        use TimeOffWriteError as E;
        if !actor.may(Operation::DeleteTimeOff) {
            return Err(E::Forbidden);
        }
        let org_id = actor.organization_id;
        let tx = self.core.store.begin().await?;
        let time_off = tx.time_off().get(org_id, id).await?.filter(|t| t.ta_id == ta).ok_or(E::NotFound)?;
        if actor.role == Role::Ta && !actor.is(time_off.ta_id) {
            return Err(E::Forbidden);
        }
        if !tx.time_off().delete(org_id, id).await? {
            return Err(E::NotFound);
        }
        let detail = format!(
            "timeOff={id} from={} to={}",
            time_off.window.start().to_rfc3339(),
            time_off.window.end().to_rfc3339()
        );
        let target = (TargetType::User, ta.into());
        self.core.audit().record(&*tx, actor, AuditAction::TimeOffDeleted, target, Some(detail)).await?;
        tx.commit().await?;
        Ok(())
    }
}
