//! A request body that does not arrive in time (stalled, or dribbled a byte at a time) is
//! refused with 408 `request_timeout` (problem+json) once the body-read timeout has passed,
//! well before the request timeout; the connection is closed. Driven by a raw TCP client,
//! since an HTTP client always sends its whole body.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Reply, TestApp, spawn_with};

/// Sends the head of a login with `Content-Length: 200` and `first` bytes of its body, then
/// keeps sending one more byte every `dribble` (never, if `None`) until the server answers.
async fn slow_login(app: &TestApp, first: &[u8], dribble: Option<Duration>) -> Reply {
    let address = app.address.trim_start_matches("http://");
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    );
    write.write_all(head.as_bytes()).await.unwrap();
    write.write_all(first).await.unwrap();
    let writer = tokio::spawn(async move {
        let Some(every) = dribble else { return std::future::pending::<()>().await };
        loop {
            tokio::time::sleep(every).await;
            if write.write_all(b" ").await.is_err() {
                return;
            }
        }
    });
    let mut response = Vec::new();
    let read_all = async {
        let mut buffer = [0u8; 4096];
        loop {
            match read.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buffer[..n]),
            }
            if complete(&response) {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read_all).await.expect("the server answers a slow body");
    writer.abort();
    parse(&response)
}

/// Whether `raw` holds a whole response (head and `Content-Length` body).
fn complete(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    let Some((head, body)) = text.split_once("\r\n\r\n") else { return false };
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no response head in {text:?}"));
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        headers.append(
            reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            value.trim().parse().unwrap(),
        );
    }
    Reply { status: reqwest::StatusCode::from_u16(status).unwrap(), headers, text: body.to_owned() }
}

#[tokio::test]
async fn a_stalled_or_dribbled_body_gets_408() {
    let db = std::sync::Arc::new(test_support::sqlite::database().await);
    let app = spawn_with(db, |s| s.request_body_timeout_seconds = 1).await;
    let stalled = slow_login(&app, br#"{"email": "#, None).await;
    let problem = stalled.problem(408, "request_timeout");
    assert_eq!(stalled.header("connection"), Some("close"), "{:?}", stalled.headers);
    assert_eq!(stalled.header("x-content-type-options"), Some("nosniff"), "the edge's headers are there");
    assert!(problem["detail"].as_str().unwrap().contains("in time"), "{problem}");
    // A byte every 200 ms never lets the body finish within its second.
    let dribbled = slow_login(&app, br#"{"email": "#, Some(Duration::from_millis(200))).await;
    dribbled.problem(408, "request_timeout");
    // A whole body sent at once is unaffected.
    let login = app.login("slow", "nobody@slow.test", "wrong-password-1").await;
    login.problem(401, "invalid_credentials");
}
