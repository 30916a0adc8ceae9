//! Cancelling a series from a date on (`POST /booking-series/{id}/cancel`): each of its active
//! sessions starting at or after that date (and not started) is cancelled under its own
//! policy, as a single cancellation would be, with one summary email for all of them.

use chrono::{DateTime, Utc};

use super::emails::series_details;
use super::{SeriesService, SeriesView};
use crate::audit::{AuditAction, TargetType};
use crate::booking::service::settlement::settle_seat;
use crate::booking::{CancellationReason, CreditOutcome, credit_outcome};
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, BusinessEvent, Interval, Operation, SeriesId};

use_case_error! {
    /// Errors of [`SeriesService::cancel`].
    pub enum CancelSeriesError { NotFound }
}

impl SeriesService {
    /// Cancels the series' sessions starting at or after `from` (now when absent or earlier):
    /// admins any series, its TA and its student their own. Each session settles under its own
    /// policy copy (a student's late cancellation forfeits, staff cancellations refund).
    /// Sessions already cancelled or started are left as they are.
    ///
    /// # Errors
    /// `NotFound` when the series does not exist for the caller.
    #[tracing::instrument(skip_all, name = "series.cancel")]
    pub async fn cancel(
        &self,
        actor: &Actor,
        id: SeriesId,
        from: Option<DateTime<Utc>>,
        reason: Option<CancellationReason>,
    ) -> Result<SeriesView, CancelSeriesError> {
        let (view, cancelled) = retry_transient(|| self.try_cancel(actor, id, from, reason.clone())).await?;
        (0..cancelled).for_each(|_| self.core.count(BusinessEvent::BookingCancelled));
        Ok(view)
    }

    async fn try_cancel(
        &self,
        actor: &Actor,
        id: SeriesId,
        from: Option<DateTime<Utc>>,
        reason: Option<CancellationReason>,
    ) -> Result<(SeriesView, usize), CancelSeriesError> {
        use CancelSeriesError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let series = tx.series().get(org_id, id).await?;
        let series = series.filter(|s| actor.may(Operation::CancelSeries) && s.visible_to(actor)).ok_or(E::NotFound)?;
        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let course = tx.courses().get(org_id, series.course_id).await?.ok_or(E::NotFound)?;
        let from = from.map_or(now, |f| f.max(now));

        let mut cancelled: Vec<Interval> = Vec::new();
        let mut refunded = 0u32;
        for listed in tx.bookings().of_series(org_id, id).await? {
            if !listed.is_active() || listed.interval.start() < from || listed.has_started(now) {
                continue;
            }
            let Some(booking) = tx.bookings().lock(org_id, listed.id).await?.filter(|b| b.is_active()) else {
                continue;
            };
            if !tx.bookings().cancel(org_id, booking.id, actor.user_id, now, reason.clone()).await? {
                continue;
            }
            let outcome = credit_outcome(actor.role, booking.interval.start(), now, &booking.policy);
            for seat in &booking.seats {
                settle_seat(&self.core, &*tx, actor, &booking, seat, outcome).await?;
            }
            refunded += u32::from(outcome == CreditOutcome::Refund);
            cancelled.push(booking.interval);
        }

        if !cancelled.is_empty() {
            let people = [series.student_id, series.ta_id];
            let users = tx.users().get_many(org_id, &people).await?;
            let ta = users.iter().find(|u| u.id == series.ta_id).ok_or(E::NotFound)?;
            let details = series_details(&org, &course, ta, id, &cancelled, &[]);
            let reason_text = reason.as_ref().map(ToString::to_string).filter(|r| !r.trim().is_empty());
            for user in &users {
                let payload = EmailPayload::SeriesCancellation {
                    series: details.clone(),
                    reason: reason_text.clone(),
                    refunded: (user.id == series.student_id).then_some(refunded),
                };
                self.core.outbox().queue(&*tx, org_id, &user.email, user.name.as_str(), payload).await?;
            }
        }
        let detail = format!("from={} cancelled={} refunded={refunded}", from.to_rfc3339(), cancelled.len());
        let target = (TargetType::BookingSeries, id.into());
        self.core.audit().record(&*tx, actor, AuditAction::SeriesCancelled, target, Some(detail)).await?;
        let bookings = tx.bookings().of_series(org_id, id).await?;
        tx.commit().await?;
        let view = SeriesView { series, bookings: bookings.into_iter().map(|b| b.redacted_for(actor)).collect() };
        Ok((view, cancelled.len()))
    }
}
