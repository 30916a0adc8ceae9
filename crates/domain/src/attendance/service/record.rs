//! Recording attendance (`PUT /bookings/{id}/attendance`): the marks and the TA's no-show are
//! written, each seat whose settlement changes is settled again in the ledger (the previous
//! settlement reversed), the booking completed once nothing is left to mark, students told when
//! the TA's no-show refunds them, every change audited — one transaction.

use super::AttendanceService;
use super::settle::{SettleError, SettlementChange, write_settlement};
use crate::attendance::{
    AttendanceMarks, AttendanceRefusal, SeatMark, SeatOutcome, check_attendance, is_complete, settlement,
};
use crate::audit::{AuditAction, TargetType};
use crate::booking::service::emails::session_details;
use crate::booking::{Booking, BookingStatus, SessionType};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::validation::ValidationErrors;
use crate::shared::{Actor, BookingId, Operation};
use crate::store::StoreError;

use_case_error! {
    /// Errors of [`AttendanceService::record`], in the order the checks run.
    pub enum RecordAttendanceError {
        NotFound,
        Forbidden,
        AlreadyCancelled,
        BookingNotStarted,
        AttendanceLocked,
        ValidationFailed(ValidationErrors),
        BundleExhausted,
    }
}

impl From<SettleError> for RecordAttendanceError {
    fn from(e: SettleError) -> Self {
        match e {
            SettleError::CreditSpent => Self::BundleExhausted,
            SettleError::Store(e) => e.into(),
        }
    }
}

impl AttendanceService {
    /// Records the marks of a session that started: by an admin any time, by its TA until 48
    /// hours after the end. Marks not given stay as they were; `taNoShow` not given stays too.
    /// A seat whose settlement changes gets a reversing entry and the new one; changing a
    /// refund back to a kept credit needs that credit (`bundle_exhausted` when the student
    /// spent it since).
    ///
    /// # Errors
    /// See [`RecordAttendanceError`].
    #[tracing::instrument(skip_all, name = "attendance.record")]
    pub async fn record(
        &self,
        actor: &Actor,
        id: BookingId,
        marks: &AttendanceMarks,
    ) -> Result<Booking, RecordAttendanceError> {
        if !actor.may(Operation::RecordAttendance) {
            return Err(RecordAttendanceError::Forbidden);
        }
        retry_transient(|| self.try_record(actor, id, marks)).await
    }

    async fn try_record(
        &self,
        actor: &Actor,
        id: BookingId,
        marks: &AttendanceMarks,
    ) -> Result<Booking, RecordAttendanceError> {
        use RecordAttendanceError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let mut booking = tx.bookings().lock(org_id, id).await?.ok_or(E::NotFound)?;
        check_attendance(actor, &booking, now).map_err(|r| match r {
            AttendanceRefusal::NotVisible => E::NotFound,
            AttendanceRefusal::Forbidden => E::Forbidden,
            AttendanceRefusal::Cancelled => E::AlreadyCancelled,
            AttendanceRefusal::NotStarted => E::BookingNotStarted,
            AttendanceRefusal::Locked => E::AttendanceLocked,
        })?;
        marks.check_against(&booking).map_err(E::ValidationFailed)?;

        let was_ta_no_show = booking.ta_no_show;
        let ta_no_show = marks.ta_no_show.unwrap_or(was_ta_no_show);
        let mut refunded_by_no_show = Vec::new();
        for i in 0..booking.seats.len() {
            let seat = booking.seats[i].clone();
            let mark = marks.seats.iter().find(|(s, _)| *s == seat.student_id).map(|(_, a)| *a);
            let attendance = mark.or(seat.attendance);
            let before = settlement(seat.attendance, was_ta_no_show, &booking.policy);
            let after = settlement(attendance, ta_no_show, &booking.policy);
            if before == after && attendance == seat.attendance {
                continue;
            }
            // A new settlement opens the next round; reversing one without a new one (a
            // withdrawn TA no-show on an unmarked seat) leaves the seat at the reversed round.
            let to_round =
                if after.is_some() && before != after { seat.settlement_round + 1 } else { seat.settlement_round };
            if before != after {
                let change = SettlementChange { booking: &booking, seat: &seat, before, after, to_round };
                write_settlement(&self.core, &*tx, actor, &change).await?;
            }
            let refunded = after == Some(SeatOutcome::Refund);
            let mark = SeatMark {
                student_id: seat.student_id,
                attendance,
                from_round: seat.settlement_round,
                to_round,
                refunded,
            };
            if !tx.attendance().mark_seat(org_id, id, &mark).await? {
                // Another writer settled this seat after our read: decide again on fresh data.
                return Err(
                    StoreError::Transient(anyhow::anyhow!("seat {} settled concurrently", seat.student_id)).into()
                );
            }
            let detail = format!(
                "student={} attendance={} previous={} settlement={}",
                seat.student_id,
                attendance.map_or("none", |a| a.as_str()),
                seat.attendance.map_or("none", |a| a.as_str()),
                after.map_or("none", SeatOutcome::as_str),
            );
            self.core
                .audit()
                .record(&*tx, actor, AuditAction::AttendanceRecorded, (TargetType::Booking, id.into()), Some(detail))
                .await?;
            if ta_no_show && !was_ta_no_show && after == Some(SeatOutcome::Refund) && before != after {
                refunded_by_no_show.push(seat.student_id);
            }
            let stored = &mut booking.seats[i];
            stored.attendance = attendance;
            stored.settlement_round = to_round;
            stored.refunded = refunded;
        }

        if ta_no_show != was_ta_no_show {
            let detail = format!("taNoShow={ta_no_show}");
            self.core
                .audit()
                .record(&*tx, actor, AuditAction::AttendanceRecorded, (TargetType::Booking, id.into()), Some(detail))
                .await?;
        }
        booking.ta_no_show = ta_no_show;
        let completed_at = is_complete(&booking).then(|| booking.completed_at.unwrap_or(now));
        if (ta_no_show, completed_at) != (was_ta_no_show, booking.completed_at) {
            tx.attendance().set_outcome(org_id, id, ta_no_show, completed_at).await?;
        }
        booking.completed_at = completed_at;
        booking.status = status_after(&booking);

        if !refunded_by_no_show.is_empty() {
            let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
            let course = tx.courses().get(org_id, booking.course_id).await?.ok_or(E::NotFound)?;
            let mut people = refunded_by_no_show.clone();
            people.push(booking.ta_id);
            let users = tx.users().get_many(org_id, &people).await?;
            let ta = users.iter().find(|u| u.id == booking.ta_id).ok_or(E::NotFound)?;
            let session = session_details(&org, &course, ta, &booking);
            for student in users.iter().filter(|u| refunded_by_no_show.contains(&u.id)) {
                let payload = EmailPayload::TaNoShowRefund { session: session.clone() };
                self.core.outbox().queue(&*tx, org_id, &student.email, student.name.as_str(), payload).await?;
            }
        }
        tx.commit().await?;
        Ok(booking.redacted_for(actor))
    }
}

/// The status a booking shows after its marks: completed, or back to its seat-count status
/// when a withdrawn TA no-show leaves seats unmarked.
fn status_after(booking: &Booking) -> BookingStatus {
    if booking.completed_at.is_some() {
        BookingStatus::Completed
    } else if booking.session_type == SessionType::Individual {
        BookingStatus::Booked
    } else {
        BookingStatus::for_group(booking.seats_taken, booking.capacity)
    }
}
