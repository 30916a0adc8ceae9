//! The file mailer: a parseable multipart `.eml` (text and HTML) with the right headers, the
//! same file and Message-ID for a resend, and I/O failures reported as transient.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use adapters_smtp::FileMailer;
use chrono::DateTime;
use common::{BASE_URL, TOKEN, message};
use domain::notifications::{EmailPayload, MailError, Mailer, OutboxMessage};
use domain::shared::Secret;
use test_support::mail::ParsedMail;
use uuid::Uuid;

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("engify-file-mailer-{}", Uuid::now_v7().simple()));
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn mailer(dir: &Path) -> FileMailer {
    FileMailer::new(dir.to_path_buf(), "Engify <no-reply@localhost>".parse().unwrap(), BASE_URL.to_owned())
}

fn verification(recipient: &str, name: &str) -> OutboxMessage {
    message(recipient, name, EmailPayload::EmailVerification { token: Secret::new(TOKEN) })
}

/// The headers (unfolded, names lower-cased) and the body of an email file.
fn parse_eml(bytes: &[u8]) -> (Vec<(String, String)>, String) {
    let text = std::str::from_utf8(bytes).expect("UTF-8 (8bit body)");
    assert!(text.split("\r\n").all(|line| !line.contains('\n') && line.len() <= 998), "CRLF lines within limits");
    let (head, body) = text.split_once("\r\n\r\n").expect("a blank line ends the headers");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.last_mut().expect("a folded line continues a header").1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("name: value");
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    (headers, body.replace("\r\n", "\n"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    let mut values = headers.iter().filter(|(n, _)| n == name);
    let value = values.next().unwrap_or_else(|| panic!("no {name} header in {headers:?}"));
    assert!(values.next().is_none(), "one {name} header");
    &value.1
}

fn eml_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_email_is_written_as_a_parseable_eml_with_the_right_headers() {
    let dir = TempDir::new();
    let outbox = dir.0.join("outbox");
    let message = verification("ada@example.com", "Ada Lovelace");
    mailer(&outbox).send(&message).await.unwrap();

    assert_eq!(eml_files(&outbox), vec![format!("{}.eml", message.id)], "created the directory, no temp file left");
    let raw = fs::read(mailer(&outbox).path_of(message.id)).unwrap();
    let (headers, _) = parse_eml(&raw);
    assert_eq!(header(&headers, "from"), "Engify <no-reply@localhost>");
    assert_eq!(header(&headers, "to"), "\"Ada Lovelace\" <ada@example.com>");
    assert_eq!(header(&headers, "subject"), "Confirm your email address");
    assert_eq!(header(&headers, "message-id"), format!("<{}@engify>", message.id));
    assert_eq!(header(&headers, "mime-version"), "1.0");
    assert!(header(&headers, "content-type").starts_with("multipart/alternative; boundary="), "{headers:?}");
    let date = DateTime::parse_from_rfc2822(header(&headers, "date")).unwrap();
    assert_eq!(date, message.created_at, "dated when queued");

    let mail = ParsedMail::parse(std::str::from_utf8(&raw).unwrap());
    let types: Vec<String> = mail.parts.iter().map(|p| p.content_type()).collect();
    assert_eq!(types, ["text/plain", "text/html"], "text first, HTML last");
    for part in &mail.parts {
        assert_eq!(
            part.header("content-type").unwrap().to_ascii_lowercase(),
            format!("{}; charset=utf-8", part.content_type())
        );
        assert_eq!(part.header("content-transfer-encoding"), Some("8bit"), "readable as is");
    }
    let link = format!("{BASE_URL}/verify-email?token={TOKEN}");
    let text = mail.text().unwrap();
    assert!(text.starts_with("Hello Ada Lovelace,\n"), "{text}");
    assert!(text.contains(&format!("\n{link}\n")), "the link is whole: {text}");
    let html = mail.html().unwrap();
    assert!(html.contains("<p>Hello Ada Lovelace,</p>") && html.contains(&format!("href=\"{link}\"")), "{html}");
    assert_eq!(mail.first_link(), Some(link));
}

#[tokio::test]
async fn non_ascii_names_and_subjects_are_encoded_and_the_body_stays_readable() {
    let dir = TempDir::new();
    let mut message = verification("zoe@example.com", "Zoë Ångström");
    message.payload = EmailPayload::GroupJoinConfirmation { session: common::winter_session() };
    mailer(&dir.0).send(&message).await.unwrap();
    let raw = fs::read(dir.0.join(format!("{}.eml", message.id))).unwrap();
    let (headers, _) = parse_eml(&raw);
    assert!(header(&headers, "to").is_ascii() && header(&headers, "to").ends_with("<zoe@example.com>"));
    assert!(header(&headers, "subject").starts_with("Seat confirmed: Algebra I"));
    let mail = ParsedMail::parse(std::str::from_utf8(&raw).unwrap());
    assert_eq!(mail.header("to"), Some("Zoë Ångström <zoe@example.com>"), "decoded back");
    for body in [mail.text().unwrap(), mail.html().unwrap()] {
        assert!(body.contains("Hello Zoë Ångström,") && body.contains("10:00–11:00 (Europe/Berlin)"), "{body}");
    }
}

#[tokio::test]
async fn a_resend_overwrites_the_same_file_with_the_same_message_id() {
    let dir = TempDir::new();
    let mailer = mailer(&dir.0);
    let message = verification("ada@example.com", "Ada");
    mailer.send(&message).await.unwrap();
    let first = fs::read(mailer.path_of(message.id)).unwrap();
    fs::write(mailer.path_of(message.id), b"partial garbage").unwrap();

    mailer.send(&message).await.unwrap();
    let second = fs::read(mailer.path_of(message.id)).unwrap();
    assert_eq!(second, first, "the same bytes, so the same Message-ID");
    assert_eq!(eml_files(&dir.0).len(), 1);

    let other = verification("ada@example.com", "Ada");
    mailer.send(&other).await.unwrap();
    assert_eq!(eml_files(&dir.0).len(), 2, "another message, another file");
}

#[tokio::test]
async fn an_unwritable_directory_is_a_transient_failure() {
    let dir = TempDir::new();
    let file = dir.0.join("not-a-directory");
    fs::write(&file, b"").unwrap();
    let result = mailer(&file.join("outbox")).send(&verification("ada@example.com", "Ada")).await;
    assert!(matches!(result, Err(MailError::Transient(_))), "{result:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn emails_and_the_folders_made_for_them_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = TempDir::new();
    let outbox = dir.0.join("data").join("outbox");
    let message = verification("ada@example.com", "Ada Lovelace");
    mailer(&outbox).send(&message).await.unwrap();
    assert_eq!((mode(&dir.0.join("data")), mode(&outbox)), (0o700, 0o700));
    let email = mailer(&outbox).path_of(message.id);
    assert_eq!(mode(&email), 0o600);
    // A resend replaces the file with a private one too.
    fs::set_permissions(&email, fs::Permissions::from_mode(0o644)).unwrap();
    mailer(&outbox).send(&message).await.unwrap();
    assert_eq!(mode(&email), 0o600);
}
