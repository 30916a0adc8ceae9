//! Use cases of the bundles context: buying a bundle, and reading bundles and their ledger.

use super::model::{BundleFilter, BundlePurchase, LedgerEntry};
use crate::audit::{AuditAction, TargetType};
use crate::catalog::ProductKind;
use crate::core::Core;
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, BundlePurchaseId, Cursor, Operation, Page, PageRequest, ProductId, Role};
use crate::store::Repositories;

use_case_error! {
    /// Errors of [`BundleService::purchase`].
    pub enum PurchaseBundleError { Forbidden, NotFound, BundleAlreadyActive }
}

use_case_error! {
    /// Errors of [`BundleService::list`].
    pub enum ListBundlesError { Forbidden }
}

use_case_error! {
    /// Errors of [`BundleService::get`] and [`BundleService::ledger`].
    pub enum GetBundleError { Forbidden, NotFound }
}

/// Buying bundles and reading them.
#[derive(Clone)]
pub struct BundleService {
    pub(super) core: Core,
}

impl BundleService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }

    /// A student buys a bundle product (`POST /bundle-purchases`): the purchase, its `purchase`
    /// ledger entry, the receipt email and the audit event commit together.
    ///
    /// # Errors
    /// `Forbidden` unless a student; `NotFound` for a product that is unknown, of another
    /// organization, inactive, or not a bundle; `BundleAlreadyActive` while the student holds an
    /// active bundle of the same product.
    #[tracing::instrument(skip_all, name = "bundles.purchase")]
    pub async fn purchase(&self, actor: &Actor, product: ProductId) -> Result<BundlePurchase, PurchaseBundleError> {
        if !actor.may(Operation::PurchaseBundle) {
            return Err(PurchaseBundleError::Forbidden);
        }
        retry_transient(|| self.try_purchase(actor, product)).await
    }

    async fn try_purchase(&self, actor: &Actor, product_id: ProductId) -> Result<BundlePurchase, PurchaseBundleError> {
        let org_id = actor.organization_id;
        let now = self.core.now();
        let tx = self.core.store.begin().await?;
        let product = tx
            .products()
            .get(org_id, product_id)
            .await?
            .filter(|p| p.active && matches!(p.kind, ProductKind::Bundle { .. }))
            .ok_or(PurchaseBundleError::NotFound)?;
        // Locking the student serializes their purchases: two concurrent buys cannot both see
        // "no active bundle of this product".
        let student = tx.users().lock(org_id, actor.user_id).await?.ok_or(PurchaseBundleError::NotFound)?;
        if tx.bundles().active_for_product(org_id, student.id, product.id, now).await?.is_some() {
            return Err(PurchaseBundleError::BundleAlreadyActive);
        }
        let bundle = BundlePurchase::buy(self.core.new_id(), student.id, &product, now)
            .map_err(|_| PurchaseBundleError::NotFound)?;
        tx.bundles().insert(&bundle).await?;
        tx.bundles().append_ledger(&LedgerEntry::purchase(self.core.new_id(), &bundle)).await?;

        let org = tx.organizations().get(org_id).await?.ok_or(PurchaseBundleError::NotFound)?;
        let course = tx.courses().get(org_id, product.course_id).await?.ok_or(PurchaseBundleError::NotFound)?;
        let receipt = EmailPayload::BundleReceipt {
            organization_name: org.name.to_string(),
            course_title: course.title.to_string(),
            product_name: product.name.to_string(),
            sessions: bundle.total_sessions,
            price: bundle.price_paid,
            currency: bundle.currency,
            valid_to: bundle.valid_to,
            timezone: org.timezone,
        };
        self.core.outbox().queue(&*tx, org_id, &student.email, student.name.as_str(), receipt).await?;
        let detail = format!("product={}", product.id);
        self.core
            .audit()
            .record(
                &*tx,
                actor,
                AuditAction::BundlePurchased,
                (TargetType::BundlePurchase, bundle.id.into()),
                Some(detail),
            )
            .await?;
        tx.commit().await?;
        Ok(bundle)
    }

    /// Bundles newest first (`GET /bundle-purchases`): a student always sees only their own
    /// (a `studentId` filter is replaced by theirs); an admin sees all, optionally one student's.
    ///
    /// # Errors
    /// `Forbidden` for TAs.
    #[tracing::instrument(skip_all, name = "bundles.list")]
    pub async fn list(
        &self,
        actor: &Actor,
        filter: BundleFilter,
        page: &PageRequest,
    ) -> Result<Page<BundlePurchase>, ListBundlesError> {
        if !actor.may(Operation::ListBundles) {
            return Err(ListBundlesError::Forbidden);
        }
        let filter =
            if actor.role == Role::Student { BundleFilter { student_id: Some(actor.user_id) } } else { filter };
        let rows = self.core.store.bundles().list(actor.organization_id, &filter, page).await?;
        Ok(Page::from_overfetch(rows, page, |b| Cursor::instant(b.created_at, b.id)))
    }

    /// One bundle (`GET /bundle-purchases/{id}`): its owner or an admin.
    ///
    /// # Errors
    /// `Forbidden` for TAs; `NotFound` for another student's or another organization's bundle.
    #[tracing::instrument(skip_all, name = "bundles.get")]
    pub async fn get(&self, actor: &Actor, id: BundlePurchaseId) -> Result<BundlePurchase, GetBundleError> {
        if !actor.may(Operation::GetBundle) {
            return Err(GetBundleError::Forbidden);
        }
        self.visible_bundle(&*self.core.store, actor, id).await
    }

    /// A bundle's ledger, oldest first (`GET /bundle-purchases/{id}/ledger`).
    ///
    /// # Errors
    /// As [`BundleService::get`].
    #[tracing::instrument(skip_all, name = "bundles.ledger")]
    pub async fn ledger(&self, actor: &Actor, id: BundlePurchaseId) -> Result<Vec<LedgerEntry>, GetBundleError> {
        if !actor.may(Operation::GetBundleLedger) {
            return Err(GetBundleError::Forbidden);
        }
        let bundle = self.visible_bundle(&*self.core.store, actor, id).await?;
        Ok(self.core.store.bundles().ledger(actor.organization_id, bundle.id).await?)
    }

    async fn visible_bundle(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        id: BundlePurchaseId,
    ) -> Result<BundlePurchase, GetBundleError> {
        repos
            .bundles()
            .get(actor.organization_id, id)
            .await?
            .filter(|b| actor.role == Role::Admin || b.student_id == actor.user_id)
            .ok_or(GetBundleError::NotFound)
    }
}
