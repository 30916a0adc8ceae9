//! Booking a series (`POST /booking-series`): every occurrence passes every rule of an
//! individual booking under one TA, paid by one bundle credit each or the per-session price,
//! all or nothing unless `allowPartial`, in one transaction. The checks read everything in a
//! fixed number of queries whatever the number of occurrences (calendars, the student's
//! sessions, loads); only the writes are per occurrence.

use chrono::{DateTime, TimeDelta, Utc};

use super::SeriesService;
use super::emails::series_details;
use crate::accounts::user_with_role;
use crate::audit::{AuditAction, TargetType};
use crate::availability::ta_calendars;
use crate::booking::service::checks::{active_course, students_bundle};
use crate::booking::{Booking, NewIndividualBooking, Payment};
use crate::bundles::{BundleRefusal, LedgerEntry, LedgerKind};
use crate::notifications::{Audience, EmailPayload};
use crate::scheduling::SessionDuration;
use crate::series::plan::{Context, Planned, choose_series_ta, verdict, within_credits};
use crate::series::{BookingSeries, Recurrence, RecurrenceError, SkippedOccurrence};
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::time::minutes;
use crate::shared::validation::{InvalidValue, ValidationErrors};
use crate::shared::zone::Fold;
use crate::shared::{Actor, BundlePurchaseId, BusinessEvent, CourseId, ErrorCode, Interval, Operation, Role, UserId};
use crate::store::{Conflict, StoreError};

/// `POST /booking-series`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookSeries {
    /// The course.
    pub course_id: CourseId,
    /// The first occurrence's start; its wall-clock time is every occurrence's.
    pub starts_at: DateTime<Utc>,
    /// Every session's length.
    pub duration: SessionDuration,
    /// The rule.
    pub recurrence: Recurrence,
    /// The TA; chosen when `None`.
    pub ta_id: Option<UserId>,
    /// The bundle paying one credit per session; the per-session price when `None`.
    pub bundle_purchase_id: Option<BundlePurchaseId>,
    /// The student, when an admin books for one.
    pub student_id: Option<UserId>,
    /// Book what passes and list the rest, instead of all or nothing.
    pub allow_partial: bool,
}

use_case_error! {
    /// Errors of [`SeriesService::book`]. An occurrence's refusal carries its start (the first
    /// failing occurrence's, when nothing is booked).
    pub enum BookSeriesError {
        ValidationFailed(ValidationErrors),
        Forbidden,
        NotFound,
        InvalidRecurrence(&'static str),
        BookingTooSoon(DateTime<Utc>),
        BookingTooFarAhead(DateTime<Utc>),
        TaNotAssignedToCourse,
        OutsideTaAvailability(DateTime<Utc>),
        TaUnavailable(DateTime<Utc>),
        NoTaAvailable,
        StudentUnavailable(DateTime<Utc>),
        BundleCourseMismatch,
        BundleExpired(DateTime<Utc>),
        BundleExhausted(DateTime<Utc>),
        NoSessionPrice,
    }
}

impl BookSeriesError {
    /// The occurrence refused, for errors about one.
    pub fn occurrence(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::BookingTooSoon(at)
            | Self::BookingTooFarAhead(at)
            | Self::OutsideTaAvailability(at)
            | Self::TaUnavailable(at)
            | Self::StudentUnavailable(at)
            | Self::BundleExpired(at)
            | Self::BundleExhausted(at) => Some(*at),
            _ => None,
        }
    }

    /// Why a well-formed rule cannot be booked, for `invalid_recurrence`.
    pub fn recurrence_problem(&self) -> Option<&'static str> {
        match self {
            Self::InvalidRecurrence(why) => Some(why),
            _ => None,
        }
    }

    /// The error of an occurrence refused with `code` (one of [`super::super::plan::verdict`]'s).
    pub(crate) fn at(code: ErrorCode, at: DateTime<Utc>) -> Self {
        match code {
            ErrorCode::BookingTooSoon => Self::BookingTooSoon(at),
            ErrorCode::BookingTooFarAhead => Self::BookingTooFarAhead(at),
            ErrorCode::OutsideTaAvailability => Self::OutsideTaAvailability(at),
            ErrorCode::TaUnavailable => Self::TaUnavailable(at),
            ErrorCode::StudentUnavailable => Self::StudentUnavailable(at),
            ErrorCode::BundleExpired => Self::BundleExpired(at),
            _ => Self::BundleExhausted(at),
        }
    }
}

/// A series as booked: the series and its bookings.
pub type BookedSeries = super::SeriesView;

impl SeriesService {
    /// Books a series for a student (by the student, or by an admin for one).
    ///
    /// # Errors
    /// See [`BookSeriesError`]: request-wide checks first (who, what exists, the rule, the TA,
    /// the payment), then, all or nothing, the first refused occurrence.
    #[tracing::instrument(skip_all, name = "series.book")]
    pub async fn book(&self, actor: &Actor, cmd: &BookSeries) -> Result<BookedSeries, BookSeriesError> {
        let student = match actor.role {
            Role::Admin => cmd.student_id.ok_or_else(|| {
                BookSeriesError::ValidationFailed(ValidationErrors::single(
                    "studentId",
                    InvalidValue::new("is required when an admin books"),
                ))
            })?,
            _ => actor.user_id,
        };
        if !actor.may(Operation::BookSeries) || cmd.student_id.is_some_and(|s| s != student) {
            return Err(BookSeriesError::Forbidden);
        }
        let booked = retry_transient(|| self.try_book(actor, cmd, student)).await?;
        booked.bookings.iter().for_each(|_| self.core.count(BusinessEvent::BookingCreated));
        Ok(booked)
    }

    async fn try_book(
        &self,
        actor: &Actor,
        cmd: &BookSeries,
        student_id: UserId,
    ) -> Result<BookedSeries, BookSeriesError> {
        use BookSeriesError as E;
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;

        let org = tx.organizations().get(org_id).await?.ok_or(E::NotFound)?;
        let course = active_course(&*tx, org_id, cmd.course_id).await?.ok_or(E::NotFound)?;
        let student = user_with_role(&*tx, org_id, student_id, Role::Student).await?.ok_or(E::NotFound)?;
        if let Some(ta) = cmd.ta_id {
            user_with_role(&*tx, org_id, ta, Role::Ta).await?.ok_or(E::NotFound)?;
        }
        let bundle = students_bundle(&*tx, org_id, student.id, cmd.bundle_purchase_id).await?.map_err(|r| match r {
            BundleRefusal::NotOwned => E::NotFound,
            _ => E::BundleCourseMismatch,
        })?;
        if bundle.as_ref().is_some_and(|b| b.course_id != course.id) {
            return Err(E::BundleCourseMismatch);
        }

        // The occurrences: the rule's own limits, then every one within the booking horizon.
        let occurrences = cmd.recurrence.occurrences(cmd.starts_at, org.timezone).map_err(|e| match e {
            RecurrenceError::Rule(why) => E::InvalidRecurrence(why),
            RecurrenceError::Shape(_) => E::InvalidRecurrence("the recurrence is malformed"),
        })?;
        let length = cmd.duration.as_delta();
        let planned: Vec<Planned> = occurrences
            .into_iter()
            .map(|o| Planned::new(o, length, |local| org.timezone.resolve(local, Fold::Earlier)))
            .collect();
        let horizon = now + TimeDelta::days(i64::from(org.settings.max_advance_days()));
        if planned.iter().any(|p| p.starts_at > horizon) {
            return Err(E::InvalidRecurrence(
                "an occurrence is beyond the organization's booking horizon (maxAdvanceDays)",
            ));
        }
        let (Some(first), Some(last)) = (planned.first(), planned.last()) else {
            return Err(E::InvalidRecurrence("the recurrence has no occurrence"));
        };
        let buffer = minutes(org.settings.buffer_minutes());
        let span = Interval::new(first.starts_at - buffer, last.starts_at + length + buffer)
            .map_err(|_| E::InvalidRecurrence("the series does not fit in time"))?;

        // The TA, and every read the verdicts need, in a fixed number of queries.
        let candidates: Vec<UserId> = match cmd.ta_id {
            Some(ta) if tx.course_tas().is_assigned(org_id, course.id, ta).await? => vec![ta],
            Some(_) => return Err(E::TaNotAssignedToCourse),
            None => tx.course_tas().tas(org_id, course.id).await?.into_iter().map(|u| u.id).collect(),
        };
        let calendars = ta_calendars(&*tx, &org, &candidates, span).await?;
        let student_busy: Vec<Interval> =
            tx.bookings().student_busy(org_id, &[student.id], span).await?.into_iter().map(|(_, i)| i).collect();
        let cx = Context { now, settings: &org.settings, student_busy: &student_busy, bundle: bundle.as_ref() };
        let calendar = if cmd.ta_id.is_some() {
            calendars.first()
        } else {
            let loads = tx.bookings().count_starting_in(org_id, &candidates, span).await?;
            let load = |ta: UserId| loads.iter().find(|(id, _)| *id == ta).map_or(0, |(_, n)| *n);
            let free =
                |c: &crate::scheduling::TaCalendar| planned.iter().filter(|p| verdict(p, c, &cx).is_ok()).count();
            let chosen = choose_series_ta(calendars.iter().map(|c| (c.ta_id, free(c), load(c.ta_id))));
            calendars.iter().find(|c| Some(c.ta_id) == chosen)
        };
        let Some(calendar) = calendar else { return Err(E::NoTaAvailable) };
        let ta_id = calendar.ta_id;
        let verdicts: Vec<_> = planned.iter().map(|p| verdict(p, calendar, &cx)).collect();
        let verdicts = within_credits(verdicts, bundle.as_ref().map(|b| b.remaining_sessions));

        // All or nothing: the first refusal; partial: what passes, and at least one must.
        let first_refusal =
            planned.iter().zip(&verdicts).find_map(|(p, v)| v.as_ref().err().map(|c| E::at(*c, p.starts_at)));
        let booked: Vec<Interval> = verdicts.iter().filter_map(|v| v.as_ref().ok().copied()).collect();
        if let Some(refusal) = first_refusal
            && (!cmd.allow_partial || booked.is_empty())
        {
            return Err(refusal);
        }
        let skipped: Vec<SkippedOccurrence> = planned
            .iter()
            .zip(&verdicts)
            .filter_map(|(p, v)| v.as_ref().err().map(|code| SkippedOccurrence { starts_at: p.starts_at, code: *code }))
            .collect();
        let price = match &bundle {
            Some(_) => None,
            None => Some(tx.products().active_session_price(org_id, course.id).await?.ok_or(E::NoSessionPrice)?.price),
        };

        let series = BookingSeries {
            id: self.core.new_id(),
            organization_id: org_id,
            course_id: course.id,
            student_id: student.id,
            ta_id,
            recurrence: cmd.recurrence.clone(),
            starts_at: first.starts_at,
            duration: cmd.duration,
            skipped,
            created_by: actor.user_id,
            created_at: now,
        };
        tx.series().insert(&series).await?;
        let policy = org.settings.policy_for(&course.policy);
        let mut bookings = Vec::with_capacity(booked.len());
        for interval in &booked {
            let payment = match (&bundle, price) {
                (Some(b), _) => Payment::Bundle(b.id),
                (None, Some(price)) => Payment::PerSession(price),
                (None, None) => return Err(E::NoSessionPrice),
            };
            let mut booking = Booking::individual(
                NewIndividualBooking {
                    id: self.core.new_id(),
                    organization_id: org_id,
                    course_id: course.id,
                    ta_id,
                    student_id: student.id,
                    interval: *interval,
                    payment,
                    currency: org.currency,
                    created_by: actor.user_id,
                    policy,
                },
                now,
            );
            booking.series_id = Some(series.id);
            match tx.bookings().insert(&booking, buffer).await {
                Ok(()) => {}
                // A concurrent booking took a slot since it was read: this transaction is
                // spoiled; the whole series runs again from fresh reads, which see it.
                Err(StoreError::Conflict(Conflict::TaOverlap | Conflict::StudentOverlap)) => {
                    return Err(
                        StoreError::Transient(anyhow::anyhow!("a slot of the series was taken meanwhile")).into()
                    );
                }
                Err(e) => return Err(e.into()),
            }
            if let Payment::Bundle(bundle_id) = payment {
                if !tx.bundles().debit(org_id, bundle_id).await? {
                    return Err(StoreError::Transient(anyhow::anyhow!("the bundle was spent meanwhile")).into());
                }
                let entry =
                    LedgerEntry::for_booking(self.core.new_id(), org_id, bundle_id, LedgerKind::Debit, booking.id, now);
                tx.bundles().append_ledger(&entry).await?;
            }
            bookings.push(booking);
        }

        let ta = tx.users().get(org_id, ta_id).await?.ok_or(E::NotFound)?;
        let details = series_details(&org, &course, &ta, series.id, &booked, &series.skipped);
        for (recipient, audience) in [(&student, Audience::Student), (&ta, Audience::Ta)] {
            let payload = EmailPayload::SeriesConfirmation {
                series: details.clone(),
                audience,
                student_name: student.name.to_string(),
            };
            self.core.outbox().queue(&*tx, org_id, &recipient.email, recipient.name.as_str(), payload).await?;
        }
        let detail = format!(
            "ta={ta_id} student={} booked={} skipped={} recurrence={}",
            student.id,
            bookings.len(),
            series.skipped.len(),
            series.recurrence.to_rrule()
        );
        let target = (TargetType::BookingSeries, series.id.into());
        self.core.audit().record(&*tx, actor, AuditAction::SeriesBooked, target, Some(detail)).await?;
        tx.commit().await?;
        Ok(BookedSeries { series, bookings: bookings.into_iter().map(|b| b.redacted_for(actor)).collect() })
    }
}
