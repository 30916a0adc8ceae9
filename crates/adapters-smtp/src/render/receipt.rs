//! The receipt of a bundle purchase: what was bought, for which course, at what price, and
//! until when its sessions can be booked. Builds the template context: `organization`,
//! `product`, `course`, `sessions` (`10 sessions`), `price` (`120.00 EUR`) and `valid_until`
//! (in the organization's zone).

use chrono::{DateTime, Utc};
use domain::shared::{Cents, Currency, TimeZoneId};
use minijinja::{Value, context};

use super::format::{instant, price};

/// The facts a bundle receipt shows (the fields of `EmailPayload::BundleReceipt`).
#[derive(Debug, Clone, Copy)]
pub struct ReceiptDetails<'a> {
    /// The selling organization.
    pub organization_name: &'a str,
    /// The course the bundle is for.
    pub course_title: &'a str,
    /// The product bought.
    pub product_name: &'a str,
    /// How many sessions it holds.
    pub sessions: u32,
    /// What was paid.
    pub price: Cents,
    /// In which currency.
    pub currency: Currency,
    /// Until when it can be used.
    pub valid_to: DateTime<Utc>,
    /// The organization's time zone, for showing `valid_to`.
    pub timezone: TimeZoneId,
}

/// Confirms a bundle purchase.
pub fn bundle_receipt(receipt: &ReceiptDetails<'_>) -> Value {
    let sessions =
        if receipt.sessions == 1 { "1 session".to_owned() } else { format!("{} sessions", receipt.sessions) };
    context! {
        organization => receipt.organization_name,
        product => receipt.product_name,
        course => receipt.course_title,
        sessions => sessions,
        price => price(receipt.price, receipt.currency),
        valid_until => instant(receipt.valid_to, receipt.timezone),
    }
}
