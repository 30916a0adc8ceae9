//! Taking and giving up seats of group sessions. Every change runs with the session's row
//! locked; the store's conditional seat update is the last guard against overbooking.

use super::GroupSessionService;
use super::session::{check_bookable, from_session_refusal, lock_group_session};
use crate::audit::{AuditAction, TargetType};
use crate::booking::service::checks::{free_students, from_bundle_refusal, students_bundle};
use crate::booking::service::emails::session_details;
use crate::booking::service::settlement::settle_seat;
use crate::booking::{Booking, BookingStatus, Payment, Seat, credit_outcome};
use crate::bundles::{LedgerEntry, LedgerKind};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, BookingId, BundlePurchaseId, BusinessEvent, Operation, Role};
use crate::store::{Conflict, Repositories, StoreError};

use_case_error! {
    /// Errors of [`GroupSessionService::join`], in the order the checks run.
    pub enum JoinGroupSessionError {
        Forbidden,
        NotFound,
        NotAGroupSession,
        AlreadyCancelled,
        BookingInPast,
        AlreadyJoined,
        SessionFull,
        StudentUnavailable,
        BundleCourseMismatch,
        BundleExpired,
        BundleExhausted,
    }
}

use_case_error! {
    /// Errors of [`GroupSessionService::leave`], in the order the checks run.
    pub enum LeaveGroupSessionError { Forbidden, NotFound, NotAGroupSession, AlreadyCancelled, BookingInPast }
}

from_session_refusal!(JoinGroupSessionError, LeaveGroupSessionError);
from_bundle_refusal!(JoinGroupSessionError);

impl GroupSessionService {
    /// A student takes a seat (`POST /group-sessions/{id}/join`), paying with a bundle credit
    /// or at the session's price; the session becomes `full` with its last seat.
    ///
    /// # Errors
    /// See [`JoinGroupSessionError`].
    #[tracing::instrument(skip_all, name = "group_sessions.join")]
    pub async fn join(
        &self,
        actor: &Actor,
        id: BookingId,
        bundle: Option<BundlePurchaseId>,
    ) -> Result<Booking, JoinGroupSessionError> {
        if !actor.may(Operation::JoinGroupSession) {
            return Err(JoinGroupSessionError::Forbidden);
        }
        let session = retry_transient(|| self.try_join(actor, id, bundle)).await?;
        self.core.count(BusinessEvent::SeatTaken);
        Ok(session)
    }

    async fn try_join(
        &self,
        actor: &Actor,
        id: BookingId,
        bundle_id: Option<BundlePurchaseId>,
    ) -> Result<Booking, JoinGroupSessionError> {
        use JoinGroupSessionError as E;
        let (org_id, student) = (actor.organization_id, actor.user_id);
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let mut session = lock_group_session(&*tx, actor, id).await?.map_err(E::from)?;
        let bundle = students_bundle(&*tx, org_id, student, bundle_id).await?.map_err(E::from)?;
        check_bookable(&session, now).map_err(E::from)?;
        if session.seat_of(student).is_some() {
            return Err(E::AlreadyJoined);
        }
        if session.is_full() {
            return Err(E::SessionFull);
        }
        if free_students(&*tx, org_id, &[student], session.interval).await?.is_empty() {
            return Err(E::StudentUnavailable);
        }
        let payment = match &bundle {
            Some(b) => {
                b.check_payment(student, session.course_id, session.interval.start())?;
                Payment::Bundle(b.id)
            }
            None => Payment::PerSession(session.price_per_student),
        };
        let seat = Seat::new(session.id, student, payment, now);
        let status = match tx.bookings().add_seat(org_id, &seat).await {
            Ok(status) => status,
            Err(StoreError::Conflict(Conflict::CapacityExceeded)) => return Err(E::SessionFull),
            Err(StoreError::Conflict(Conflict::AlreadyJoined)) => return Err(E::AlreadyJoined),
            Err(StoreError::Conflict(Conflict::StudentOverlap)) => return Err(E::StudentUnavailable),
            Err(e) => return Err(e.into()),
        };
        if let Payment::Bundle(b) = payment {
            // A concurrent spend of the bundle's last credit loses here and rolls the seat back.
            if !tx.bundles().debit(org_id, b).await? {
                return Err(E::BundleExhausted);
            }
            tx.bundles()
                .append_ledger(&LedgerEntry::for_booking(
                    self.core.new_id(),
                    org_id,
                    b,
                    LedgerKind::Debit,
                    session.id,
                    now,
                ))
                .await?;
        }
        // Joining directly takes the student off the waitlist, if they were on it.
        if let Some(waiting) = tx.waitlist().find(org_id, session.id, student).await? {
            tx.waitlist().remove(org_id, waiting.entry.id).await?;
        }
        session.seats.push(seat);
        session.seats_taken += 1;
        session.status = status;
        self.notify_seat(&*tx, &session, student, false).await?;
        self.core
            .audit()
            .record(&*tx, actor, AuditAction::GroupJoined, (TargetType::Booking, session.id.into()), None)
            .await?;
        tx.commit().await?;
        Ok(session.redacted_for(actor))
    }

    /// A student gives up their seat (`POST /group-sessions/{id}/leave`): refunded or forfeited
    /// per the cancellation window, the session reopens, and the first waitlisted student whose
    /// payment still succeeds takes the seat in the same transaction.
    ///
    /// # Errors
    /// See [`LeaveGroupSessionError`]; `NotFound` also when the student holds no seat.
    #[tracing::instrument(skip_all, name = "group_sessions.leave")]
    pub async fn leave(&self, actor: &Actor, id: BookingId) -> Result<Booking, LeaveGroupSessionError> {
        if !actor.may(Operation::LeaveGroupSession) {
            return Err(LeaveGroupSessionError::Forbidden);
        }
        let session = retry_transient(|| self.try_leave(actor, id)).await?;
        self.core.count(BusinessEvent::SeatLeft);
        Ok(session)
    }

    async fn try_leave(&self, actor: &Actor, id: BookingId) -> Result<Booking, LeaveGroupSessionError> {
        use LeaveGroupSessionError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let mut session = lock_group_session(&*tx, actor, id).await?.map_err(E::from)?;
        let seat = session.seat_of(actor.user_id).cloned().ok_or(E::NotFound)?;
        check_bookable(&session, now).map_err(E::from)?;
        let outcome = credit_outcome(Role::Student, session.interval.start(), now, &session.policy);
        if !tx.bookings().remove_seat(org_id, session.id, actor.user_id).await? {
            return Err(E::NotFound);
        }
        settle_seat(&self.core, &*tx, actor, &session, &seat, outcome).await?;
        session.seats.retain(|s| s.student_id != actor.user_id);
        session.seats_taken = session.seats_taken.saturating_sub(1);
        session.status = BookingStatus::for_group(session.seats_taken, session.capacity);
        self.core
            .audit()
            .record(&*tx, actor, AuditAction::GroupLeft, (TargetType::Booking, session.id.into()), None)
            .await?;
        self.promote_from_waitlist(&*tx, &mut session, &actor.context).await?;
        tx.commit().await?;
        Ok(session.redacted_for(actor))
    }

    /// Queues the join (or promotion) email to the seated student.
    pub(super) async fn notify_seat(
        &self,
        repos: &dyn Repositories,
        session: &Booking,
        student: crate::shared::UserId,
        promoted: bool,
    ) -> Result<(), StoreError> {
        let org_id = session.organization_id;
        let missing = || StoreError::Unexpected(anyhow::anyhow!("session {} refers to missing rows", session.id));
        let org = repos.organizations().get(org_id).await?.ok_or_else(missing)?;
        let course = repos.courses().get(org_id, session.course_id).await?.ok_or_else(missing)?;
        let people = repos.users().get_many(org_id, &[student, session.ta_id]).await?;
        let ta = people.iter().find(|u| u.id == session.ta_id).ok_or_else(missing)?;
        let user = people.iter().find(|u| u.id == student).ok_or_else(missing)?;
        let details = session_details(&org, &course, ta, session);
        let payload = if promoted {
            EmailPayload::WaitlistPromotion { session: details }
        } else {
            EmailPayload::GroupJoinConfirmation { session: details }
        };
        self.core.outbox().queue(repos, org_id, &user.email, user.name.as_str(), payload).await
    }
}
