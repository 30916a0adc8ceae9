//! The SMTP mailer against a real SMTP server in process (`test_support::smtp::SmtpSink`):
//! every kind delivered with the right envelope, headers, parts and link; 5xx replies
//! permanent; 4xx, refused connections, a hanging server and TLS mismatches transient; AUTH
//! with percent-encoded credentials; no password in any error or `Debug` output.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use std::time::{Duration, Instant};

use adapters_smtp::render::render;
use adapters_smtp::{SmtpConfig, SmtpMailer};
use common::{BASE_URL, TOKEN, message, one_of_each_kind, winter_session};
use domain::notifications::{Audience, EmailKind, EmailPayload, MailError, Mailer, OutboxMessage};
use domain::shared::Secret;
use test_support::proxy::TcpProxy;
use test_support::smtp::SmtpSink;

const FROM: &str = "Engify <no-reply@engify.example>";
const WAIT: Duration = Duration::from_secs(10);

fn mailer_for(url: &str, timeout: Duration) -> SmtpMailer {
    let mut config = SmtpConfig::new(url, FROM.parse().unwrap(), BASE_URL);
    config.timeout = timeout;
    SmtpMailer::new(config).unwrap()
}

fn mailer(sink: &SmtpSink) -> SmtpMailer {
    mailer_for(&sink.url(), Duration::from_secs(5))
}

fn verification(recipient: &str) -> OutboxMessage {
    message(recipient, "Ada Lovelace", EmailPayload::EmailVerification { token: Secret::new(TOKEN) })
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Every kind of email (and the two variants a kind's wording depends on: the TA's copy of a
/// booking, a cancellation with reason and refund), each with the link it must carry.
fn every_kind() -> Vec<(EmailPayload, Option<String>)> {
    let mut payloads = one_of_each_kind();
    payloads.push(EmailPayload::BookingConfirmation {
        session: winter_session(),
        audience: Audience::Ta,
        student_name: "Ada".into(),
    });
    payloads.push(EmailPayload::Cancellation {
        session: winter_session(),
        reason: Some("TA is ill".into()),
        refunded: Some(true),
    });
    let link = |path: &str| Some(format!("{BASE_URL}{path}?token={TOKEN}"));
    payloads
        .into_iter()
        .map(|payload| {
            let expected = match payload.kind() {
                EmailKind::EmailVerification => link("/verify-email"),
                EmailKind::PasswordReset | EmailKind::TaInvitation => link("/reset-password"),
                _ => None,
            };
            (payload, expected)
        })
        .collect()
}

#[tokio::test]
async fn every_kind_arrives_with_its_envelope_headers_parts_and_link() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink);
    let kinds = every_kind();
    let mut sent = Vec::new();
    for (i, (payload, _)) in kinds.iter().enumerate() {
        let recipient = format!("student{i}@example.com");
        let message = message(&recipient, "Zoë Ångström", payload.clone());
        mailer.send(&message).await.unwrap();
        sent.push(message);
    }

    let received = sink.wait_for(kinds.len(), WAIT).await;
    assert_eq!(received.len(), kinds.len(), "one email per message");
    for ((message, (payload, link)), mail) in sent.iter().zip(&kinds).zip(&received) {
        let expected = render(&message.recipient_name, payload, BASE_URL).unwrap();
        let parsed = mail.parsed();
        assert_eq!(mail.mail_from, "no-reply@engify.example");
        assert_eq!(mail.rcpt_to, vec![message.recipient.as_str().to_owned()], "one recipient, the message's");
        assert_eq!(parsed.header("to").unwrap(), format!("Zoë Ångström <{}>", message.recipient.as_str()));
        assert_eq!(parsed.header("from"), Some(FROM));
        assert_eq!(parsed.subject(), Some(expected.subject.as_str()));
        assert_eq!(parsed.header("message-id").unwrap(), format!("<{}@engify>", message.id));
        assert_eq!(parsed.header("mime-version"), Some("1.0"));
        assert!(parsed.header("content-type").unwrap().starts_with("multipart/alternative;"));
        let types: Vec<String> = parsed.parts.iter().map(|p| p.content_type()).collect();
        // Session confirmations, moves and cancellations carry an invitation (tests/invitations.rs).
        let invites = matches!(
            payload.kind(),
            EmailKind::BookingConfirmation
                | EmailKind::GroupJoinConfirmation
                | EmailKind::WaitlistPromotion
                | EmailKind::Cancellation
                | EmailKind::BookingRescheduled
        );
        let expected_types: &[&str] =
            if invites { &["text/plain", "text/html", "text/calendar"] } else { &["text/plain", "text/html"] };
        assert_eq!(types, expected_types, "{:?}", payload.kind());
        let text = parsed.text().unwrap().replace("\r\n", "\n");
        assert_eq!(text.trim_end(), expected.text.trim_end(), "the text body arrives intact");
        assert!(parsed.html().unwrap().contains("<p>Hello Zoë Ångström,</p>"));
        assert_eq!(&mail.first_link(), link, "{text}");
        assert!(mail.authenticated_as.is_none());
    }
    let booking = received[4].text().unwrap();
    assert!(booking.contains("Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)"), "times in the org's zone: {booking}");
}

#[tokio::test]
async fn a_5xx_reply_is_permanent_and_names_the_servers_reply() {
    let sink = SmtpSink::start().await;
    sink.reject_permanently(true);
    let result = mailer(&sink).send(&verification("ada@example.com")).await;
    let Err(MailError::Permanent(error)) = result else { panic!("{result:?}") };
    assert!(error.contains("550") && error.contains("5.1.1 rejected"), "{error}");
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_4xx_reply_is_transient_and_a_later_attempt_succeeds() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink);
    let message = verification("ada@example.com");
    sink.reject_temporarily(true);
    let result = mailer.send(&message).await;
    let Err(MailError::Transient(error)) = result else { panic!("{result:?}") };
    assert!(error.contains("451") && error.contains("try again later"), "{error}");

    sink.reject_temporarily(false);
    mailer.send(&message).await.unwrap();
    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received[0].header("message-id").unwrap(), format!("<{}@engify>", message.id));
}

#[tokio::test]
async fn a_closed_port_is_transient_at_once() {
    let mailer = mailer_for(&format!("smtp://127.0.0.1:{}", closed_port()), Duration::from_secs(5));
    let started = Instant::now();
    let result = mailer.send(&verification("ada@example.com")).await;
    assert!(matches!(result, Err(MailError::Transient(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "refused, not timed out: {:?}", started.elapsed());
    assert!(mailer.check().await.is_err());
}

#[tokio::test]
async fn a_server_that_goes_down_and_comes_back() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink);
    mailer.send(&verification("ada@example.com")).await.unwrap();
    assert!(mailer.check().await.is_ok());

    sink.stop();
    let result = mailer.send(&verification("ada@example.com")).await;
    assert!(matches!(result, Err(MailError::Transient(_))), "{result:?}");

    sink.start_again().await.unwrap();
    mailer.send(&verification("grace@example.com")).await.unwrap();
    let received = sink.wait_for(2, WAIT).await;
    assert_eq!(received[1].rcpt_to, vec!["grace@example.com".to_owned()]);
}

#[tokio::test]
async fn a_server_that_hangs_is_transient_within_the_timeout() {
    let sink = SmtpSink::start().await;
    let proxy = TcpProxy::start(sink.addr()).await.unwrap();
    let timeout = Duration::from_secs(1);
    let mailer = mailer_for(&format!("smtp://{}", proxy.addr()), timeout);
    mailer.send(&verification("ada@example.com")).await.unwrap();

    proxy.cut();
    let started = Instant::now();
    let result = mailer.send(&verification("ada@example.com")).await;
    let elapsed = started.elapsed();
    let Err(MailError::Transient(error)) = result else { panic!("{result:?}") };
    assert!(elapsed >= timeout && elapsed < timeout * 4, "{elapsed:?}: {error}");
    assert!(error.contains("timeout"), "{error}");

    proxy.restore();
    mailer.send(&verification("ada@example.com")).await.unwrap();
    assert_eq!(sink.wait_for(2, WAIT).await.len(), 2);
}

#[tokio::test]
async fn credentials_in_the_url_authenticate_and_never_show() {
    let password = "p@ss:w0rd";
    let sink = SmtpSink::start_with_auth("mailer", password).await;
    let url = format!("smtp://mailer:p%40ss%3Aw0rd@{}", sink.addr());
    let authenticated = mailer_for(&url, Duration::from_secs(5));
    let debug = format!("{authenticated:?}");
    assert!(!debug.contains("p%40ss") && debug.contains("mailer:***@"), "{debug}");

    authenticated.send(&verification("ada@example.com")).await.unwrap();
    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received[0].authenticated_as.as_deref(), Some("mailer"), "percent-decoded credentials");

    let wrong = mailer_for(&format!("smtp://mailer:wr%40ng-secret@{}", sink.addr()), Duration::from_secs(5));
    let result = wrong.send(&verification("ada@example.com")).await;
    let Err(MailError::Permanent(error)) = result else { panic!("535 is permanent: {result:?}") };
    assert!(error.contains("535"), "{error}");
    assert!(!error.contains("wr@ng-secret") && !error.contains("wr%40ng-secret"), "{error}");
    let check = wrong.check().await.unwrap_err();
    assert!(!check.contains("wr@ng-secret") && !check.contains("wr%40ng-secret"), "{check}");

    let anonymous = mailer(&sink);
    let result = anonymous.send(&verification("ada@example.com")).await;
    assert!(matches!(result, Err(MailError::Permanent(_))), "refused before AUTH (5xx): {result:?}");
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn tls_the_server_cannot_do_is_a_transient_failure() {
    let sink = SmtpSink::start().await;
    for url in [format!("smtp://{}?tls=required", sink.addr()), format!("smtps://{}", sink.addr())] {
        let started = Instant::now();
        let result = mailer_for(&url, Duration::from_secs(5)).send(&verification("ada@example.com")).await;
        assert!(matches!(result, Err(MailError::Transient(_))), "{url}: {result:?}");
        assert!(started.elapsed() < Duration::from_secs(4), "{url}: failed fast, {:?}", started.elapsed());
    }
    // Opportunistic STARTTLS falls back on plain SMTP.
    let opportunistic = mailer_for(&format!("smtp://{}?tls=opportunistic", sink.addr()), Duration::from_secs(5));
    opportunistic.send(&verification("ada@example.com")).await.unwrap();
    assert_eq!(sink.wait_for(1, WAIT).await.len(), 1);
}

#[tokio::test]
async fn constructing_does_not_connect_and_bad_urls_are_refused_without_the_password() {
    let down = mailer_for(&format!("smtp://127.0.0.1:{}", closed_port()), Duration::from_secs(5));
    assert!(down.url().starts_with("smtp://127.0.0.1:"));
    let sink = SmtpSink::start().await;
    assert_eq!(mailer_for(&sink.url(), Duration::from_secs(5)).check().await, Ok(()));

    let config = |url: &str| SmtpConfig::new(url, FROM.parse().unwrap(), BASE_URL);
    for bad in ["http://ada:s3cret@mail.example", "smtp://ada:s3cret@mail.example?tls=sometimes", "smtp://ada:s3cret@"]
    {
        let error = SmtpMailer::new(config(bad)).unwrap_err().to_string();
        assert!(error.starts_with("invalid SMTP_URL"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }
    let debug = format!("{:?}", config("smtps://ada:s3cret@mail.example"));
    assert!(debug.contains("smtps://ada:***@mail.example") && !debug.contains("s3cret"), "{debug}");
    assert_eq!(config("smtp://x").timeout, Duration::from_secs(10));
}
