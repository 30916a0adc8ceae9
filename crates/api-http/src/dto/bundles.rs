//! Bodies of the bundle endpoints: buying one, listing them, a bundle and its ledger.

use chrono::{DateTime, Utc};
use domain::bundles::{BundleFilter, BundlePurchase, LedgerEntry};
use domain::shared::{ProductId, ValidationErrors, Validator};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::scalars;

/// `POST /bundle-purchases`: the bundle product to buy.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PurchaseBundleRequest {
    /// A bundle product of the caller's organization.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub product_id: String,
}

impl PurchaseBundleRequest {
    /// The product, or the refused field.
    ///
    /// # Errors
    /// `productId` when it is not a UUID.
    pub fn try_into_domain(&self) -> Result<ProductId, ValidationErrors> {
        let mut v = Validator::default();
        v.field("productId", scalars::id(&self.product_id)).ok_or_else(|| v.into_errors())
    }
}

/// `GET /bundle-purchases`: a page, optionally one student's (admins).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BundleListQuery {
    /// Page size, 1..=100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this student's bundles (admins; a student always sees only their own).
    #[param(value_type = Option<Uuid>)]
    pub student_id: Option<String>,
}

impl BundleListQuery {
    /// The filter, or the refused parameter.
    ///
    /// # Errors
    /// `studentId` when it is not a UUID.
    pub fn filter(&self) -> Result<BundleFilter, ValidationErrors> {
        let mut v = Validator::default();
        let student_id = v.optional("studentId", self.student_id.as_deref().map(scalars::id));
        match student_id {
            Some(student_id) => Ok(BundleFilter { student_id }),
            None => Err(v.into_errors()),
        }
    }
}

/// A bundle a student bought.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundlePurchaseResponse {
    /// Its id.
    pub id: Uuid,
    /// Who bought it.
    pub student_id: Uuid,
    /// The course its sessions are for.
    pub course_id: Uuid,
    /// The product bought.
    pub product_id: Uuid,
    /// Sessions bought.
    pub total_sessions: u32,
    /// Sessions left.
    pub remaining_sessions: u32,
    /// What was paid, in cents.
    pub price_paid_cents: i64,
    /// The ISO 4217 currency of the price.
    pub currency: String,
    /// When it became valid.
    pub valid_from: DateTime<Utc>,
    /// When it stops being valid (sessions must start before).
    pub valid_to: DateTime<Utc>,
    /// When it was bought.
    pub created_at: DateTime<Utc>,
}

impl From<&BundlePurchase> for BundlePurchaseResponse {
    fn from(b: &BundlePurchase) -> Self {
        Self {
            id: b.id.as_uuid(),
            student_id: b.student_id.as_uuid(),
            course_id: b.course_id.as_uuid(),
            product_id: b.product_id.as_uuid(),
            total_sessions: b.total_sessions,
            remaining_sessions: b.remaining_sessions,
            price_paid_cents: b.price_paid.get(),
            currency: b.currency.to_string(),
            valid_from: b.valid_from,
            valid_to: b.valid_to,
            created_at: b.created_at,
        }
    }
}

/// One change of a bundle's credit.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntryResponse {
    /// Its id.
    pub id: Uuid,
    /// `purchase`, `debit`, `refund`, `forfeit`, `attended`, `reversal` or `expire`.
    #[schema(example = "debit")]
    pub kind: &'static str,
    /// The change of `remainingSessions`: +total (purchase), -1 (debit), +1 (refund), 0
    /// (forfeit, attended), -1 or 0 (reversal of a refund or of another settlement), minus the
    /// credits left (expire).
    pub delta: i32,
    /// The booking that caused it (null for the purchase and an expiry).
    pub booking_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<&LedgerEntry> for LedgerEntryResponse {
    fn from(e: &LedgerEntry) -> Self {
        Self {
            id: e.id.as_uuid(),
            kind: e.kind.as_str(),
            delta: e.delta,
            booking_id: e.booking_id.map(|b| b.as_uuid()),
            created_at: e.created_at,
        }
    }
}
