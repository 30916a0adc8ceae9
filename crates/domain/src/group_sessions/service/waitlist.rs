//! Joining and leaving the waitlist of a full group session.

use super::GroupSessionService;
use super::session::{check_bookable, from_session_refusal, lock_group_session};
use crate::booking::service::checks::{from_bundle_refusal, students_bundle};
use crate::group_sessions::{WaitlistEntry, WaitlistPosition};
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, BookingId, BundlePurchaseId, Operation};
use crate::store::{Conflict, ConflictExt};

use_case_error! {
    /// Errors of [`GroupSessionService::join_waitlist`], in the order the checks run.
    pub enum JoinWaitlistError {
        Forbidden,
        NotFound,
        NotAGroupSession,
        AlreadyCancelled,
        BookingInPast,
        AlreadyJoined,
        NotWaitlistable,
        AlreadyWaitlisted,
        BundleCourseMismatch,
        BundleExpired,
        BundleExhausted,
    }
}

use_case_error! {
    /// Errors of [`GroupSessionService::leave_waitlist`].
    pub enum LeaveWaitlistError { Forbidden, NotFound }
}

from_session_refusal!(JoinWaitlistError);
from_bundle_refusal!(JoinWaitlistError);

impl GroupSessionService {
    /// A student joins the waitlist of a full session (`POST /group-sessions/{id}/waitlist`),
    /// naming how they will pay when promoted; the bundle must qualify now too.
    ///
    /// # Errors
    /// See [`JoinWaitlistError`]; `NotWaitlistable` when the session has a free seat (join it).
    #[tracing::instrument(skip_all, name = "group_sessions.join_waitlist")]
    pub async fn join_waitlist(
        &self,
        actor: &Actor,
        id: BookingId,
        bundle: Option<BundlePurchaseId>,
    ) -> Result<WaitlistPosition, JoinWaitlistError> {
        if !actor.may(Operation::JoinWaitlist) {
            return Err(JoinWaitlistError::Forbidden);
        }
        retry_transient(|| self.try_join_waitlist(actor, id, bundle)).await
    }

    async fn try_join_waitlist(
        &self,
        actor: &Actor,
        id: BookingId,
        bundle_id: Option<BundlePurchaseId>,
    ) -> Result<WaitlistPosition, JoinWaitlistError> {
        use JoinWaitlistError as E;
        let (org_id, student) = (actor.organization_id, actor.user_id);
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let session = lock_group_session(&*tx, actor, id).await?.map_err(E::from)?;
        let bundle = students_bundle(&*tx, org_id, student, bundle_id).await?.map_err(E::from)?;
        check_bookable(&session, now).map_err(E::from)?;
        if session.seat_of(student).is_some() {
            return Err(E::AlreadyJoined);
        }
        if !session.is_full() {
            return Err(E::NotWaitlistable);
        }
        if tx.waitlist().find(org_id, session.id, student).await?.is_some() {
            return Err(E::AlreadyWaitlisted);
        }
        if let Some(b) = &bundle {
            b.check_payment(student, session.course_id, session.interval.start())?;
        }
        let entry = WaitlistEntry {
            id: self.core.new_id(),
            organization_id: org_id,
            booking_id: session.id,
            student_id: student,
            bundle_purchase_id: bundle_id,
            created_at: now,
        };
        tx.waitlist().insert(&entry).await.on_conflict(Conflict::AlreadyWaitlisted, E::AlreadyWaitlisted)?;
        let position = tx.waitlist().find(org_id, session.id, student).await?.ok_or(E::NotFound)?;
        tx.commit().await?;
        Ok(position)
    }

    /// A student leaves a waitlist (`DELETE /group-sessions/{id}/waitlist`).
    ///
    /// # Errors
    /// `Forbidden` unless a student; `NotFound` when they are not on it.
    #[tracing::instrument(skip_all, name = "group_sessions.leave_waitlist")]
    pub async fn leave_waitlist(&self, actor: &Actor, id: BookingId) -> Result<(), LeaveWaitlistError> {
        if !actor.may(Operation::LeaveWaitlist) {
            return Err(LeaveWaitlistError::Forbidden);
        }
        let waitlist = self.core.store.waitlist();
        let entry =
            waitlist.find(actor.organization_id, id, actor.user_id).await?.ok_or(LeaveWaitlistError::NotFound)?;
        if !waitlist.remove(actor.organization_id, entry.entry.id).await? {
            return Err(LeaveWaitlistError::NotFound);
        }
        Ok(())
    }
}
