//! Bundles: buying one (`POST /bundle-purchases`), listing them, reading one and its ledger.

use actix_web::{HttpResponse, get, post, web};
use domain::shared::BundlePurchaseId;
use uuid::Uuid;

use super::respond::{created, ok};
use crate::dto::bundles::{BundleListQuery, BundlePurchaseResponse, LedgerEntryResponse, PurchaseBundleRequest};
use crate::dto::cursor::PagedList;
use crate::dto::paging::{ListResponse, PageResponse, page_request};
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Buy a bundle product (students): its sessions are credited to a new bundle, valid for the
/// product's validity days; a receipt is emailed. One active bundle per product at a time.
#[utoipa::path(extensions(("x-invalidates" = json!([]))), tag = "bundles", security(("bearer" = [])), request_body = PurchaseBundleRequest,
    responses((status = 201, description = "The bundle", body = BundlePurchaseResponse)))]
#[post("")]
pub async fn purchase_bundle(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<PurchaseBundleRequest>,
) -> Result<HttpResponse, ApiError> {
    let product = body.try_into_domain()?;
    let bundle = state.bundles.purchase(&actor, product).await.api()?;
    Ok(created(&format!("/api/v1/bundle-purchases/{}", bundle.id), &BundlePurchaseResponse::from(&bundle)))
}

/// Bundles, newest first: a student's own; an admin's view of all (optionally one student's).
#[utoipa::path(tag = "bundles", security(("bearer" = [])), params(BundleListQuery),
    responses((status = 200, description = "A page of bundles", body = PageResponse<BundlePurchaseResponse>)))]
#[get("")]
pub async fn list_bundle_purchases(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<BundleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(PagedList::BundlePurchases, query.limit, query.cursor.as_deref())?;
    let filter = query.filter()?;
    let bundles = state.bundles.list(&actor, filter, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::BundlePurchases, &bundles, |b| BundlePurchaseResponse::from(b))))
}

/// One bundle (its owner or an admin).
#[utoipa::path(tag = "bundles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The bundle")),
    responses((status = 200, description = "The bundle", body = BundlePurchaseResponse)))]
#[get("/{id}")]
pub async fn get_bundle_purchase(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let bundle = state.bundles.get(&actor, BundlePurchaseId::from_uuid(id.into_inner())).await.api()?;
    Ok(ok(&BundlePurchaseResponse::from(&bundle)))
}

/// A bundle's credit changes, oldest first (its owner or an admin): the purchase, then each
/// debit, refund and forfeit; the deltas add up to `remainingSessions`.
#[utoipa::path(tag = "bundles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The bundle")),
    responses((status = 200, description = "The ledger", body = ListResponse<LedgerEntryResponse>)))]
#[get("/{id}/ledger")]
pub async fn get_bundle_ledger(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let entries = state.bundles.ledger(&actor, BundlePurchaseId::from_uuid(id.into_inner())).await.api()?;
    Ok(ok(&ListResponse::from_items(&entries, |e| LedgerEntryResponse::from(e))))
}
