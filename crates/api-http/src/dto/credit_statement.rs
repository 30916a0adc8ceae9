//! A student's credit statement (`GET /students/{id}/credit-statement`): every bundle with its
//! ledger and the balance after each entry.

use chrono::{DateTime, Utc};
use domain::bundles::{StatementBundle, StatementLine};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::bundles::BundlePurchaseResponse;

/// One ledger entry with the bundle's balance after it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatementEntryResponse {
    /// `purchase`, `debit`, `refund`, `forfeit`, `attended`, `reversal` or `expire`.
    #[schema(example = "debit")]
    pub kind: &'static str,
    /// The change of the bundle's credits.
    pub delta: i32,
    /// The credits left after this entry.
    pub balance: i64,
    /// The booking that caused it (null for the purchase and an expiry).
    pub booking_id: Option<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<&StatementLine> for StatementEntryResponse {
    fn from(line: &StatementLine) -> Self {
        Self {
            kind: line.entry.kind.as_str(),
            delta: line.entry.delta,
            balance: line.balance,
            booking_id: line.entry.booking_id.map(|b| b.as_uuid()),
            at: line.entry.created_at,
        }
    }
}

/// One bundle of the statement.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatementBundleResponse {
    /// The bundle as it is now.
    pub bundle_purchase: BundlePurchaseResponse,
    /// Its ledger, oldest first; the last balance is its `remainingSessions`.
    pub entries: Vec<StatementEntryResponse>,
}

/// The statement.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditStatementResponse {
    /// Every bundle of the student, oldest first.
    pub bundles: Vec<StatementBundleResponse>,
}

impl CreditStatementResponse {
    /// The statement of these bundles.
    pub fn new(bundles: &[StatementBundle]) -> Self {
        Self {
            bundles: bundles
                .iter()
                .map(|b| StatementBundleResponse {
                    bundle_purchase: BundlePurchaseResponse::from(&b.bundle),
                    entries: b.lines.iter().map(StatementEntryResponse::from).collect(),
                })
                .collect(),
        }
    }
}
