//! Persistence port of bundle purchases and their ledger.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{BundleFilter, BundlePurchase, LedgerEntry};
use crate::shared::{BundlePurchaseId, OrganizationId, PageRequest, ProductId, UserId};
use crate::store::StoreError;

/// Stores bundle purchases and their credit ledger.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait BundleRepository: Send + Sync {
    /// Inserts a purchase (its `purchase` ledger entry is appended separately, in the same
    /// transaction).
    ///
    /// # Errors
    /// Only store failures.
    async fn insert(&self, bundle: &BundlePurchase) -> Result<(), StoreError>;

    /// The purchase of the organization with this id.
    ///
    /// # Errors
    /// Only store failures.
    async fn get(
        &self,
        organization: OrganizationId,
        id: BundlePurchaseId,
    ) -> Result<Option<BundlePurchase>, StoreError>;

    /// Several purchases in one read (missing ones are left out), in any order.
    ///
    /// # Errors
    /// Only store failures.
    async fn get_many(
        &self,
        organization: OrganizationId,
        ids: &[BundlePurchaseId],
    ) -> Result<Vec<BundlePurchase>, StoreError>;

    /// Purchases newest first (`created_at` then id, descending), at most
    /// `page.fetch_limit()` strictly after the cursor.
    ///
    /// # Errors
    /// Only store failures.
    async fn list(
        &self,
        organization: OrganizationId,
        filter: &BundleFilter,
        page: &PageRequest,
    ) -> Result<Vec<BundlePurchase>, StoreError>;

    /// The student's active bundle of this product (credit left, `now < validTo`), if any.
    ///
    /// # Errors
    /// Only store failures.
    async fn active_for_product(
        &self,
        organization: OrganizationId,
        student: UserId,
        product: ProductId,
        now: DateTime<Utc>,
    ) -> Result<Option<BundlePurchase>, StoreError>;

    /// Spends one credit if one is left, in one atomic conditional update
    /// (`… SET remaining = remaining - 1 WHERE id = … AND remaining > 0`); returns whether a
    /// credit was spent. Concurrent calls MUST never take the balance below zero.
    ///
    /// # Errors
    /// Only store failures.
    async fn debit(&self, organization: OrganizationId, id: BundlePurchaseId) -> Result<bool, StoreError>;

    /// Gives one credit back if the bundle is not full (`remaining < total`); returns whether
    /// it was given.
    ///
    /// # Errors
    /// Only store failures.
    async fn refund(&self, organization: OrganizationId, id: BundlePurchaseId) -> Result<bool, StoreError>;

    /// Appends a ledger entry (append-only).
    ///
    /// # Errors
    /// Only store failures.
    async fn append_ledger(&self, entry: &LedgerEntry) -> Result<(), StoreError>;

    /// The bundle's ledger, oldest first (`created_at` then id).
    ///
    /// # Errors
    /// Only store failures.
    async fn ledger(
        &self,
        organization: OrganizationId,
        bundle: BundlePurchaseId,
    ) -> Result<Vec<LedgerEntry>, StoreError>;

    /// Every purchase of the student, oldest first (`created_at` then id).
    ///
    /// # Errors
    /// Only store failures.
    async fn of_student(
        &self,
        organization: OrganizationId,
        student: UserId,
    ) -> Result<Vec<BundlePurchase>, StoreError>;

    /// The ledger of every bundle of the student, by bundle then oldest first (`created_at`
    /// then id), in one read.
    ///
    /// # Errors
    /// Only store failures.
    async fn ledger_of_student(
        &self,
        organization: OrganizationId,
        student: UserId,
    ) -> Result<Vec<LedgerEntry>, StoreError>;

    /// Across organizations, up to `limit` bundles with credits left whose `validTo` is at or
    /// before `now`, soonest first, locked until the transaction ends; bundles another
    /// transaction holds are skipped (PostgreSQL `FOR UPDATE SKIP LOCKED`), so that several
    /// workers share the work.
    ///
    /// # Errors
    /// Only store failures.
    async fn lock_expiring(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<BundlePurchase>, StoreError>;

    /// Takes the bundle's `credits` left, in one conditional update (only while exactly that
    /// many are left); returns whether it did.
    ///
    /// # Errors
    /// Only store failures.
    async fn take_remaining(
        &self,
        organization: OrganizationId,
        id: BundlePurchaseId,
        credits: u32,
    ) -> Result<bool, StoreError>;
}
