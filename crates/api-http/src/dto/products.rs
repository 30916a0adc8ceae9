//! Bodies of the product endpoints (`/courses/{id}/products`, `/products/{id}`).

use chrono::{DateTime, Utc};
use domain::catalog::{NewProduct, Product, ProductKind, ProductName, ProductPatch};
use domain::shared::{Cents, ValidationErrors, Validator};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
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
///
/// Its schema (written out in its `PartialSchema` impl) is one of two shapes, by `kind`:
/// a `bundle` needs `sessionCount` and `validityDays`, a `single_session` takes neither.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewProductRequest {
    /// `single_session` or `bundle`.
    #[garde(length(max = 32))]
    pub kind: String,
    /// 1..=120 characters.
    #[garde(length(max = 512))]
    pub name: String,
    /// The price in cents (0 or more).
    #[garde(skip)]
    #[serde(deserialize_with = "super::scalars::integer")]
    pub price_cents: i64,
    /// Sessions in a bundle (1..=100); required for a bundle, refused for `single_session`.
    #[garde(skip)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub session_count: Option<i64>,
    /// Days a bundle stays valid (1..=730); required for a bundle, refused for `single_session`.
    #[garde(skip)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub validity_days: Option<i64>,
}

impl utoipa::PartialSchema for NewProductRequest {
    fn schema() -> RefOr<Schema> {
        let name = || {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"))
                .max_length(Some(120))
                .description(Some("1..=120 characters."))
        };
        let price = || {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0))
                .maximum(Some(Cents::MAX))
                .description(Some("The price in cents."))
        };
        let shape = |kind: &str, description: &str| {
            ObjectBuilder::new()
                .description(Some(description))
                .property("kind", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([kind])))
                .required("kind")
                .property("name", name())
                .required("name")
                .property("priceCents", price())
                .required("priceCents")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        let count = |min: i64, max: i64, description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(min))
                .maximum(Some(max))
                .description(Some(description))
        };
        let none = || ObjectBuilder::new().schema_type(Type::Null);
        let single = shape("single_session", "A product paid per session.")
            .property("sessionCount", none())
            .property("validityDays", none());
        let bundle = shape("bundle", "A bundle of sessions, valid for some days after purchase.")
            .property("sessionCount", count(1, 100, "Sessions in the bundle."))
            .required("sessionCount")
            .property("validityDays", count(1, 730, "Days the bundle stays valid."))
            .required("validityDays");
        OneOfBuilder::new()
            .item(single)
            .item(bundle)
            .description(Some("`POST /courses/{id}/products`: a new product, priced in the organization's currency."))
            .into()
    }
}

impl utoipa::ToSchema for NewProductRequest {}

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
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 120)]
    pub name: Option<String>,
    /// A new price in cents (bundles already bought keep what was paid).
    #[garde(skip)]
    #[schema(minimum = 0, maximum = 100_000_000)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
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
