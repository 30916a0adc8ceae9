//! Booking an individual session: rules 2–5, student overlap, payment by bundle credit or at
//! the course's per-session price, confirmation emails and audit, all in one transaction.

use chrono::{DateTime, Utc};

use super::BookingService;
use super::checks::{
    active_course, free_students, from_bundle_refusal, from_rule_refusal, schedule_ta, students_bundle,
};
use super::emails::session_details;
use crate::accounts::user_with_role;
use crate::audit::{AuditAction, TargetType};
use crate::booking::{Booking, NewIndividualBooking, Payment};
use crate::bundles::{LedgerEntry, LedgerKind};
use crate::notifications::{Audience, EmailPayload};
use crate::scheduling::SessionDuration;
use crate::shared::error::use_case_error;
use crate::shared::retry::MAX_ATTEMPTS;
use crate::shared::time::minutes;
use crate::shared::validation::{InvalidValue, ValidationErrors};
use crate::shared::{
    Actor, BundlePurchaseId, BusinessEvent, CourseId, Interval, Operation, Role, UseCaseError, UserId,
};
use crate::store::{Conflict, StoreError};

/// `POST /bookings/individual`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookIndividual {
    /// The course.
    pub course_id: CourseId,
    /// When the session starts.
    pub starts_at: DateTime<Utc>,
    /// How long it lasts.
    pub duration: SessionDuration,
    /// The TA; chosen automatically when `None`.
    pub ta_id: Option<UserId>,
    /// The bundle to pay with; the per-session price when `None`.
    pub bundle_purchase_id: Option<BundlePurchaseId>,
    /// The student, when an admin books for one (required then); a student books for themself.
    pub student_id: Option<UserId>,
}

use_case_error! {
    /// Errors of [`BookingService::book_individual`], in the order the checks run.
    pub enum BookIndividualError {
        ValidationFailed(ValidationErrors),
        Forbidden,
        NotFound,
        BookingTooSoon,
        BookingTooFarAhead,
        TaNotAssignedToCourse,
        OutsideTaAvailability,
        TaUnavailable,
        NoTaAvailable,
        StudentUnavailable,
        BundleCourseMismatch,
        BundleExpired,
        BundleExhausted,
        NoSessionPrice,
    }
}

from_bundle_refusal!(BookIndividualError);

from_rule_refusal!(BookIndividualError);

/// One run of the use case: done, or the automatically chosen TA was taken by a concurrent
/// booking between the check and the insert (run again: another TA may be free).
enum Attempt {
    Failed(BookIndividualError),
    ChosenTaTaken,
}

impl From<BookIndividualError> for Attempt {
    fn from(e: BookIndividualError) -> Self {
        Attempt::Failed(e)
    }
}

impl From<StoreError> for Attempt {
    fn from(e: StoreError) -> Self {
        Attempt::Failed(e.into())
    }
}

impl BookingService {
    /// Books an individual session for a student (by the student, or by an admin for one).
    ///
    /// # Errors
    /// See [`BookIndividualError`]; the first failing check wins, in the contract's order.
    #[tracing::instrument(skip_all, name = "booking.book_individual")]
    pub async fn book_individual(&self, actor: &Actor, cmd: &BookIndividual) -> Result<Booking, BookIndividualError> {
        let student = match actor.role {
            Role::Admin => cmd.student_id.ok_or_else(|| {
                BookIndividualError::ValidationFailed(ValidationErrors::single(
                    "studentId",
                    InvalidValue::new("is required when an admin books"),
                ))
            })?,
            _ => actor.user_id,
        };
        if !actor.may(Operation::BookIndividual) || cmd.student_id.is_some_and(|s| s != student) {
            return Err(BookIndividualError::Forbidden);
        }
        let mut runs = 0;
        loop {
            runs += 1;
            match self.try_book(actor, cmd, student).await {
                Ok(booking) => {
                    self.core.count(BusinessEvent::BookingCreated);
                    return Ok(booking);
                }
                Err(Attempt::ChosenTaTaken) if runs < MAX_ATTEMPTS => {}
                Err(Attempt::ChosenTaTaken) => return Err(BookIndividualError::NoTaAvailable),
                Err(Attempt::Failed(e)) if e.is_transient() && runs < MAX_ATTEMPTS => {}
                Err(Attempt::Failed(e)) => return Err(e),
            }
        }
    }

    async fn try_book(&self, actor: &Actor, cmd: &BookIndividual, student_id: UserId) -> Result<Booking, Attempt> {
        use BookIndividualError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;

        // 404s: everything the request refers to must exist for the actor.
        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let course = active_course(&*tx, org_id, cmd.course_id).await?.ok_or(E::NotFound)?;
        let student = user_with_role(&*tx, org_id, student_id, Role::Student).await?.ok_or(E::NotFound)?;
        let named_ta = match cmd.ta_id {
            Some(ta) => Some(user_with_role(&*tx, org_id, ta, Role::Ta).await?.ok_or(E::NotFound)?),
            None => None,
        };
        let bundle = students_bundle(&*tx, org_id, student.id, cmd.bundle_purchase_id).await?.map_err(E::from)?;

        // Business rules, in the contract's order.
        let interval = Interval::starting_at(cmd.starts_at, cmd.duration.as_delta()).map_err(|_| E::BookingTooSoon)?;
        let ta_id = schedule_ta(&*tx, &org, &course, cmd.ta_id, interval, now).await?.map_err(E::from)?;
        if free_students(&*tx, org_id, &[student.id], interval).await?.is_empty() {
            return Err(E::StudentUnavailable.into());
        }
        let payment = match &bundle {
            Some(b) => {
                b.check_payment(student.id, course.id, interval.start()).map_err(E::from)?;
                Payment::Bundle(b.id)
            }
            None => {
                let price = tx.products().active_session_price(org_id, course.id).await?.ok_or(E::NoSessionPrice)?;
                Payment::PerSession(price.price)
            }
        };

        let booking = Booking::individual(
            NewIndividualBooking {
                id: self.core.new_id(),
                organization_id: org_id,
                course_id: course.id,
                ta_id,
                student_id: student.id,
                interval,
                payment,
                currency: org.currency,
                created_by: actor.user_id,
                policy: org.settings.policy_for(&course.policy),
            },
            now,
        );
        match tx.bookings().insert(&booking, minutes(org.settings.buffer_minutes())).await {
            Ok(()) => {}
            // The store's exclusion constraint caught a concurrent booking of the TA.
            Err(StoreError::Conflict(Conflict::TaOverlap)) if cmd.ta_id.is_none() => {
                return Err(Attempt::ChosenTaTaken);
            }
            Err(StoreError::Conflict(Conflict::TaOverlap)) => return Err(E::TaUnavailable.into()),
            Err(StoreError::Conflict(Conflict::StudentOverlap)) => return Err(E::StudentUnavailable.into()),
            Err(e) => return Err(e.into()),
        }
        if let Payment::Bundle(bundle_id) = payment {
            // Atomic conditional decrement: a concurrent spend of the last credit loses here.
            if !tx.bundles().debit(org_id, bundle_id).await? {
                return Err(E::BundleExhausted.into());
            }
            let entry =
                LedgerEntry::for_booking(self.core.new_id(), org_id, bundle_id, LedgerKind::Debit, booking.id, now);
            tx.bundles().append_ledger(&entry).await?;
        }

        // The TA asked for was read above; one chosen by the service is read now.
        let ta = match named_ta {
            Some(ta) => ta,
            None => tx.users().get(org_id, ta_id).await?.ok_or(E::NotFound)?,
        };
        let details = session_details(&org, &course, &ta, &booking);
        let outbox = self.core.outbox();
        for (recipient, audience) in [(&student, Audience::Student), (&ta, Audience::Ta)] {
            let payload = EmailPayload::BookingConfirmation {
                session: details.clone(),
                audience,
                student_name: student.name.to_string(),
            };
            outbox.queue(&*tx, org_id, &recipient.email, recipient.name.as_str(), payload).await?;
        }
        let detail = format!("ta={ta_id} student={}", student.id);
        self.core
            .audit()
            .record(&*tx, actor, AuditAction::BookingCreated, (TargetType::Booking, booking.id.into()), Some(detail))
            .await?;
        tx.commit().await?;
        Ok(booking.redacted_for(actor))
    }
}
