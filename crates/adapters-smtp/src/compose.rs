//! Turns an outbox message and its rendering into an RFC 5322 email with lettre: From, To with
//! the recipient's name, Subject, Date, a `Message-ID` derived from the outbox id, MIME-Version
//! and a multipart/alternative body (text/plain first, then text/html, both UTF-8, then for a
//! session's confirmation, reschedule or cancellation its calendar invitation as
//! `text/calendar; method=…`: see [`invitation`](crate::invitation)). Shared by every mailer of
//! this crate.

use std::time::SystemTime;

use domain::notifications::{MailError, OutboxMessage};
use domain::shared::OutboxMessageId;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

use crate::invitation::invitation;
use crate::render::RenderedEmail;

/// How the text and HTML bodies are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 as is (`8bit`): readable in a text editor, with links whole and clickable. For
    /// files; over SMTP only to servers that announce `8BITMIME`.
    EightBit,
    /// Whichever of `7bit`, `quoted-printable` and `base64` suits the text: valid on any SMTP
    /// server.
    Auto,
}

/// The `Message-ID` of an outbox message, `<{id}@engify>`: the same on every attempt, so that
/// a resend after a crash is recognizable as the same email.
pub fn message_id(id: OutboxMessageId) -> String {
    format!("<{id}@engify>")
}

/// The multipart boundary of an outbox message's email: `=_engify_{id without dashes}`. It
/// cannot occur in the bodies: `=_` is never produced by quoted-printable or base64, and the
/// rendered text would have to contain this message's own id after it.
fn boundary(id: OutboxMessageId) -> String {
    format!("=_engify_{}", id.as_uuid().simple())
}

/// Builds the email of an outbox message.
///
/// The `Date` is when the message was queued, not when this attempt runs: the email reports
/// an event of that moment, and every attempt then produces the same bytes.
///
/// # Errors
/// [`MailError::Permanent`] when lettre refuses the recipient's address (retrying cannot fix
/// it) or cannot build the message.
pub fn build_message(
    from: &Mailbox,
    message: &OutboxMessage,
    rendered: &RenderedEmail,
    encoding: TextEncoding,
) -> Result<Message, MailError> {
    let address = recipient_address(message.recipient.as_str())?;
    let name = Some(message.recipient_name.trim()).filter(|n| !n.is_empty()).map(str::to_owned);
    let body = |content: &str| match encoding {
        TextEncoding::EightBit => eight_bit(content).unwrap_or_else(|| Body::new(content.to_owned())),
        TextEncoding::Auto => Body::new(content.to_owned()),
    };
    // Readers show the last alternative they can display: text first, HTML after it (RFC 2046
    // §5.1.4).
    // The boundary derives from the id too, so that every attempt produces the same bytes.
    let mut alternatives = MultiPart::alternative()
        .boundary(boundary(message.id))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body(&rendered.text)))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(body(&rendered.html)));
    // The invitation is a third alternative after the HTML, the layout Google Calendar and
    // Outlook send and read: calendar-aware clients offer or apply the event, the others show
    // the HTML. Its content type names the calendar's method, as iMIP requires (RFC 6047
    // §2.4). No `.ics` attachment besides: see docs/decisions.md.
    if let Some(invite) = invitation(from, message) {
        let content_type =
            ContentType::parse(&format!("text/calendar; method={}; charset=UTF-8", invite.method.as_str()))
                .map_err(|e| MailError::Permanent(format!("calendar content type refused: {e}")))?;
        alternatives = alternatives.singlepart(SinglePart::builder().header(content_type).body(body(&invite.calendar)));
    }
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(name, address))
        .subject(rendered.subject.clone())
        .date(SystemTime::from(message.created_at))
        .message_id(Some(message_id(message.id)))
        // lettre adds `MIME-Version: 1.0` to multipart messages.
        .multipart(alternatives)
        .map_err(|e| MailError::Permanent(format!("email could not be built: {e}")))
}

/// The text as an `8bit` body, when it is a valid one (RFC 2045 §2.8: CRLF line ends, lines of
/// at most 998 bytes, no NUL). lettre's own `8bit` check also refuses lines of 76 characters or
/// more and would fall back on quoted-printable, which cuts long links with soft breaks in a
/// file read as is; hence the body is checked here and handed over pre-encoded.
fn eight_bit(text: &str) -> Option<Body> {
    let crlf = text.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\r\n");
    let valid = !crlf.contains('\0') && crlf.split("\r\n").all(|line| line.len() <= 998);
    valid.then(|| Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit))
}

/// The recipient as a lettre address. The domain's `Email` is validated already and lettre
/// accepts every address it was seen to accept; should the two ever disagree, the message can
/// never be delivered, so the refusal is permanent.
fn recipient_address(email: &str) -> Result<Address, MailError> {
    email.parse().map_err(|e| MailError::Permanent(format!("recipient address refused: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_lettre_refuses_is_a_permanent_failure() {
        for bad in ["not an address", "a@xn--.com", "a@[1.2.3.4].com"] {
            assert!(matches!(recipient_address(bad), Err(MailError::Permanent(_))), "{bad}");
        }
        assert!(recipient_address("ada@example.com").is_ok());
    }

    #[test]
    fn eight_bit_bodies_keep_long_lines_and_refuse_invalid_ones() {
        let long_link = format!("https://app.example/verify-email?token={}", "x".repeat(200));
        let body = eight_bit(&format!("Hello Zoë,\n\n{long_link}\n")).unwrap();
        assert_eq!(body.encoding(), ContentTransferEncoding::EightBit);
        assert_eq!(body.as_ref(), format!("Hello Zoë,\r\n\r\n{long_link}\r\n").as_bytes());
        assert!(eight_bit(&"x".repeat(999)).is_none());
        assert!(eight_bit("a\0b").is_none());
    }

    #[test]
    fn message_ids_derive_from_the_outbox_id() {
        let id = OutboxMessageId::from_uuid(uuid::Uuid::nil());
        assert_eq!(message_id(id), "<00000000-0000-0000-0000-000000000000@engify>");
    }
}
