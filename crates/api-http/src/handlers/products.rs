//! Products of a course: create and list (`POST/GET /courses/{id}/products`), read and change
//! one (`GET/PATCH /products/{id}`).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::shared::{CourseId, ProductId};
use uuid::Uuid;

use super::cached::cached;
use super::respond::{created, ok};
use crate::dto::paging::ListResponse;
use crate::dto::products::{NewProductRequest, ProductPatchRequest, ProductResponse};
use crate::extract::{Authenticated, JsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Add a product to a course (admins), priced in the organization's currency. A course has at
/// most one active `single_session` product.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The course")),
    request_body = NewProductRequest,
    responses((status = 201, description = "The product", body = ProductResponse)))]
#[post("/{id}/products")]
pub async fn create_product(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    JsonBody(body): JsonBody<NewProductRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let product = state.catalog.create_product(&actor, CourseId::from_uuid(id.into_inner()), &cmd).await.api()?;
    Ok(created(&format!("/api/v1/products/{}", product.id), &ProductResponse::from(&product)))
}

/// A course's products: active first, then by creation (inactive ones included).
#[utoipa::path(tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The course")),
    responses((status = 200, description = "The course's products", body = ListResponse<ProductResponse>)))]
#[get("/{id}/products")]
pub async fn list_products(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    cached(&state, &actor, &req, || async {
        let products = state.catalog.list_products(&actor, CourseId::from_uuid(id.into_inner())).await.api()?;
        Ok(ListResponse::from_items(&products, |p| ProductResponse::from(p)))
    })
    .await
}

/// One product (any member), active or not: where `POST /courses/{id}/products` points.
#[utoipa::path(tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The product")),
    responses((status = 200, description = "The product", body = ProductResponse)))]
#[get("/{id}")]
pub async fn get_product(
    req: HttpRequest,
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    cached(&state, &actor, &req, || async {
        let product = state.catalog.get_product(&actor, ProductId::from_uuid(id.into_inner())).await.api()?;
        Ok(ProductResponse::from(&product))
    })
    .await
}

/// Change a product's name, price or active flag (admins); bundles already bought keep what
/// was paid.
#[utoipa::path(extensions(("x-invalidates" = json!(["catalog", "schedule"]))), tag = "catalog", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The product")),
    request_body = ProductPatchRequest,
    responses((status = 200, description = "The product", body = ProductResponse)))]
#[patch("/{id}")]
pub async fn update_product(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    JsonBody(body): JsonBody<ProductPatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.try_into_domain()?;
    let product = state.catalog.update_product(&actor, ProductId::from_uuid(id.into_inner()), &patch).await.api()?;
    Ok(ok(&ProductResponse::from(&product)))
}
