//! `BookingService::reschedule`: a booking moved in place (domain.md part 2, "Reschedule"),
//! keeping its id, seats, payments and ledger, under the booking's own policy.

use chrono::{DateTime, Utc};

use super::BookingService;
use super::checks::{Move, active_course, free_students_except, from_rule_refusal, schedule_move};
use super::emails::{MovedSession, queue_moved};
use crate::accounts::user_with_role;
use crate::audit::{AuditAction, TargetType};
use crate::booking::{Booking, RescheduleReason, RescheduleRefusal, check_reschedule, may_choose_another_ta};
use crate::scheduling::SessionDuration;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::time::minutes;
use crate::shared::{Actor, BookingId, BusinessEvent, Interval, Operation, Role, UserId};
use crate::store::{Conflict, StoreError};

/// `POST /bookings/{id}/reschedule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reschedule {
    /// The new start.
    pub starts_at: DateTime<Utc>,
    /// The new length; the current one when `None`.
    pub duration: Option<SessionDuration>,
    /// The TA to move it to (an admin's choice only); when `None` the booking's TA keeps it if
    /// free.
    pub ta_id: Option<UserId>,
    /// Why, told to everyone emailed.
    pub reason: Option<RescheduleReason>,
}

use_case_error! {
    /// Errors of [`BookingService::reschedule`], in the order the checks run.
    pub enum RescheduleError {
        NotFound,
        Forbidden,
        AlreadyCancelled,
        BookingInPast,
        RescheduleWindowPassed,
        RescheduleLimitReached,
        BookingTooSoon,
        BookingTooFarAhead,
        TaNotAssignedToCourse,
        OutsideTaAvailability,
        TaUnavailable,
        NoTaAvailable,
        StudentUnavailable,
        BundleExpired,
    }
}

from_rule_refusal!(RescheduleError);

impl From<RescheduleRefusal> for RescheduleError {
    fn from(r: RescheduleRefusal) -> Self {
        match r {
            RescheduleRefusal::NotVisible => Self::NotFound,
            RescheduleRefusal::Forbidden => Self::Forbidden,
            RescheduleRefusal::AlreadyCancelled => Self::AlreadyCancelled,
            RescheduleRefusal::Started => Self::BookingInPast,
            RescheduleRefusal::WindowPassed => Self::RescheduleWindowPassed,
            RescheduleRefusal::LimitReached => Self::RescheduleLimitReached,
        }
    }
}

impl BookingService {
    /// Moves a booking to a new time (and perhaps another TA): by an admin any active booking,
    /// by its TA their own, by a student their own individual booking within the policy's
    /// window and reschedule limit; the new interval passes every scheduling rule, with the
    /// booking itself never counted as an overlap.
    ///
    /// # Errors
    /// See [`RescheduleError`]; the first failing check wins, in the contract's order.
    #[tracing::instrument(skip_all, name = "booking.reschedule")]
    pub async fn reschedule(&self, actor: &Actor, id: BookingId, cmd: &Reschedule) -> Result<Booking, RescheduleError> {
        if !actor.may(Operation::RescheduleBooking) {
            return Err(RescheduleError::Forbidden);
        }
        let moved = retry_transient(|| self.try_reschedule(actor, id, cmd)).await?;
        self.core.count(BusinessEvent::BookingRescheduled);
        Ok(moved)
    }

    async fn try_reschedule(&self, actor: &Actor, id: BookingId, cmd: &Reschedule) -> Result<Booking, RescheduleError> {
        use RescheduleError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let booking = tx.bookings().lock(org_id, id).await?.ok_or(E::NotFound)?;
        check_reschedule(actor, &booking, cmd.ta_id.is_some(), now)?;
        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let course = active_course(&*tx, org_id, booking.course_id).await?.ok_or(E::NotFound)?;
        if let Some(ta) = cmd.ta_id {
            user_with_role(&*tx, org_id, ta, Role::Ta).await?.ok_or(E::NotFound)?;
        }
        let length = cmd.duration.map_or_else(|| booking.interval.duration(), SessionDuration::as_delta);
        let interval = Interval::starting_at(cmd.starts_at, length).map_err(|_| E::BookingTooSoon)?;
        let planned = Move {
            booking: &booking,
            interval,
            named: cmd.ta_id,
            may_choose: may_choose_another_ta(actor.role, &booking),
        };
        let ta = schedule_move(&*tx, &org, &course, &planned, now).await??;

        // Every seated student, free at the new time (this session aside).
        let students: Vec<UserId> = booking.seats.iter().map(|s| s.student_id).collect();
        let free = free_students_except(&*tx, org_id, &students, interval, Some(booking.interval)).await?;
        if free.len() < students.len() {
            return Err(E::StudentUnavailable);
        }
        // Every seat paid by a bundle, inside that bundle's validity at the new time.
        let paid: Vec<_> = booking.seats.iter().filter_map(|s| s.bundle_purchase_id).collect();
        if tx.bundles().get_many(org_id, &paid).await?.iter().any(|b| !b.is_valid_at(interval.start())) {
            return Err(E::BundleExpired);
        }

        let moved = booking.clone().moved(interval, ta, actor.role);
        match tx.bookings().reschedule(&moved, minutes(org.settings.buffer_minutes())).await {
            Ok(true) => {}
            Ok(false) => return Err(E::AlreadyCancelled),
            Err(StoreError::Conflict(Conflict::TaOverlap)) => return Err(E::TaUnavailable),
            Err(StoreError::Conflict(Conflict::StudentOverlap)) => return Err(E::StudentUnavailable),
            Err(e) => return Err(e.into()),
        }
        let detail = format!(
            "from={} to={} ta={}->{}",
            booking.interval.start().to_rfc3339(),
            moved.interval.start().to_rfc3339(),
            booking.ta_id,
            moved.ta_id
        );
        let reason = cmd.reason.as_ref().map(ToString::to_string);
        let emails =
            MovedSession { org: &org, course: &course, before: &booking, after: &moved, reason: reason.as_deref() };
        queue_moved(&self.core, &*tx, &emails).await?;
        let target = (TargetType::Booking, id.into());
        self.core.audit().record(&*tx, actor, AuditAction::BookingRescheduled, target, Some(detail)).await?;
        tx.commit().await?;
        Ok(moved.redacted_for(actor))
    }
}
