//! [`BookingRepository`] over `bookings` and `booking_seats`. A TA's overlapping sessions are
//! refused by the database (exclusion constraint / trigger on `[starts_at, blocked_until)`);
//! seats are taken with one conditional update that never goes above capacity.
//!
//! Writes of several statements (a booking and its seats, a seat and its counter) run as one
//! unit of their own — a transaction on the pool, a savepoint inside the caller's transaction —
//! so that they never half-happen and the database's consistency checks always see both.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use domain::booking::{Booking, BookingFilter, BookingRepository, BookingStatus, CancellationReason, Seat};
use domain::scheduling::SessionDuration;
use domain::shared::{BookingId, Interval, OrganizationId, PageRequest, SeriesId, UserId};
use domain::store::{Conflict, StoreError};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::booking_rows::{seat_row, to_row, with_seats};
use super::{keyset, ts};
use crate::entities::{booking_seats as seats, bookings};
use crate::errors::DbResultExt;
use crate::store::{Repos, Scope};

const CANCELLED: &str = "cancelled";

/// A session overlapping `window` started less than the longest session before its start: the
/// lower bound that keeps an overlap query on the `(ta_id | student_id, starts_at)` indexes
/// from reading every earlier session of the TA or student.
fn earliest_overlapping_start(window: Interval) -> DateTime<Utc> {
    window.start() - SessionDuration::MAX.as_delta()
}

fn uuids(ids: &[UserId]) -> Vec<Uuid> {
    ids.iter().map(UserId::as_uuid).collect()
}

impl<C: ConnectionTrait> Repos<C> {
    #[tracing::instrument(skip_all, name = "db.bookings.find_booking")]
    async fn find_booking(
        &self,
        org: OrganizationId,
        id: BookingId,
        lock: bool,
    ) -> Result<Option<Booking>, StoreError> {
        let mut query =
            bookings::Entity::find_by_id(id.as_uuid()).filter(bookings::Column::OrganizationId.eq(org.as_uuid()));
        if lock {
            query = query.lock_exclusive();
        }
        let Some(row) = query.one(&self.conn).await.store()? else { return Ok(None) };
        Ok(with_seats(&self.conn, vec![row]).await?.pop())
    }
}

#[async_trait]
impl<C: ConnectionTrait + TransactionTrait + Scope + Send + Sync + 'static> BookingRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.bookings.insert")]
    async fn insert(&self, booking: &Booking, buffer: TimeDelta) -> Result<(), StoreError> {
        // The booking and its seats are one write: in the caller's transaction, or in one of
        // their own (a savepoint inside a transaction would cost two more round trips).
        if C::IN_TRANSACTION {
            return insert_booking(&self.conn, booking, buffer).await;
        }
        let txn = self.conn.begin().await.store()?;
        insert_booking(&txn, booking, buffer).await?;
        txn.commit().await.store()
    }

    #[tracing::instrument(skip_all, name = "db.bookings.get")]
    async fn get(&self, org: OrganizationId, id: BookingId) -> Result<Option<Booking>, StoreError> {
        self.find_booking(org, id, false).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.lock")]
    async fn lock(&self, org: OrganizationId, id: BookingId) -> Result<Option<Booking>, StoreError> {
        self.find_booking(org, id, true).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.list")]
    async fn list(
        &self,
        org: OrganizationId,
        filter: &BookingFilter,
        page: &PageRequest,
    ) -> Result<Vec<Booking>, StoreError> {
        use bookings::Column as B;
        let mut query = bookings::Entity::find().filter(B::OrganizationId.eq(org.as_uuid()));
        if let Some(from) = filter.from {
            query = query.filter(B::StartsAt.gte(ts(from)));
        }
        if let Some(to) = filter.to {
            query = query.filter(B::StartsAt.lt(ts(to)));
        }
        match filter.status {
            Some(BookingStatus::Completed) => query = query.filter(B::CompletedAt.is_not_null()),
            Some(BookingStatus::Cancelled) => query = query.filter(B::Status.eq("cancelled")),
            Some(status) => query = query.filter(B::Status.eq(status.as_str())).filter(B::CompletedAt.is_null()),
            None => {}
        }
        if let Some(course) = filter.course_id {
            query = query.filter(B::CourseId.eq(course.as_uuid()));
        }
        if let Some(ta) = filter.ta_id {
            query = query.filter(B::TaId.eq(ta.as_uuid()));
        }
        if let Some(kind) = filter.session_type {
            query = query.filter(B::SessionType.eq(kind.as_str()));
        }
        if let Some(student) = filter.student_id {
            let seated = Query::select()
                .column(seats::Column::BookingId)
                .from(seats::Entity)
                .and_where(Expr::col(seats::Column::StudentId).eq(student.as_uuid()))
                .to_owned();
            query = query.filter(B::Id.in_subquery(seated));
        }
        let rows = keyset::earliest_first(query, B::StartsAt, B::Id, page)?.all(&self.conn).await.store()?;
        with_seats(&self.conn, rows).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.ta_busy")]
    async fn ta_busy(
        &self,
        org: OrganizationId,
        tas: &[UserId],
        window: Interval,
    ) -> Result<Vec<(UserId, Interval)>, StoreError> {
        use bookings::Column as B;
        let live = bookings::Entity::find().filter(B::OrganizationId.eq(org.as_uuid())).filter(B::Status.ne(CANCELLED));
        busy(&self.conn, live, [B::TaId, B::StartsAt, B::EndsAt], tas, window).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.active_for_ta")]
    async fn active_for_ta(
        &self,
        org: OrganizationId,
        ta: UserId,
        window: Interval,
    ) -> Result<Vec<Booking>, StoreError> {
        use bookings::Column as B;
        let rows = bookings::Entity::find()
            .filter(B::OrganizationId.eq(org.as_uuid()))
            .filter(B::TaId.eq(ta.as_uuid()))
            .filter(B::Status.ne(CANCELLED))
            .filter(B::StartsAt.lt(ts(window.end())))
            .filter(B::StartsAt.gt(ts(earliest_overlapping_start(window))))
            .filter(B::EndsAt.gt(ts(window.start())))
            .order_by_asc(B::StartsAt)
            .order_by_asc(B::Id)
            .all(&self.conn)
            .await
            .store()?;
        with_seats(&self.conn, rows).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.of_series")]
    async fn of_series(&self, org: OrganizationId, series: SeriesId) -> Result<Vec<Booking>, StoreError> {
        use bookings::Column as B;
        let rows = bookings::Entity::find()
            .filter(B::OrganizationId.eq(org.as_uuid()))
            .filter(B::SeriesId.eq(series.as_uuid()))
            .order_by_asc(B::StartsAt)
            .order_by_asc(B::Id)
            .all(&self.conn)
            .await
            .store()?;
        with_seats(&self.conn, rows).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.student_busy")]
    async fn student_busy(
        &self,
        org: OrganizationId,
        students: &[UserId],
        window: Interval,
    ) -> Result<Vec<(UserId, Interval)>, StoreError> {
        use seats::Column as S;
        let live = seats::Entity::find().filter(S::OrganizationId.eq(org.as_uuid())).filter(S::Active.eq(true));
        busy(&self.conn, live, [S::StudentId, S::StartsAt, S::EndsAt], students, window).await
    }

    #[tracing::instrument(skip_all, name = "db.bookings.count_starting_in")]
    async fn count_starting_in(
        &self,
        org: OrganizationId,
        tas: &[UserId],
        window: Interval,
    ) -> Result<Vec<(UserId, u32)>, StoreError> {
        if tas.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Uuid, i64)> = bookings::Entity::find()
            .select_only()
            .column(bookings::Column::TaId)
            .column_as(bookings::Column::Id.count(), "sessions")
            .filter(bookings::Column::OrganizationId.eq(org.as_uuid()))
            .filter(bookings::Column::TaId.is_in(uuids(tas)))
            .filter(bookings::Column::Status.ne(CANCELLED))
            .filter(bookings::Column::StartsAt.gte(ts(window.start())))
            .filter(bookings::Column::StartsAt.lt(ts(window.end())))
            .group_by(bookings::Column::TaId)
            .into_tuple()
            .all(&self.conn)
            .await
            .store()?;
        Ok(rows.into_iter().map(|(ta, n)| (UserId::from_uuid(ta), u32::try_from(n).unwrap_or(u32::MAX))).collect())
    }

    #[tracing::instrument(skip_all, name = "db.bookings.add_seat")]
    async fn add_seat(&self, org: OrganizationId, seat: &Seat) -> Result<BookingStatus, StoreError> {
        let txn = self.conn.begin().await.store()?;
        let status = add_seat(&txn, org, seat).await?;
        txn.commit().await.store()?;
        Ok(status)
    }

    #[tracing::instrument(skip_all, name = "db.bookings.remove_seat")]
    async fn remove_seat(&self, org: OrganizationId, booking: BookingId, student: UserId) -> Result<bool, StoreError> {
        let txn = self.conn.begin().await.store()?;
        let removed = remove_seat(&txn, org, booking, student).await?;
        txn.commit().await.store()?;
        Ok(removed)
    }

    #[tracing::instrument(skip_all, name = "db.bookings.mark_seat_refunded")]
    async fn mark_seat_refunded(
        &self,
        org: OrganizationId,
        booking: BookingId,
        student: UserId,
    ) -> Result<(), StoreError> {
        seats::Entity::update_many()
            .col_expr(seats::Column::Refunded, Expr::value(true))
            .filter(seats::Column::BookingId.eq(booking.as_uuid()))
            .filter(seats::Column::StudentId.eq(student.as_uuid()))
            .filter(seats::Column::OrganizationId.eq(org.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.bookings.reschedule")]
    async fn reschedule(&self, moved: &Booking, buffer: TimeDelta) -> Result<bool, StoreError> {
        let txn = self.conn.begin().await.store()?;
        let done = reschedule(&txn, moved, buffer).await?;
        txn.commit().await.store()?;
        Ok(done)
    }

    #[tracing::instrument(skip_all, name = "db.bookings.cancel")]
    async fn cancel(
        &self,
        org: OrganizationId,
        id: BookingId,
        by: UserId,
        at: DateTime<Utc>,
        reason: Option<CancellationReason>,
    ) -> Result<bool, StoreError> {
        let txn = self.conn.begin().await.store()?;
        let cancelled = cancel(&txn, org, id, by, at, reason).await?;
        txn.commit().await.store()?;
        Ok(cancelled)
    }
}

/// The sessions of `people` overlapping `window` among the live rows of `live` (bookings of
/// TAs, seats of students), read through the `(person, starts_at)` index: `columns` are the
/// person, start and end columns.
async fn busy<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    live: Select<E>,
    [person, starts, ends]: [E::Column; 3],
    people: &[UserId],
    window: Interval,
) -> Result<Vec<(UserId, Interval)>, StoreError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)> = live
        .select_only()
        .columns([person, starts, ends])
        .filter(person.is_in(uuids(people)))
        .filter(starts.lt(ts(window.end())))
        .filter(ends.gt(ts(window.start())))
        .filter(starts.gt(ts(earliest_overlapping_start(window))))
        .into_tuple()
        .all(conn)
        .await
        .store()?;
    rows.into_iter()
        .map(|(who, start, end)| {
            Interval::new(start, end)
                .map(|i| (UserId::from_uuid(who), i))
                .map_err(|e| crate::errors::corrupt("bookings", e))
        })
        .collect()
}

async fn insert_booking(conn: &impl ConnectionTrait, booking: &Booking, buffer: TimeDelta) -> Result<(), StoreError> {
    let blocked_until = booking.interval.end() + buffer;
    bookings::Entity::insert(to_row(booking, blocked_until)).exec_without_returning(conn).await.store()?;
    let active = booking.is_active();
    for seat in &booking.seats {
        let row = seat_row(booking.organization_id, seat, booking.interval, active);
        seats::Entity::insert(row).exec_without_returning(conn).await.store()?;
    }
    Ok(())
}

async fn add_seat(conn: &impl ConnectionTrait, org: OrganizationId, seat: &Seat) -> Result<BookingStatus, StoreError> {
    use bookings::Column as B;
    let taken = Expr::col(B::SeatsTaken);
    // One conditional update: concurrent joins queue on the row and re-check the guard, so
    // the count never passes the capacity (the CHECK constraint backs this up).
    let done = bookings::Entity::update_many()
        .col_expr(B::SeatsTaken, taken.clone().add(1))
        .col_expr(
            B::Status,
            Expr::case(taken.clone().add(1).gte(Expr::col(B::Capacity)), "full").finally("open").into(),
        )
        .filter(B::Id.eq(seat.booking_id.as_uuid()))
        .filter(B::OrganizationId.eq(org.as_uuid()))
        .filter(B::Status.eq("open"))
        .filter(taken.lt(Expr::col(B::Capacity)))
        .exec_with_returning(conn)
        .await
        .store()?;
    let Some(row) = done.into_iter().next() else { return Err(StoreError::Conflict(Conflict::CapacityExceeded)) };
    let interval = Interval::new(row.starts_at, row.ends_at).map_err(|e| crate::errors::corrupt("bookings", e))?;
    seats::Entity::insert(seat_row(org, seat, interval, true)).exec_without_returning(conn).await.store()?;
    BookingStatus::parse(&row.status).map_err(|e| crate::errors::corrupt("bookings", e))
}

async fn remove_seat(
    conn: &impl ConnectionTrait,
    org: OrganizationId,
    booking: BookingId,
    student: UserId,
) -> Result<bool, StoreError> {
    use bookings::Column as B;
    let held = seats::Entity::find_by_id((booking.as_uuid(), student.as_uuid()))
        .filter(seats::Column::OrganizationId.eq(org.as_uuid()))
        .one(conn)
        .await
        .store()?;
    if held.is_none() {
        return Ok(false);
    }
    // The counter moves first: SQLite checks the count against the rows after each delete.
    bookings::Entity::update_many()
        .col_expr(B::SeatsTaken, Expr::col(B::SeatsTaken).sub(1))
        .col_expr(B::Status, Expr::case(Expr::col(B::Status).eq("full"), "open").finally(Expr::col(B::Status)).into())
        .filter(B::Id.eq(booking.as_uuid()))
        .filter(B::OrganizationId.eq(org.as_uuid()))
        .filter(Expr::col(B::SeatsTaken).gt(0))
        .exec(conn)
        .await
        .store()?;
    let removed = seats::Entity::delete_by_id((booking.as_uuid(), student.as_uuid())).exec(conn).await.store()?;
    Ok(removed.rows_affected == 1)
}

/// The move of [`BookingRepository::reschedule`]: one update of the booking under the TA
/// exclusion constraint, then its seats' intervals under the students' one.
async fn reschedule(conn: &impl ConnectionTrait, moved: &Booking, buffer: TimeDelta) -> Result<bool, StoreError> {
    use bookings::Column as B;
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let (start, end) = (ts(moved.interval.start()), ts(moved.interval.end()));
    let done = bookings::Entity::update_many()
        .col_expr(B::StartsAt, Expr::value(start))
        .col_expr(B::EndsAt, Expr::value(end))
        .col_expr(B::BlockedUntil, Expr::value(ts(moved.interval.end() + buffer)))
        .col_expr(B::TaId, Expr::value(moved.ta_id.as_uuid()))
        .col_expr(B::Sequence, Expr::value(count(moved.sequence)))
        .col_expr(B::RescheduleCount, Expr::value(count(moved.reschedule_count)))
        .filter(B::Id.eq(moved.id.as_uuid()))
        .filter(B::OrganizationId.eq(moved.organization_id.as_uuid()))
        .filter(B::Status.ne(CANCELLED))
        .exec(conn)
        .await
        .store()?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    seats::Entity::update_many()
        .col_expr(seats::Column::StartsAt, Expr::value(start))
        .col_expr(seats::Column::EndsAt, Expr::value(end))
        .filter(seats::Column::BookingId.eq(moved.id.as_uuid()))
        .filter(seats::Column::OrganizationId.eq(moved.organization_id.as_uuid()))
        .exec(conn)
        .await
        .store()?;
    Ok(true)
}

async fn cancel(
    conn: &impl ConnectionTrait,
    org: OrganizationId,
    id: BookingId,
    by: UserId,
    at: DateTime<Utc>,
    reason: Option<CancellationReason>,
) -> Result<bool, StoreError> {
    use bookings::Column as B;
    let cancelled = bookings::Entity::update_many()
        .col_expr(B::Status, Expr::value(CANCELLED))
        .col_expr(B::CancelledAt, Expr::value(ts(at)))
        .col_expr(B::CancelledBy, Expr::value(by.as_uuid()))
        .col_expr(B::CancellationReason, Expr::value(reason.map(|r| r.to_string())))
        .filter(B::Id.eq(id.as_uuid()))
        .filter(B::OrganizationId.eq(org.as_uuid()))
        .filter(B::Status.ne(CANCELLED))
        .exec(conn)
        .await
        .store()?;
    if cancelled.rows_affected == 0 {
        return Ok(false);
    }
    // Seats of a cancelled session no longer block their students' time.
    seats::Entity::update_many()
        .col_expr(seats::Column::Active, Expr::value(false))
        .filter(seats::Column::BookingId.eq(id.as_uuid()))
        .exec(conn)
        .await
        .store()?;
    Ok(true)
}
