//! The SMTP mailer: the `Mailer` port over lettre's pooled `AsyncSmtpTransport` on Tokio,
//! configured by `SMTP_URL`, with failures classified for the outbox worker and credentials
//! kept out of every error text and `Debug` output.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use domain::notifications::{MailError, Mailer, OutboxMessage};
use lettre::message::Mailbox;
use lettre::transport::smtp::{Error as SmtpError, PoolConfig};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use url::Url;

use crate::compose::{TextEncoding, build_message};
use crate::render::render_message;

/// What the SMTP mailer needs: the server, the sender and the base of links.
#[derive(Clone)]
pub struct SmtpConfig {
    /// `SMTP_URL`; the forms are listed on [`SmtpMailer`].
    pub url: String,
    /// `MAIL_FROM`: the `From` header and the envelope sender.
    pub from: Mailbox,
    /// `PUBLIC_BASE_URL`: links in emails start with it.
    pub public_base_url: String,
    /// How long one attempt may take — connecting, TLS, AUTH and the whole transaction —
    /// before it fails as transient. [`SmtpConfig::DEFAULT_TIMEOUT`] unless set.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// 10 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A configuration with the default timeout.
    pub fn new(url: impl Into<String>, from: Mailbox, public_base_url: impl Into<String>) -> Self {
        Self { url: url.into(), from, public_base_url: public_base_url.into(), timeout: Self::DEFAULT_TIMEOUT }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &redact_url(&self.url))
            .field("from", &self.from.to_string())
            .field("public_base_url", &self.public_base_url)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// `SMTP_URL` is not a usable SMTP URL. The text never contains the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid SMTP_URL {url}: {reason}")]
pub struct SmtpConfigError {
    url: String,
    reason: String,
}

/// Sends each email to an SMTP server (the `Mailer` of `SMTP_URL`).
///
/// # `SMTP_URL` forms
/// | URL | connection |
/// | --- | --- |
/// | `smtp://host:port` | plain SMTP, no TLS at all (local relays, tests); port 25 by default |
/// | `smtp://host:port?tls=required` | STARTTLS, required: fails when the server does not offer it; port 587 by default |
/// | `smtp://host:port?tls=opportunistic` | STARTTLS when the server offers it, else plain; port 587 by default |
/// | `smtps://host:port` | implicit TLS from the first byte; port 465 by default |
///
/// Any form may carry credentials, `smtp[s]://user:password@host…` (percent-encoded: `@` is
/// `%40`, `:` is `%3A`), sent with AUTH PLAIN or LOGIN; without a password no AUTH is tried. A
/// path (`smtp://host/client.example`) sets the EHLO name. TLS certificates are checked against
/// the webpki roots and the host name.
///
/// # Behaviour
/// - Constructing does not connect: the application starts while the server is down.
/// - Each [`send`](Mailer::send) opens its own connection and closes it with `QUIT`: lettre's
///   async transport bounds only connecting by its timeout, so the whole attempt runs under
///   [`SmtpConfig::timeout`] here, and an attempt cut short that way must not leave a
///   connection in the middle of a transaction for the next email to reuse. Hence lettre's
///   pool is configured to keep no idle connection.
/// - It must be constructed inside a Tokio runtime (lettre's pool starts a task; outside one
///   the construction panics).
/// - Text and HTML bodies are encoded 7bit, quoted-printable or base64, valid on any server.
///
/// # Failures
/// - A 5xx reply (unknown recipient, rejected content, failed authentication):
///   [`MailError::Permanent`] with the server's reply.
/// - Anything else — connection refused, no complete answer within [`SmtpConfig::timeout`],
///   a 4xx reply, a TLS failure, a server without the required STARTTLS:
///   [`MailError::Transient`].
/// - An email that cannot be rendered or built: [`MailError::Permanent`].
///
/// No error text and no `Debug` output contains the password.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_base_url: String,
    timeout: Duration,
    /// The URL with its password replaced, for messages.
    redacted_url: String,
    /// The password as written and as decoded, to scrub from error texts.
    secrets: Vec<String>,
}

impl SmtpMailer {
    /// A mailer for `config`, without connecting.
    ///
    /// # Errors
    /// When the URL does not parse or has an unknown scheme or `tls` value.
    ///
    /// # Panics
    /// Outside a Tokio runtime (lettre's connection pool needs one).
    pub fn new(config: SmtpConfig) -> Result<Self, SmtpConfigError> {
        let secrets = secrets_of(&config.url);
        let redacted_url = redact_url(&config.url);
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
            .map_err(|e| SmtpConfigError { url: redacted_url.clone(), reason: scrub(&e.to_string(), &secrets) })?;
        // No idle connections: see "Behaviour" above.
        let transport = builder.timeout(Some(config.timeout)).pool_config(PoolConfig::new().max_size(0)).build();
        Ok(Self {
            transport,
            from: config.from,
            public_base_url: config.public_base_url,
            timeout: config.timeout,
            redacted_url,
            secrets,
        })
    }

    /// The configured URL with the password replaced by `***`.
    pub fn url(&self) -> &str {
        &self.redacted_url
    }

    /// Whether the server answers: connects (or takes a pooled connection) and sends `NOOP`.
    /// Cheap enough for a readiness probe; bounded by the timeout.
    ///
    /// # Errors
    /// Why the server cannot be used, without the password.
    pub async fn check(&self) -> Result<(), String> {
        match tokio::time::timeout(self.timeout, self.transport.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(format!("SMTP server {} did not answer NOOP", self.redacted_url)),
            Ok(Err(e)) => Err(format!("SMTP server {}: {}", self.redacted_url, self.describe(&e))),
            Err(_) => Err(format!("SMTP server {}: {}", self.redacted_url, self.no_answer())),
        }
    }

    fn no_answer(&self) -> String {
        format!("no complete answer within the timeout of {:?}", self.timeout)
    }

    /// The error's text with the password scrubbed, and a note when it was the timeout.
    fn describe(&self, error: &SmtpError) -> String {
        let text = scrub(&error.to_string(), &self.secrets);
        if error.is_timeout() { format!("{text} (timeout of {:?})", self.timeout) } else { text }
    }

    /// Sorts a lettre failure into the port's two kinds.
    fn classify(&self, error: &SmtpError) -> MailError {
        let text = format!("via {}: {}", self.redacted_url, self.describe(error));
        if error.is_permanent() { MailError::Permanent(text) } else { MailError::Transient(text) }
    }
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("url", &self.redacted_url)
            .field("from", &self.from.to_string())
            .field("public_base_url", &self.public_base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    #[tracing::instrument(skip_all, name = "smtp.send", fields(email.kind = message.kind().as_str()))]
    async fn send(&self, message: &OutboxMessage) -> Result<(), MailError> {
        let rendered =
            render_message(message, &self.public_base_url).map_err(|e| MailError::Permanent(e.to_string()))?;
        let email = build_message(&self.from, message, &rendered, TextEncoding::Auto)?;
        match tokio::time::timeout(self.timeout, self.transport.send(email)).await {
            Ok(Ok(_accepted)) => Ok(()),
            Ok(Err(e)) => Err(self.classify(&e)),
            Err(_) => Err(MailError::Transient(format!("via {}: {}", self.redacted_url, self.no_answer()))),
        }
    }
}

/// The URL with its password replaced by `***`; an unparseable URL is shown only by scheme.
fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                // Only fails for URLs that cannot have credentials, which this one has.
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => match raw.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://… (unparseable)"),
            None => "(unparseable)".to_owned(),
        },
    }
}

/// The password of the URL as written and percent-decoded (empty strings left out).
fn secrets_of(raw: &str) -> Vec<String> {
    let Some(password) = Url::parse(raw).ok().and_then(|u| u.password().map(str::to_owned)) else {
        return Vec::new();
    };
    let mut secrets = vec![percent_decode(&password), password];
    secrets.retain(|s| !s.is_empty());
    secrets.dedup();
    secrets
}

/// Decodes `%XX` escapes (invalid ones kept as they are; invalid UTF-8 replaced).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text with every secret replaced by `***`.
fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_owned(), |text, secret| text.replace(secret.as_str(), "***"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(redact_url("smtps://ada:p%40ss@mail.example:465"), "smtps://ada:***@mail.example:465");
        assert_eq!(redact_url("smtp://mail.example:25"), "smtp://mail.example:25");
        assert_eq!(redact_url("smtp://ada:secret@[::1"), "smtp://… (unparseable)");
        assert_eq!(redact_url("no scheme secret"), "(unparseable)");
    }

    #[test]
    fn secrets_are_the_password_as_written_and_decoded() {
        assert_eq!(secrets_of("smtp://ada:p%40ss%3Aw@host"), vec!["p@ss:w".to_owned(), "p%40ss%3Aw".to_owned()]);
        assert_eq!(secrets_of("smtp://ada:plain@host"), vec!["plain".to_owned()]);
        assert!(secrets_of("smtp://ada@host").is_empty());
        assert_eq!(scrub("auth failed for p@ss:w", &secrets_of("smtp://a:p%40ss%3Aw@h")), "auth failed for ***");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
