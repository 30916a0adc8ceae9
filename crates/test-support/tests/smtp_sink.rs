//! The SMTP sink spoken to by hand: the replies a client sees, dot-unstuffing, RSET, the
//! rejection switches, AUTH, and stopping and starting again on the same port.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use test_support::smtp::SmtpSink;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

struct Client {
    read: BufReader<OwnedReadHalf>,
    write: OwnedWriteHalf,
}

impl Client {
    async fn connect(sink: &SmtpSink) -> Self {
        let (read, write) = TcpStream::connect(sink.addr()).await.unwrap().into_split();
        let mut client = Self { read: BufReader::new(read), write };
        assert!(client.reply().await.starts_with("220 "));
        client
    }

    /// One reply, multi-line replies joined.
    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            tokio::time::timeout(Duration::from_secs(5), self.read.read_line(&mut line)).await.unwrap().unwrap();
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }

    async fn send(&mut self, line: &str) -> String {
        self.write.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        self.reply().await
    }
}

#[tokio::test]
async fn a_hand_written_session_is_recorded_with_dots_unstuffed() {
    let sink = SmtpSink::start().await;
    assert_eq!(sink.url(), format!("smtp://{}", sink.addr()));
    let mut c = Client::connect(&sink).await;
    assert!(c.send("EHLO client.example").await.starts_with("250"));
    assert!(c.send("MAIL FROM:<first@example.com>").await.starts_with("250"));
    assert!(c.send("RSET").await.starts_with("250"));
    assert!(c.send("NOOP").await.starts_with("250"));
    assert!(c.send("MAIL FROM:<from@example.com>").await.starts_with("250"));
    assert!(c.send("RCPT TO:<a@example.com>").await.starts_with("250"));
    assert!(c.send("RCPT TO:<b@example.com>").await.starts_with("250"));
    assert!(c.send("DATA").await.starts_with("354"));
    let data = "Subject: Hi\r\n\r\nline one\r\n..leading dot\r\nhttps://x.example/a\r\n.";
    assert!(c.send(data).await.starts_with("250"));
    assert!(c.send("QUIT").await.starts_with("221"));

    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails[0].mail_from, "from@example.com");
    assert_eq!(mails[0].rcpt_to, vec!["a@example.com".to_owned(), "b@example.com".to_owned()]);
    assert_eq!(mails[0].data, "Subject: Hi\r\n\r\nline one\r\n.leading dot\r\nhttps://x.example/a\r\n");
    assert_eq!(mails[0].subject().as_deref(), Some("Hi"));
    assert_eq!(mails[0].text().as_deref(), Some("line one\n.leading dot\nhttps://x.example/a\n"));
    assert_eq!(mails[0].first_link().as_deref(), Some("https://x.example/a"));
}

#[tokio::test]
async fn rejections_answer_rcpt_as_asked() {
    let sink = SmtpSink::start().await;
    let mut c = Client::connect(&sink).await;
    c.send("HELO client.example").await;
    c.send("MAIL FROM:<from@example.com>").await;
    sink.reject_permanently(true);
    assert_eq!(c.send("RCPT TO:<a@example.com>").await, "550 5.1.1 rejected\r\n");
    sink.reject_permanently(false);
    sink.reject_temporarily(true);
    assert_eq!(c.send("RCPT TO:<a@example.com>").await, "451 4.3.0 try again later\r\n");
    sink.reject_temporarily(false);
    assert!(c.send("RCPT TO:<a@example.com>").await.starts_with("250"));
}

#[tokio::test]
async fn auth_accepts_only_the_configured_credentials() {
    let sink = SmtpSink::start_with_auth("user", "secret").await;
    let mut c = Client::connect(&sink).await;
    let ehlo = c.send("EHLO client.example").await;
    assert!(ehlo.contains("AUTH PLAIN LOGIN"), "{ehlo}");
    let anonymous = c.send("MAIL FROM:<from@example.com>").await;
    assert!(anonymous.starts_with('5'), "refused before AUTH: {anonymous}");
    let plain = |user: &str, password: &str| STANDARD.encode(format!("\0{user}\0{password}"));
    assert!(c.send(&format!("AUTH PLAIN {}", plain("user", "wrong"))).await.starts_with("535"));
    assert!(c.send(&format!("AUTH PLAIN {}", plain("user", "secret"))).await.starts_with("235"));
    assert!(c.send("MAIL FROM:<from@example.com>").await.starts_with("250"));
}

#[tokio::test]
async fn stopped_the_port_refuses_and_started_again_it_answers() {
    let sink = SmtpSink::start().await;
    let mut open = Client::connect(&sink).await;
    sink.stop();
    let mut line = String::new();
    let read = tokio::time::timeout(Duration::from_secs(5), open.read.read_line(&mut line)).await.unwrap();
    assert!(matches!(read, Ok(0) | Err(_)), "open connections are closed: {read:?} {line:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(sink.addr()).await.is_err(), "refused");

    sink.start_again().await.unwrap();
    let mut c = Client::connect(&sink).await;
    assert!(c.send("NOOP").await.starts_with("250"));
}
