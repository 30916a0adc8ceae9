//! An SMTP server for tests, in process: [`SmtpSink`] listens on `127.0.0.1:{random port}`,
//! accepts every email (or refuses them on demand) and keeps what it received for the test to
//! read.
//!
//! The protocol is the [`mailin`] crate's state machine (EHLO/HELO, AUTH PLAIN and LOGIN, MAIL,
//! RCPT, DATA with dot-unstuffing, RSET, NOOP, VRFY, QUIT); this module only moves its lines
//! over Tokio sockets and records the mail. No TLS: STARTTLS is not offered, so a client that
//! requires it fails (which tests can use too).
//!
//! ```no_run
//! # async fn demo() {
//! use std::time::Duration;
//! use test_support::smtp::SmtpSink;
//!
//! let sink = SmtpSink::start().await;
//! // … point the mailer at sink.url() and send …
//! let mails = sink.wait_for(1, Duration::from_secs(5)).await;
//! assert_eq!(mails[0].rcpt_to, vec!["ada@example.com".to_owned()]);
//! assert_eq!(mails[0].subject().as_deref(), Some("Confirm your email address"));
//! # }
//! ```
//!
//! A server that is down: [`SmtpSink::stop`] closes the port and every connection (clients get
//! "connection refused"), [`SmtpSink::start_again`] listens on the same port again. A server
//! that hangs (accepts but never answers): put [`crate::proxy::TcpProxy`] in front of
//! [`SmtpSink::addr`] and `cut()` it; clients then run into their timeout.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mailin::{Action, AuthMechanism, Handler, Response, SessionBuilder, response};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::mail::ParsedMail;

/// The longest line the sink reads (SMTP allows 1000 bytes; a little slack for sloppy clients).
const MAX_LINE: u64 = 4096;

/// One email the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`, without angle brackets).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`, without angle brackets).
    pub rcpt_to: Vec<String>,
    /// The message as received (CRLF line ends, dot-stuffing undone).
    pub data: String,
    /// The user the client authenticated as, if it did.
    pub authenticated_as: Option<String>,
}

impl ReceivedMail {
    /// The message parsed: headers and decoded MIME parts.
    pub fn parsed(&self) -> ParsedMail {
        ParsedMail::parse(&self.data)
    }

    /// A top-level header, RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header(name).map(str::to_owned)
    }

    /// The `Subject`, decoded.
    pub fn subject(&self) -> Option<String> {
        self.header("subject")
    }

    /// The text/plain body, transfer-decoded (`\n` line ends).
    pub fn text(&self) -> Option<String> {
        self.parsed().text().map(str::to_owned)
    }

    /// The text/html body, transfer-decoded (`\n` line ends).
    pub fn html(&self) -> Option<String> {
        self.parsed().html().map(str::to_owned)
    }

    /// The first link of the text body (else of the HTML body).
    pub fn first_link(&self) -> Option<String> {
        self.parsed().first_link()
    }
}

/// What the connections share with the test.
struct State {
    received: Mutex<Vec<ReceivedMail>>,
    /// How many emails were received, for [`SmtpSink::wait_for`].
    count: watch::Sender<usize>,
    reject_permanently: AtomicBool,
    reject_temporarily: AtomicBool,
    /// The user and password AUTH accepts; `None`: AUTH not offered.
    credentials: Option<(String, String)>,
}

/// An in-process SMTP server for one test. Dropping it stops it.
pub struct SmtpSink {
    addr: SocketAddr,
    state: Arc<State>,
    server: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpSink {
    /// A sink on `127.0.0.1:0` that accepts every email without authentication (must run
    /// inside a Tokio runtime).
    ///
    /// # Panics
    /// When no local port can be bound.
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    /// A sink that offers AUTH PLAIN and LOGIN over the plain connection, requires it before
    /// `MAIL`, accepts exactly this user and password and answers others `535`.
    ///
    /// # Panics
    /// When no local port can be bound.
    pub async fn start_with_auth(user: &str, password: &str) -> Self {
        Self::start_with(Some((user.to_owned(), password.to_owned()))).await
    }

    async fn start_with(credentials: Option<(String, String)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a local port for the SMTP sink");
        let addr = listener.local_addr().expect("the SMTP sink's address");
        let state = Arc::new(State {
            received: Mutex::new(Vec::new()),
            count: watch::channel(0).0,
            reject_permanently: AtomicBool::new(false),
            reject_temporarily: AtomicBool::new(false),
            credentials,
        });
        let server = tokio::spawn(serve(listener, Arc::clone(&state)));
        Self { addr, state, server: Mutex::new(Some(server)) }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `smtp://127.0.0.1:{port}` (plain SMTP, no TLS).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every email received so far, in order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.state.received.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits until at least `n` emails arrived, and returns them all.
    ///
    /// # Panics
    /// When fewer arrived within `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let mut count = self.state.count.subscribe();
        let arrived = tokio::time::timeout(timeout, count.wait_for(|c| *c >= n)).await;
        assert!(
            matches!(arrived, Ok(Ok(_))),
            "the SMTP sink received {} of {n} emails within {timeout:?}",
            self.messages().len()
        );
        self.messages()
    }

    /// While on, every `RCPT` is answered `550 5.1.1 rejected` (a permanent failure).
    pub fn reject_permanently(&self, on: bool) {
        self.state.reject_permanently.store(on, Ordering::SeqCst);
    }

    /// While on, every `RCPT` is answered `451 4.3.0 try again later` (a transient failure).
    pub fn reject_temporarily(&self, on: bool) {
        self.state.reject_temporarily.store(on, Ordering::SeqCst);
    }

    /// Closes the port and every open connection: clients get "connection refused" until
    /// [`start_again`](Self::start_again). Received emails are kept.
    pub fn stop(&self) {
        if let Some(server) = self.server.lock().unwrap_or_else(PoisonError::into_inner).take() {
            // The task owns the listener and the connections' JoinSet: aborting it drops both.
            server.abort();
        }
    }

    /// Listens on the same port again after [`stop`](Self::stop) (a no-op while running).
    ///
    /// # Errors
    /// When the port cannot be bound again (taken by another process meanwhile).
    pub async fn start_again(&self) -> std::io::Result<()> {
        if self.server.lock().unwrap_or_else(PoisonError::into_inner).is_some() {
            return Ok(());
        }
        // The aborted task releases the port when it is dropped, which happens on the runtime
        // shortly after `abort`: retry briefly.
        let mut attempts = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(e) if attempts < 50 && e.kind() == std::io::ErrorKind::AddrInUse => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let server = tokio::spawn(serve(listener, Arc::clone(&self.state)));
        *self.server.lock().unwrap_or_else(PoisonError::into_inner) = Some(server);
        Ok(())
    }
}

impl std::fmt::Debug for SmtpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSink")
            .field("addr", &self.addr)
            .field("received", &self.state.received.lock().unwrap_or_else(PoisonError::into_inner).len())
            .finish_non_exhaustive()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Accepts connections until aborted; aborting drops the JoinSet, which aborts every
/// connection.
async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut builder = SessionBuilder::new("engify-test-sink");
    if state.credentials.is_some() {
        builder.enable_auth(AuthMechanism::Plain).enable_auth(AuthMechanism::Login).insecure_enable_plaintext_auth();
    }
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(converse(stream, peer.ip(), builder.clone(), Arc::clone(&state)));
                }
                // Out of file descriptors or the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so that the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One SMTP session: lines in, the state machine's replies out.
async fn converse(stream: TcpStream, peer: IpAddr, builder: SessionBuilder, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut session = builder.build(peer, Recorder::new(state));
    if write.write_all(&reply_bytes(&session.greeting())).await.is_err() {
        return;
    }
    let mut line = Vec::with_capacity(128);
    loop {
        line.clear();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let reply = session.process(&line);
        match reply.action {
            Action::NoReply => {}
            Action::Reply => {
                if write.write_all(&reply_bytes(&reply)).await.is_err() {
                    return;
                }
            }
            // STARTTLS is never offered, so an upgrade cannot be asked for; close either way.
            Action::Close | Action::UpgradeTls => {
                let _ = write.write_all(&reply_bytes(&reply)).await;
                let _ = write.shutdown().await;
                return;
            }
        }
    }
}

fn reply_bytes(reply: &Response) -> Vec<u8> {
    // Writing into a Vec cannot fail.
    reply.buffer().unwrap_or_default()
}

/// The handler of one connection: answers RCPT as the test asked and records each message.
struct Recorder {
    state: Arc<State>,
    mail_from: String,
    rcpt_to: Vec<String>,
    data: Vec<u8>,
    authenticated_as: Option<String>,
}

impl Recorder {
    fn new(state: Arc<State>) -> Self {
        Self { state, mail_from: String::new(), rcpt_to: Vec::new(), data: Vec::new(), authenticated_as: None }
    }

    fn authenticate(&mut self, user: &str, password: &str) -> Response {
        match &self.state.credentials {
            Some((u, p)) if u == user && p == password => {
                self.authenticated_as = Some(user.to_owned());
                response::AUTH_OK
            }
            _ => response::INVALID_CREDENTIALS,
        }
    }
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        from.clone_into(&mut self.mail_from);
        self.rcpt_to.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.state.reject_permanently.load(Ordering::SeqCst) {
            return Response::custom(550, "5.1.1 rejected".to_owned());
        }
        if self.state.reject_temporarily.load(Ordering::SeqCst) {
            return Response::custom(451, "4.3.0 try again later".to_owned());
        }
        self.rcpt_to.push(to.to_owned());
        response::OK
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        from.clone_into(&mut self.mail_from);
        self.rcpt_to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = ReceivedMail {
            mail_from: std::mem::take(&mut self.mail_from),
            rcpt_to: std::mem::take(&mut self.rcpt_to),
            data: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
            authenticated_as: self.authenticated_as.clone(),
        };
        let count = {
            let mut received = self.state.received.lock().unwrap_or_else(PoisonError::into_inner);
            received.push(mail);
            received.len()
        };
        self.state.count.send_replace(count);
        response::OK
    }

    fn auth_plain(&mut self, _authorization_id: &str, authentication_id: &str, password: &str) -> Response {
        self.authenticate(authentication_id, password)
    }

    fn auth_login(&mut self, username: &str, password: &str) -> Response {
        self.authenticate(username, password)
    }
}
