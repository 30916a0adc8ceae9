//! Product use cases: what a course sells, with at most one active pay-per-session price.

use super::CatalogService;
use crate::catalog::model::{NewProduct, Product, ProductKind, ProductPatch, sort_products};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, CourseId, Operation, ProductId};
use crate::store::{Conflict, ConflictExt};

use_case_error! {
    /// Errors of [`CatalogService::create_product`].
    pub enum CreateProductError { Forbidden, NotFound, SessionPriceExists }
}

use_case_error! {
    /// Errors of [`CatalogService::list_products`].
    pub enum ListProductsError { NotFound }
}

use_case_error! {
    /// Errors of [`CatalogService::get_product`].
    pub enum GetProductError { NotFound }
}

use_case_error! {
    /// Errors of [`CatalogService::update_product`].
    pub enum UpdateProductError { Forbidden, NotFound, SessionPriceExists }
}

impl CatalogService {
    /// Adds an active product to a course (`POST /courses/{id}/products`, admin only), priced
    /// in the organization's currency. Inactive courses may get products too, so that an admin
    /// can prepare a course before opening it.
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `NotFound` for an unknown course or another organization's;
    /// `SessionPriceExists` for a single-session product when the course already has an active
    /// one.
    #[tracing::instrument(skip_all, name = "catalog.create_product")]
    pub async fn create_product(
        &self,
        actor: &Actor,
        course: CourseId,
        new: &NewProduct,
    ) -> Result<Product, CreateProductError> {
        if !actor.may(Operation::CreateProduct) {
            return Err(CreateProductError::Forbidden);
        }
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let course = repos.courses().get(org_id, course).await?.ok_or(CreateProductError::NotFound)?;
        let org = repos.organizations().get(org_id).await?.ok_or(CreateProductError::NotFound)?;
        if new.kind == ProductKind::SingleSession
            && repos.products().active_session_price(org_id, course.id).await?.is_some()
        {
            return Err(CreateProductError::SessionPriceExists);
        }
        let product = Product {
            id: self.core.new_id(),
            organization_id: org_id,
            course_id: course.id,
            kind: new.kind,
            name: new.name.clone(),
            price: new.price,
            currency: org.currency,
            active: true,
            created_at: self.core.now(),
        };
        // The read above gives the common case a clear answer; the store's own uniqueness
        // decides between two concurrent creations.
        repos
            .products()
            .insert(&product)
            .await
            .on_conflict(Conflict::SessionPriceExists, CreateProductError::SessionPriceExists)?;
        Ok(product)
    }

    /// A course's products, active first, then by creation (`GET /courses/{id}/products`, any
    /// member; inactive products are listed too, flagged by `active`).
    ///
    /// # Errors
    /// `NotFound` for an unknown course or another organization's.
    #[tracing::instrument(skip_all, name = "catalog.list_products")]
    pub async fn list_products(&self, actor: &Actor, course: CourseId) -> Result<Vec<Product>, ListProductsError> {
        let org_id = actor.organization_id;
        let course = self.core.store.courses().get(org_id, course).await?.ok_or(ListProductsError::NotFound)?;
        let mut products = self.core.store.products().list_for_course(org_id, course.id).await?;
        // The contract's order must hold whatever an adapter returns.
        sort_products(&mut products);
        Ok(products)
    }

    /// One product of the caller's organization (any member), active or not.
    ///
    /// # Errors
    /// `NotFound` for an unknown product or another organization's.
    #[tracing::instrument(skip_all, name = "catalog.get_product")]
    pub async fn get_product(&self, actor: &Actor, id: ProductId) -> Result<Product, GetProductError> {
        self.core.store.products().get(actor.organization_id, id).await?.ok_or(GetProductError::NotFound)
    }

    /// Changes a product's name, price or active flag (`PATCH /products/{id}`, admin only).
    /// Bundles already bought keep what was paid.
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `NotFound` for an unknown product or another
    /// organization's; `SessionPriceExists` when activating a single-session product while the
    /// course has another active one.
    #[tracing::instrument(skip_all, name = "catalog.update_product")]
    pub async fn update_product(
        &self,
        actor: &Actor,
        id: ProductId,
        patch: &ProductPatch,
    ) -> Result<Product, UpdateProductError> {
        if !actor.may(Operation::UpdateProduct) {
            return Err(UpdateProductError::Forbidden);
        }
        let org_id = actor.organization_id;
        let repos = &*self.core.store;
        let current = repos.products().get(org_id, id).await?.ok_or(UpdateProductError::NotFound)?;
        let was_session_price = current.is_active_session_price();
        let updated = current.patched(patch);
        if updated.is_active_session_price() && !was_session_price {
            let existing = repos.products().active_session_price(org_id, updated.course_id).await?;
            if existing.is_some_and(|p| p.id != updated.id) {
                return Err(UpdateProductError::SessionPriceExists);
            }
        }
        repos
            .products()
            .update(&updated)
            .await
            .on_conflict(Conflict::SessionPriceExists, UpdateProductError::SessionPriceExists)?;
        Ok(updated)
    }
}
