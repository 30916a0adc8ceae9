//! Bodies of the product endpoints (`/courses/{id}/products`, `/products/{id}`).

use chrono::{DateTime, Utc};
use domain::catalog::{NewProduct, Product, ProductKind, ProductName, ProductPatch};
use domain::shared::{Cents, ValidationErrors, Validator};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Something a course sells.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductResponse {
    /// Its id.
    pub id: Uuid,
    /// The course it belongs to.
    pub course_id: Uuid,
    /// `single_session` (the pay-per-session price) or `bundle`.
    #[schema(example = "bundle")]
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Its price in cents.
    pub price_cents: i64,
    /// The ISO 4217 currency of the price.
    pub currency: String,
    /// Sessions in a bundle; null for `single_session`.
    pub session_count: Option<u32>,
    /// Days a bundle stays valid after purchase; null for `single_session`.
    pub validity_days: Option<u32>,
    /// Whether it can be bought.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<&Product> for ProductResponse {
    fn from(p: &Product) -> Self {
        let (session_count, validity_days) = match p.kind {
            ProductKind::SingleSession => (None, None),
            ProductKind::Bundle { session_count, validity_days } => (Some(session_count), Some(validity_days)),
        };
        Self {
            id: p.id.as_uuid(),
            course_id: p.course_id.as_uuid(),
            kind: p.kind.as_str(),
            name: p.name.as_str().to_owned(),
            price_cents: p.price.get(),
            currency: p.currency.to_string(),
            session_count,
            validity_days,
            active: p.active,
            created_at: p.created_at,
        }
    }
}

/// `POST /courses/{id}/products`: a new product, priced in the organization's currency.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewProductRequest {
    /// `single_session` or `bundle`.
    #[garde(length(max = 32))]
    #[schema(example = "bundle")]
    pub kind: String,
    /// 1..=120 characters.
    #[garde(length(max = 512))]
    pub name: String,
    /// The price in cents (0 or more).
    #[garde(skip)]
    pub price_cents: i64,
    /// Sessions in a bundle (1..=100); required for a bundle, refused for `single_session`.
    #[garde(skip)]
    pub session_count: Option<i64>,
    /// Days a bundle stays valid (1..=730); required for a bundle, refused for `single_session`.
    #[garde(skip)]
    pub validity_days: Option<i64>,
}

impl NewProductRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<NewProduct, ValidationErrors> {
        NewProduct::parse(&self.kind, &self.name, self.price_cents, self.session_count, self.validity_days)
    }
}

/// `PATCH /products/{id}`: any of the fields.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProductPatchRequest {
    /// A new name (1..=120 characters).
    #[garde(length(max = 512))]
    pub name: Option<String>,
    /// A new price in cents (bundles already bought keep what was paid).
    #[garde(skip)]
    pub price_cents: Option<i64>,
    /// Offer (true) or withdraw (false) the product.
    #[garde(skip)]
    pub active: Option<bool>,
}

impl ProductPatchRequest {
    /// The patch, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<ProductPatch, ValidationErrors> {
        let mut v = Validator::default();
        let name = v.optional("name", self.name.as_deref().map(ProductName::parse));
        let price = v.optional("priceCents", self.price_cents.map(Cents::new));
        match (name, price) {
            (Some(name), Some(price)) => Ok(ProductPatch { name, price, active: self.active }),
            _ => Err(v.into_errors()),
        }
    }
}
