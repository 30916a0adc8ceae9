//! [`AttendanceRepository`] over `booking_seats`, `bookings` and `attendance_digests`. A seat's
//! mark is one conditional update on its settlement round, so that two writers deciding on the
//! same round cannot both settle it; the ledger's unique index on (booking, bundle, round)
//! backs this up.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::{AttendanceRepository, SeatMark, UnmarkedTa};
use domain::booking::Booking;
use domain::shared::{BookingId, OrganizationId, PageRequest, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TryInsertResult};

use super::booking_rows::with_seats;
use super::{keyset, ts};
use crate::entities::{attendance_digests as digests, booking_seats as seats, bookings};
use crate::errors::DbResultExt;
use crate::store::Repos;

fn round(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Active sessions not completed that ended by `ended_by` and have a seat to mark.
fn unmarked_by(ended_by: DateTime<Utc>) -> sea_orm::Select<bookings::Entity> {
    use bookings::Column as B;
    bookings::Entity::find()
        .filter(B::Status.ne("cancelled"))
        .filter(B::CompletedAt.is_null())
        .filter(B::EndsAt.lte(ts(ended_by)))
        .filter(B::SeatsTaken.gt(0))
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> AttendanceRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.attendance.mark_seat")]
    async fn mark_seat(&self, org: OrganizationId, booking: BookingId, mark: &SeatMark) -> Result<bool, StoreError> {
        use seats::Column as S;
        let done = seats::Entity::update_many()
            .col_expr(S::Attendance, Expr::value(mark.attendance.map(|a| a.as_str().to_owned())))
            .col_expr(S::SettlementRound, Expr::value(round(mark.to_round)))
            .col_expr(S::Refunded, Expr::value(mark.refunded))
            .filter(S::BookingId.eq(booking.as_uuid()))
            .filter(S::OrganizationId.eq(org.as_uuid()))
            .filter(S::StudentId.eq(mark.student_id.as_uuid()))
            .filter(S::SettlementRound.eq(round(mark.from_round)))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(skip_all, name = "db.attendance.set_outcome")]
    async fn set_outcome(
        &self,
        org: OrganizationId,
        booking: BookingId,
        ta_no_show: bool,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        use bookings::Column as B;
        bookings::Entity::update_many()
            .col_expr(B::TaNoShow, Expr::value(ta_no_show))
            .col_expr(B::CompletedAt, Expr::value(completed_at.map(ts)))
            .filter(B::Id.eq(booking.as_uuid()))
            .filter(B::OrganizationId.eq(org.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.attendance.unmarked")]
    async fn unmarked(
        &self,
        org: OrganizationId,
        ta: UserId,
        ended_by: DateTime<Utc>,
        page: &PageRequest,
    ) -> Result<Vec<Booking>, StoreError> {
        use bookings::Column as B;
        let query = unmarked_by(ended_by).filter(B::OrganizationId.eq(org.as_uuid())).filter(B::TaId.eq(ta.as_uuid()));
        let rows = keyset::earliest_first(query, B::StartsAt, B::Id, page)?.all(&self.conn).await.store()?;
        with_seats(&self.conn, rows).await
    }

    #[tracing::instrument(skip_all, name = "db.attendance.tas_with_unmarked")]
    async fn tas_with_unmarked(&self, ended_by: DateTime<Utc>) -> Result<Vec<UnmarkedTa>, StoreError> {
        use bookings::Column as B;
        let rows: Vec<(uuid::Uuid, uuid::Uuid, i64)> = unmarked_by(ended_by)
            .select_only()
            .column(B::OrganizationId)
            .column(B::TaId)
            .column_as(B::Id.count(), "sessions")
            .group_by(B::OrganizationId)
            .group_by(B::TaId)
            .into_tuple()
            .all(&self.conn)
            .await
            .store()?;
        Ok(rows
            .into_iter()
            .map(|(org, ta, sessions)| UnmarkedTa {
                organization_id: OrganizationId::from_uuid(org),
                ta_id: UserId::from_uuid(ta),
                sessions: u32::try_from(sessions).unwrap_or(u32::MAX),
            })
            .collect())
    }

    #[tracing::instrument(skip_all, name = "db.attendance.record_digest")]
    async fn record_digest(
        &self,
        ta: &UnmarkedTa,
        local_date: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let row = digests::ActiveModel {
            organization_id: Set(ta.organization_id.as_uuid()),
            ta_id: Set(ta.ta_id.as_uuid()),
            local_date: Set(local_date),
            sessions: Set(i32::try_from(ta.sessions).unwrap_or(i32::MAX)),
            created_at: Set(ts(at)),
        };
        let outcome =
            digests::Entity::insert(row).on_conflict_do_nothing().exec_without_returning(&self.conn).await.store()?;
        Ok(matches!(outcome, TryInsertResult::Inserted(1)))
    }
}
