//! Rendering of every email from the templates in `crates/adapters-smtp/templates/`: a subject,
//! a plain-text body and an HTML body per [`EmailPayload`] kind, shared by the file mailer and
//! the SMTP mailer.
//!
//! Rust prepares the facts (links, times in the organization's zone, prices, lifetimes: see
//! [`format`](mod@format)) into a template context, one builder per kind grouped by theme
//! ([`account`]: verification, reset, invitation; [`receipt`]: bundle receipts; [`sessions`]:
//! booking and group-seat confirmations, waitlist promotions, cancellations, reschedules;
//! [`series`]: series confirmations and series cancellations; [`attendance`]: TA no-show
//! refunds and attendance digests); the templates hold the wording. Everything an email shows
//! was captured when it was queued, so rendering reads nothing; the templates are compiled into
//! the binary and every kind is rendered by the tests, so a [`RenderError`] is a bug.

pub mod account;
pub mod attendance;
pub mod format;
pub mod receipt;
pub mod series;
pub mod sessions;
pub mod templates;

use domain::notifications::{EmailPayload, OutboxMessage};
use minijinja::{Value, context};

pub use receipt::ReceiptDetails;

/// An email's subject, plain-text body and HTML body (`\n` line ends; the message builder turns
/// them into CRLF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// The `Subject` header (one line).
    pub subject: String,
    /// The text/plain body.
    pub text: String,
    /// The text/html body.
    pub html: String,
}

/// A template failed to render: a bug in a template or its context (never caused by the data
/// of a message, which is only ever shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {kind} email could not be rendered: {message}")]
pub struct RenderError {
    kind: String,
    message: String,
}

impl RenderError {
    fn new(kind: &str, message: String) -> Self {
        Self { kind: kind.to_owned(), message }
    }
}

/// Renders a payload for a recipient; links start with `public_base_url`.
///
/// # Errors
/// Only when a template is broken (see [`RenderError`]).
pub fn render(
    recipient_name: &str,
    payload: &EmailPayload,
    public_base_url: &str,
) -> Result<RenderedEmail, RenderError> {
    let (signer, facts) = match payload {
        EmailPayload::EmailVerification { token } => (None, account::email_verification(token, public_base_url)),
        EmailPayload::PasswordReset { token } => (None, account::password_reset(token, public_base_url)),
        EmailPayload::TaInvitation { organization_name, token } => {
            (Some(organization_name.as_str()), account::ta_invitation(organization_name, token, public_base_url))
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
        } => {
            let details = ReceiptDetails {
                organization_name,
                course_title,
                product_name,
                sessions: *sessions,
                price: *price,
                currency: *currency,
                valid_to: *valid_to,
                timezone: *timezone,
            };
            (Some(organization_name.as_str()), receipt::bundle_receipt(&details))
        }
        EmailPayload::BookingConfirmation { session, audience, student_name } => {
            (Some(session.organization_name.as_str()), sessions::booking_confirmation(session, *audience, student_name))
        }
        EmailPayload::GroupJoinConfirmation { session } | EmailPayload::WaitlistPromotion { session } => {
            (Some(session.organization_name.as_str()), sessions::session_only(session))
        }
        EmailPayload::Cancellation { session, reason, refunded } => {
            (Some(session.organization_name.as_str()), sessions::cancellation(session, reason.as_deref(), *refunded))
        }
        EmailPayload::BookingRescheduled { session, previous, audience, reason } => (
            Some(session.organization_name.as_str()),
            sessions::booking_rescheduled(session, previous, *audience, reason.as_deref()),
        ),
        EmailPayload::SeriesConfirmation { series, audience, student_name } => {
            (Some(series.organization_name.as_str()), series::series_confirmation(series, *audience, student_name))
        }
        EmailPayload::SeriesCancellation { series, reason, refunded } => {
            (Some(series.organization_name.as_str()), series::series_cancellation(series, reason.as_deref(), *refunded))
        }
        EmailPayload::TaNoShowRefund { session } => {
            (Some(session.organization_name.as_str()), attendance::ta_no_show_refund(session))
        }
        EmailPayload::AttendanceDigest { organization_name, timezone, total, sessions } => {
            (Some(organization_name.as_str()), attendance::attendance_digest(*timezone, *total, sessions))
        }
        // Only sent or dead messages have their link erased, and neither is ever sent again.
        EmailPayload::LinkErased { kind } => {
            return Err(RenderError::new(kind.as_str(), "its link token was erased: nothing left to send".to_owned()));
        }
    };
    let context: Value = context! {
        greeting => format::greeting(recipient_name),
        signer => format::signer(signer),
        ..facts
    };
    templates::render_kind(payload.kind().as_str(), &context)
}

/// Renders an outbox message for its recipient.
///
/// # Errors
/// Only when a template is broken (see [`RenderError`]).
pub fn render_message(message: &OutboxMessage, public_base_url: &str) -> Result<RenderedEmail, RenderError> {
    render(&message.recipient_name, &message.payload, public_base_url)
}
