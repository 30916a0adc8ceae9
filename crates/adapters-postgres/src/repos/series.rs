//! [`SeriesRepository`] over `booking_series` and `booking_series_skips`. The rule is stored as
//! its canonical text and read back through the domain's parser; a skipped occurrence's code as
//! its contract name.

use async_trait::async_trait;
use domain::scheduling::SessionDuration;
use domain::series::{BookingSeries, Recurrence, SeriesRepository, SkippedOccurrence};
use domain::shared::{CourseId, ErrorCode, OrganizationId, SeriesId, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::ts;
use crate::entities::{booking_series as series, booking_series_skips as skips};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &series::Model, skipped: &[skips::Model]) -> Result<BookingSeries, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("booking_series", format!("{}: {e}", m.id));
    let skipped = skipped
        .iter()
        .map(|s| {
            let code = ErrorCode::ALL.iter().find(|c| c.as_str() == s.code).ok_or_else(|| bad(&s.code))?;
            Ok(SkippedOccurrence { starts_at: s.starts_at, code: *code })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(BookingSeries {
        id: SeriesId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        course_id: CourseId::from_uuid(m.course_id),
        student_id: UserId::from_uuid(m.student_id),
        ta_id: UserId::from_uuid(m.ta_id),
        recurrence: Recurrence::parse(&m.recurrence).map_err(|e| bad(&e))?,
        starts_at: m.starts_at,
        duration: SessionDuration::from_minutes(i64::from(m.duration_minutes)).map_err(|e| bad(&e))?,
        skipped,
        created_by: UserId::from_uuid(m.created_by),
        created_at: m.created_at,
    })
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> SeriesRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.series.insert")]
    async fn insert(&self, s: &BookingSeries) -> Result<(), StoreError> {
        let row = series::ActiveModel {
            id: Set(s.id.as_uuid()),
            organization_id: Set(s.organization_id.as_uuid()),
            course_id: Set(s.course_id.as_uuid()),
            student_id: Set(s.student_id.as_uuid()),
            ta_id: Set(s.ta_id.as_uuid()),
            recurrence: Set(s.recurrence.to_rrule()),
            starts_at: Set(ts(s.starts_at)),
            duration_minutes: Set(i32::from(s.duration.minutes())),
            created_by: Set(s.created_by.as_uuid()),
            created_at: Set(ts(s.created_at)),
            ..Default::default()
        };
        series::Entity::insert(row).exec_without_returning(&self.conn).await.store()?;
        if !s.skipped.is_empty() {
            let rows = s.skipped.iter().map(|k| skips::ActiveModel {
                series_id: Set(s.id.as_uuid()),
                organization_id: Set(s.organization_id.as_uuid()),
                starts_at: Set(ts(k.starts_at)),
                code: Set(k.code.as_str().to_owned()),
            });
            skips::Entity::insert_many(rows).exec_without_returning(&self.conn).await.store()?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.series.get")]
    async fn get(&self, org: OrganizationId, id: SeriesId) -> Result<Option<BookingSeries>, StoreError> {
        let Some(row) = series::Entity::find_by_id(id.as_uuid())
            .filter(series::Column::OrganizationId.eq(org.as_uuid()))
            .one(&self.conn)
            .await
            .store()?
        else {
            return Ok(None);
        };
        let skipped = skips::Entity::find()
            .filter(skips::Column::SeriesId.eq(id.as_uuid()))
            .order_by_asc(skips::Column::StartsAt)
            .all(&self.conn)
            .await
            .store()?;
        to_domain(&row, &skipped).map(Some)
    }
}
