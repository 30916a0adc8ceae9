//! Plain-text rendering of every email: a subject and a body per [`EmailPayload`] kind, shared
//! by the file mailer and the SMTP mailer. One function per kind, grouped by theme; [`render`]
//! picks the one for a message.
//!
//! Everything an email shows was captured when it was queued (names, times, the zone), so
//! rendering reads nothing and cannot fail.

pub mod account;
pub mod format;
pub mod receipt;
pub mod sessions;

use domain::notifications::{EmailPayload, OutboxMessage};

pub use receipt::ReceiptDetails;

/// An email's subject and plain-text body (`\n` line ends; the message builder turns them into
/// CRLF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// The `Subject` header.
    pub subject: String,
    /// The text/plain body.
    pub text: String,
}

/// Renders a payload for a recipient; links start with `public_base_url`.
pub fn render(recipient_name: &str, payload: &EmailPayload, public_base_url: &str) -> RenderedEmail {
    match payload {
        EmailPayload::EmailVerification { token } => {
            account::email_verification(recipient_name, token, public_base_url)
        }
        EmailPayload::PasswordReset { token } => account::password_reset(recipient_name, token, public_base_url),
        EmailPayload::TaInvitation { organization_name, token } => {
            account::ta_invitation(recipient_name, organization_name, token, public_base_url)
        }
        EmailPayload::BundleReceipt {
            organization_name,
            course_title,
            product_name,
            sessions,
            price,
            currency,
            valid_to,
            timezone,
        } => receipt::bundle_receipt(
            recipient_name,
            &ReceiptDetails {
                organization_name,
                course_title,
                product_name,
                sessions: *sessions,
                price: *price,
                currency: *currency,
                valid_to: *valid_to,
                timezone: *timezone,
            },
        ),
        EmailPayload::BookingConfirmation { session, audience, student_name } => {
            sessions::booking_confirmation(recipient_name, session, *audience, student_name)
        }
        EmailPayload::GroupJoinConfirmation { session } => sessions::group_join_confirmation(recipient_name, session),
        EmailPayload::WaitlistPromotion { session } => sessions::waitlist_promotion(recipient_name, session),
        EmailPayload::Cancellation { session, reason, refunded } => {
            sessions::cancellation(recipient_name, session, reason.as_deref(), *refunded)
        }
    }
}

/// Renders an outbox message for its recipient.
pub fn render_message(message: &OutboxMessage, public_base_url: &str) -> RenderedEmail {
    render(&message.recipient_name, &message.payload, public_base_url)
}
