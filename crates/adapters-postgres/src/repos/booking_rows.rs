//! Bookings and seats between rows and the domain: a booking's seats are read in one query for
//! a whole page of bookings (never one query per booking).

use std::collections::HashMap;

use domain::booking::{Attendance, Booking, BookingStatus, CancellationReason, Seat, SessionType};
use domain::shared::{Cents, Currency, Interval, OrganizationId, SeriesId, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::policy_columns::{policy_columns, policy_from};
use super::ts;
use crate::entities::{booking_seats as seats, bookings};
use crate::errors::{DbResultExt, corrupt};

fn seat_to_domain(m: &seats::Model) -> Result<Seat, StoreError> {
    Ok(Seat {
        booking_id: m.booking_id.into(),
        student_id: UserId::from_uuid(m.student_id),
        bundle_purchase_id: m.bundle_purchase_id.map(Into::into),
        price: Cents::new(m.price_cents).map_err(|e| corrupt("booking_seats", e))?,
        joined_at: m.joined_at,
        refunded: m.refunded,
        attendance: m
            .attendance
            .as_deref()
            .map(Attendance::parse)
            .transpose()
            .map_err(|e| corrupt("booking_seats", e))?,
        settlement_round: u32::try_from(m.settlement_round).map_err(|e| corrupt("booking_seats", e))?,
    })
}

/// A booking row with its seats.
pub(super) fn to_domain(m: &bookings::Model, seat_rows: &[seats::Model]) -> Result<Booking, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("bookings", format!("{}: {e}", m.id));
    let count = |n: i32| u32::try_from(n).map_err(|e| bad(&e));
    Ok(Booking {
        id: m.id.into(),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        course_id: m.course_id.into(),
        ta_id: UserId::from_uuid(m.ta_id),
        session_type: SessionType::parse(&m.session_type).map_err(|e| bad(&e))?,
        // Completion is a column of its own: `status` keeps the seat-count state under it.
        status: if m.completed_at.is_some() {
            BookingStatus::Completed
        } else {
            BookingStatus::parse(&m.status).map_err(|e| bad(&e))?
        },
        interval: Interval::new(m.starts_at, m.ends_at).map_err(|e| bad(&e))?,
        capacity: count(m.capacity)?,
        seats_taken: count(m.seats_taken)?,
        price_per_student: Cents::new(m.price_per_student_cents).map_err(|e| bad(&e))?,
        currency: Currency::parse(&m.currency).map_err(|e| bad(&e))?,
        template_id: m.template_id.map(Into::into),
        created_by: UserId::from_uuid(m.created_by),
        cancelled_at: m.cancelled_at,
        cancelled_by: m.cancelled_by.map(UserId::from_uuid),
        cancellation_reason: m
            .cancellation_reason
            .as_deref()
            .map(CancellationReason::parse)
            .transpose()
            .map_err(|e| bad(&e))?,
        created_at: m.created_at,
        seats: seat_rows.iter().map(seat_to_domain).collect::<Result<_, _>>()?,
        policy: policy_from(
            m.policy_cancellation_window_hours,
            m.policy_reschedule_window_hours,
            m.policy_max_reschedules,
            &m.policy_late_cancellation,
            &m.policy_no_show,
        )
        .map_err(|e| bad(&e))?,
        sequence: count(m.sequence)?,
        reschedule_count: count(m.reschedule_count)?,
        series_id: m.series_id.map(SeriesId::from_uuid),
        ta_no_show: m.ta_no_show,
        completed_at: m.completed_at,
    })
}

/// The row of a new booking; `blocked_until` is its end plus the organization's buffer.
pub(super) fn to_row(b: &Booking, blocked_until: chrono::DateTime<chrono::Utc>) -> bookings::ActiveModel {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let (cancel, reschedule, max, late, no_show) = policy_columns(&b.policy);
    bookings::ActiveModel {
        id: Set(b.id.as_uuid()),
        organization_id: Set(b.organization_id.as_uuid()),
        course_id: Set(b.course_id.as_uuid()),
        ta_id: Set(b.ta_id.as_uuid()),
        session_type: Set(b.session_type.as_str().to_owned()),
        status: Set(b.status.as_str().to_owned()),
        starts_at: Set(ts(b.interval.start())),
        ends_at: Set(ts(b.interval.end())),
        blocked_until: Set(ts(blocked_until)),
        capacity: Set(count(b.capacity)),
        seats_taken: Set(count(b.seats_taken)),
        price_per_student_cents: Set(b.price_per_student.get()),
        currency: Set(b.currency.to_string()),
        template_id: Set(b.template_id.map(|t| t.as_uuid())),
        created_by: Set(b.created_by.as_uuid()),
        cancelled_at: Set(b.cancelled_at.map(ts)),
        cancelled_by: Set(b.cancelled_by.map(|u| u.as_uuid())),
        cancellation_reason: Set(b.cancellation_reason.as_ref().map(ToString::to_string)),
        created_at: Set(ts(b.created_at)),
        policy_cancellation_window_hours: Set(cancel),
        policy_reschedule_window_hours: Set(reschedule),
        policy_max_reschedules: Set(max),
        policy_late_cancellation: Set(late),
        policy_no_show: Set(no_show),
        sequence: Set(count(b.sequence)),
        reschedule_count: Set(count(b.reschedule_count)),
        series_id: Set(b.series_id.map(|s| s.as_uuid())),
        completed_at: Set(b.completed_at.map(ts)),
        ta_no_show: Set(b.ta_no_show),
        ..Default::default()
    }
}

/// The row of a seat, carrying its booking's interval for the student-overlap constraint.
pub(super) fn seat_row(org: OrganizationId, seat: &Seat, interval: Interval, active: bool) -> seats::ActiveModel {
    seats::ActiveModel {
        booking_id: Set(seat.booking_id.as_uuid()),
        organization_id: Set(org.as_uuid()),
        student_id: Set(seat.student_id.as_uuid()),
        bundle_purchase_id: Set(seat.bundle_purchase_id.map(|b| b.as_uuid())),
        price_cents: Set(seat.price.get()),
        joined_at: Set(ts(seat.joined_at)),
        refunded: Set(seat.refunded),
        starts_at: Set(ts(interval.start())),
        ends_at: Set(ts(interval.end())),
        active: Set(active),
        attendance: Set(seat.attendance.map(|a| a.as_str().to_owned())),
        settlement_round: Set(i32::try_from(seat.settlement_round).unwrap_or(i32::MAX)),
        ..Default::default()
    }
}

/// Bookings with their seats, reading the seats of all of them in one query.
pub(super) async fn with_seats(
    conn: &impl ConnectionTrait,
    rows: Vec<bookings::Model>,
) -> Result<Vec<Booking>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
    let mut by_booking: HashMap<Uuid, Vec<seats::Model>> = HashMap::new();
    let all_seats = seats::Entity::find()
        .filter(seats::Column::BookingId.is_in(ids))
        .order_by_asc(seats::Column::JoinedAt)
        .order_by_asc(seats::Column::StudentId)
        .all(conn)
        .await
        .store()?;
    for seat in all_seats {
        by_booking.entry(seat.booking_id).or_default().push(seat);
    }
    rows.into_iter()
        .map(|b| {
            let booking_seats = by_booking.remove(&b.id).unwrap_or_default();
            to_domain(&b, &booking_seats)
        })
        .collect()
}
