//! [`BundleRepository`] over `bundle_purchases` and `ledger_entries`. Spending and refunding a
//! credit are single conditional updates, so concurrent bookings can never take a balance
//! below zero or above the total; the database's checks and ledger trigger back them up.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::bundles::{BundleFilter, BundlePurchase, BundleRepository, LedgerEntry, LedgerKind};
use domain::shared::{BundlePurchaseId, Cents, Currency, OrganizationId, PageRequest, ProductId, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{keyset, ts};
use crate::entities::{bundle_purchases as bundles, ledger_entries as ledger};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &bundles::Model) -> Result<BundlePurchase, StoreError> {
    let bad = |what: &str| corrupt("bundle_purchases", format!("{}: {what}", m.id));
    let count = |n: i32| u32::try_from(n).map_err(|_| bad("negative count"));
    Ok(BundlePurchase {
        id: BundlePurchaseId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        student_id: UserId::from_uuid(m.student_id),
        course_id: m.course_id.into(),
        product_id: ProductId::from_uuid(m.product_id),
        total_sessions: count(m.total_sessions)?,
        remaining_sessions: count(m.remaining_sessions)?,
        price_paid: Cents::new(m.price_paid_cents).map_err(|_| bad("price"))?,
        currency: Currency::parse(&m.currency).map_err(|_| bad("currency"))?,
        valid_from: m.valid_from,
        valid_to: m.valid_to,
        created_at: m.created_at,
    })
}

fn to_row(b: &BundlePurchase) -> bundles::ActiveModel {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    bundles::ActiveModel {
        id: Set(b.id.as_uuid()),
        organization_id: Set(b.organization_id.as_uuid()),
        student_id: Set(b.student_id.as_uuid()),
        course_id: Set(b.course_id.as_uuid()),
        product_id: Set(b.product_id.as_uuid()),
        total_sessions: Set(count(b.total_sessions)),
        remaining_sessions: Set(count(b.remaining_sessions)),
        price_paid_cents: Set(b.price_paid.get()),
        currency: Set(b.currency.to_string()),
        valid_from: Set(ts(b.valid_from)),
        valid_to: Set(ts(b.valid_to)),
        created_at: Set(ts(b.created_at)),
        ..Default::default()
    }
}

fn ledger_to_domain(m: &ledger::Model) -> Result<LedgerEntry, StoreError> {
    Ok(LedgerEntry {
        id: m.id.into(),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        bundle_purchase_id: BundlePurchaseId::from_uuid(m.bundle_purchase_id),
        kind: LedgerKind::parse(&m.kind).ok_or_else(|| corrupt("ledger_entries", &m.kind))?,
        delta: m.delta,
        booking_id: m.booking_id.map(Into::into),
        settlement_round: m
            .settlement_round
            .map(u32::try_from)
            .transpose()
            .map_err(|e| corrupt("ledger_entries", e))?,
        created_at: m.created_at,
    })
}

impl<C: ConnectionTrait> Repos<C> {
    /// Moves one credit by `delta` when the guard holds; whether a row changed.
    #[tracing::instrument(skip_all, name = "db.bundles.move_credit")]
    async fn move_credit(&self, org: OrganizationId, id: BundlePurchaseId, delta: i32) -> Result<bool, StoreError> {
        let remaining = Expr::col(bundles::Column::RemainingSessions);
        let guard = if delta < 0 {
            remaining.clone().gt(0)
        } else {
            remaining.clone().lt(Expr::col(bundles::Column::TotalSessions))
        };
        let done = bundles::Entity::update_many()
            .col_expr(bundles::Column::RemainingSessions, remaining.add(delta))
            .filter(bundles::Column::Id.eq(id.as_uuid()))
            .filter(bundles::Column::OrganizationId.eq(org.as_uuid()))
            .filter(guard)
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> BundleRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.bundles.insert")]
    async fn insert(&self, bundle: &BundlePurchase) -> Result<(), StoreError> {
        bundles::Entity::insert(to_row(bundle)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.bundles.get")]
    async fn get(&self, org: OrganizationId, id: BundlePurchaseId) -> Result<Option<BundlePurchase>, StoreError> {
        let row = bundles::Entity::find_by_id(id.as_uuid())
            .filter(bundles::Column::OrganizationId.eq(org.as_uuid()))
            .one(&self.conn)
            .await
            .store()?;
        row.map(|m| to_domain(&m)).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.get_many")]
    async fn get_many(&self, org: OrganizationId, ids: &[BundlePurchaseId]) -> Result<Vec<BundlePurchase>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        bundles::Entity::find()
            .filter(bundles::Column::OrganizationId.eq(org.as_uuid()))
            .filter(bundles::Column::Id.is_in(ids.iter().map(|i| i.as_uuid())))
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(|m| to_domain(&m))
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.list")]
    async fn list(
        &self,
        org: OrganizationId,
        filter: &BundleFilter,
        page: &PageRequest,
    ) -> Result<Vec<BundlePurchase>, StoreError> {
        let mut query = bundles::Entity::find().filter(bundles::Column::OrganizationId.eq(org.as_uuid()));
        if let Some(student) = filter.student_id {
            query = query.filter(bundles::Column::StudentId.eq(student.as_uuid()));
        }
        keyset::newest_first(query, bundles::Column::CreatedAt, bundles::Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(|m| to_domain(&m))
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.active_for_product")]
    async fn active_for_product(
        &self,
        org: OrganizationId,
        student: UserId,
        product: ProductId,
        now: DateTime<Utc>,
    ) -> Result<Option<BundlePurchase>, StoreError> {
        let row = bundles::Entity::find()
            .filter(bundles::Column::OrganizationId.eq(org.as_uuid()))
            .filter(bundles::Column::StudentId.eq(student.as_uuid()))
            .filter(bundles::Column::ProductId.eq(product.as_uuid()))
            .filter(bundles::Column::RemainingSessions.gt(0))
            .filter(bundles::Column::ValidTo.gt(ts(now)))
            .order_by_desc(bundles::Column::CreatedAt)
            .one(&self.conn)
            .await
            .store()?;
        row.map(|m| to_domain(&m)).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.debit")]
    async fn debit(&self, org: OrganizationId, id: BundlePurchaseId) -> Result<bool, StoreError> {
        self.move_credit(org, id, -1).await
    }

    #[tracing::instrument(skip_all, name = "db.bundles.refund")]
    async fn refund(&self, org: OrganizationId, id: BundlePurchaseId) -> Result<bool, StoreError> {
        self.move_credit(org, id, 1).await
    }

    #[tracing::instrument(skip_all, name = "db.bundles.append_ledger")]
    async fn append_ledger(&self, entry: &LedgerEntry) -> Result<(), StoreError> {
        let row = ledger::ActiveModel {
            id: Set(entry.id.as_uuid()),
            organization_id: Set(entry.organization_id.as_uuid()),
            bundle_purchase_id: Set(entry.bundle_purchase_id.as_uuid()),
            kind: Set(entry.kind.as_str().to_owned()),
            delta: Set(entry.delta),
            booking_id: Set(entry.booking_id.map(|b| b.as_uuid())),
            created_at: Set(ts(entry.created_at)),
            settlement_round: Set(entry.settlement_round.map(|r| i32::try_from(r).unwrap_or(i32::MAX))),
        };
        ledger::Entity::insert(row).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.bundles.ledger")]
    async fn ledger(&self, org: OrganizationId, bundle: BundlePurchaseId) -> Result<Vec<LedgerEntry>, StoreError> {
        ledger::Entity::find()
            .filter(ledger::Column::OrganizationId.eq(org.as_uuid()))
            .filter(ledger::Column::BundlePurchaseId.eq(bundle.as_uuid()))
            .order_by_asc(ledger::Column::CreatedAt)
            .order_by_asc(ledger::Column::Id)
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(|m| ledger_to_domain(&m))
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.of_student")]
    async fn of_student(&self, org: OrganizationId, student: UserId) -> Result<Vec<BundlePurchase>, StoreError> {
        bundles::Entity::find()
            .filter(bundles::Column::OrganizationId.eq(org.as_uuid()))
            .filter(bundles::Column::StudentId.eq(student.as_uuid()))
            .order_by_asc(bundles::Column::CreatedAt)
            .order_by_asc(bundles::Column::Id)
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.ledger_of_student")]
    async fn ledger_of_student(&self, org: OrganizationId, student: UserId) -> Result<Vec<LedgerEntry>, StoreError> {
        let of_student = Query::select()
            .column(bundles::Column::Id)
            .from(bundles::Entity)
            .and_where(Expr::col(bundles::Column::StudentId).eq(student.as_uuid()))
            .and_where(Expr::col(bundles::Column::OrganizationId).eq(org.as_uuid()))
            .to_owned();
        ledger::Entity::find()
            .filter(ledger::Column::BundlePurchaseId.in_subquery(of_student))
            .order_by_asc(ledger::Column::BundlePurchaseId)
            .order_by_asc(ledger::Column::CreatedAt)
            .order_by_asc(ledger::Column::Id)
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(|m| ledger_to_domain(&m))
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.lock_expiring")]
    async fn lock_expiring(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<BundlePurchase>, StoreError> {
        bundles::Entity::find()
            .filter(bundles::Column::RemainingSessions.gt(0))
            .filter(bundles::Column::ValidTo.lte(ts(now)))
            .order_by_asc(bundles::Column::ValidTo)
            .order_by_asc(bundles::Column::Id)
            .limit(u64::from(limit))
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.bundles.take_remaining")]
    async fn take_remaining(
        &self,
        org: OrganizationId,
        id: BundlePurchaseId,
        credits: u32,
    ) -> Result<bool, StoreError> {
        let credits = i32::try_from(credits).map_err(|e| StoreError::Unexpected(e.into()))?;
        let done = bundles::Entity::update_many()
            .col_expr(bundles::Column::RemainingSessions, Expr::value(0))
            .filter(bundles::Column::Id.eq(id.as_uuid()))
            .filter(bundles::Column::OrganizationId.eq(org.as_uuid()))
            .filter(bundles::Column::RemainingSessions.eq(credits))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(done.rows_affected == 1)
    }
}
