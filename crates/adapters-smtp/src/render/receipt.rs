//! The receipt of a bundle purchase: what was bought, for which course, at what price, and
//! until when its sessions can be booked.

use chrono::{DateTime, Utc};
use domain::shared::{Cents, Currency, TimeZoneId};

use super::RenderedEmail;
use super::format::{greeting, instant, price, sign_off};

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
pub fn bundle_receipt(recipient_name: &str, receipt: &ReceiptDetails<'_>) -> RenderedEmail {
    let sessions =
        if receipt.sessions == 1 { "1 session".to_owned() } else { format!("{} sessions", receipt.sessions) };
    RenderedEmail {
        subject: format!("Your receipt: {}", receipt.product_name),
        text: format!(
            "{}\n\n\
             Thank you for your purchase from {}.\n\n\
             Product:     {}\n\
             Course:      {}\n\
             Sessions:    {sessions}\n\
             Price:       {}\n\
             Valid until: {}\n\n\
             You can book its sessions until then.\n\n\
             {}\n",
            greeting(recipient_name),
            receipt.organization_name,
            receipt.product_name,
            receipt.course_title,
            price(receipt.price, receipt.currency),
            instant(receipt.valid_to, receipt.timezone),
            sign_off(Some(receipt.organization_name)),
        ),
    }
}
