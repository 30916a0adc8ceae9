//! Cancelling a booking: who may, refunds or forfeits per seat, the waitlist emptied,
//! cancellation emails to every seated student and the TA, all in one transaction.

use super::BookingService;
use super::emails::session_details;
use super::settlement::settle_seat;
use crate::audit::{AuditAction, TargetType};
use crate::booking::{
    Booking, BookingStatus, CancelRefusal, CancellationReason, CreditOutcome, check_cancellation, credit_outcome,
};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, BookingId, BusinessEvent, Operation, UserId};

use_case_error! {
    /// Errors of [`BookingService::cancel`], in the order the checks run.
    pub enum CancelBookingError { NotFound, Forbidden, AlreadyCancelled, BookingInPast }
}

impl BookingService {
    /// Cancels a booking (`POST /bookings/{id}/cancel`): an admin any booking, a TA their own,
    /// a student their own individual booking (a student leaves a group session instead).
    /// Each seat is refunded when a TA or an admin cancels, or when it is early enough
    /// (`cancellationWindowHours`); otherwise a bundle credit is forfeited.
    ///
    /// # Errors
    /// See [`CancelBookingError`].
    #[tracing::instrument(skip_all, name = "booking.cancel")]
    pub async fn cancel(
        &self,
        actor: &Actor,
        id: BookingId,
        reason: Option<CancellationReason>,
    ) -> Result<Booking, CancelBookingError> {
        if !actor.may(Operation::CancelBooking) {
            return Err(CancelBookingError::Forbidden);
        }
        let cancelled = retry_transient(|| self.try_cancel(actor, id, reason.clone())).await?;
        self.core.count(BusinessEvent::BookingCancelled);
        Ok(cancelled)
    }

    async fn try_cancel(
        &self,
        actor: &Actor,
        id: BookingId,
        reason: Option<CancellationReason>,
    ) -> Result<Booking, CancelBookingError> {
        use CancelBookingError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let mut booking = tx.bookings().lock(org_id, id).await?.ok_or(E::NotFound)?;
        check_cancellation(actor, &booking, now).map_err(|r| match r {
            CancelRefusal::NotVisible => E::NotFound,
            CancelRefusal::Forbidden => E::Forbidden,
            CancelRefusal::AlreadyCancelled => E::AlreadyCancelled,
            CancelRefusal::Started => E::BookingInPast,
        })?;
        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let course = tx.courses().get(org_id, booking.course_id).await?.ok_or(E::NotFound)?;
        let outcome = credit_outcome(actor.role, booking.interval.start(), now, &booking.policy);

        if !tx.bookings().cancel(org_id, id, actor.user_id, now, reason.clone()).await? {
            return Err(E::AlreadyCancelled);
        }
        for seat in &booking.seats {
            settle_seat(&self.core, &*tx, actor, &booking, seat, outcome).await?;
        }
        if outcome == CreditOutcome::Refund {
            booking.seats.iter_mut().for_each(|s| s.refunded = true);
        }
        tx.waitlist().clear(org_id, id).await?;

        let mut people: Vec<UserId> = booking.seats.iter().map(|s| s.student_id).collect();
        people.push(booking.ta_id);
        let users = tx.users().get_many(org_id, &people).await?;
        let ta = users.iter().find(|u| u.id == booking.ta_id).ok_or(E::NotFound)?;
        let details = session_details(&org, &course, ta, &booking);
        let reason_text = reason.as_ref().map(ToString::to_string).filter(|r| !r.is_empty());
        for user in &users {
            let refunded = (user.id != booking.ta_id).then_some(outcome == CreditOutcome::Refund);
            let payload =
                EmailPayload::Cancellation { session: details.clone(), reason: reason_text.clone(), refunded };
            self.core.outbox().queue(&*tx, org_id, &user.email, user.name.as_str(), payload).await?;
        }
        let detail = format!("outcome={}", if outcome == CreditOutcome::Refund { "refund" } else { "forfeit" });
        self.core
            .audit()
            .record(&*tx, actor, AuditAction::BookingCancelled, (TargetType::Booking, id.into()), Some(detail))
            .await?;
        tx.commit().await?;

        booking.status = BookingStatus::Cancelled;
        booking.cancelled_at = Some(now);
        booking.cancelled_by = Some(actor.user_id);
        booking.cancellation_reason = reason;
        Ok(booking.redacted_for(actor))
    }
}
