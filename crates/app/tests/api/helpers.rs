//! The test application: the real `app` on port 0 over a fresh database (SQLite or PostgreSQL)
//! and its own data directory (where the file mailer writes emails), driven over HTTP.
#![allow(dead_code, clippy::unwrap_used, reason = "test support: each test uses part of it and fails by panicking")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use app::{Application, Settings};
use domain::shared::Secret;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use test_support::smtp::SmtpSink;
use test_support::{Backend, TestDatabase};
use tokio::sync::oneshot;

/// The signing key of test applications (tests forge tokens with it).
pub const JWT_SECRET: &str = "test-signing-key-of-at-least-32-bytes!";

/// A strong password for test accounts.
pub const PASSWORD: &str = "violet-kettle-harbor-92";

/// A running application.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    pub backend: Backend,
    /// The SMTP server the app sends to, when it was started with one (else emails are files
    /// under `data_dir/outbox`).
    pub smtp: Option<Arc<SmtpSink>>,
    stop: Option<oneshot::Sender<()>>,
    /// Shared by every instance over the database; dropped (and the database removed) with
    /// the last.
    db: Arc<TestDatabase>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json error with this status and code; returns the body.
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.text);
        let body = self.json();
        assert_eq!(body["code"], code, "{}", self.text);
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("/problems/{}", code.replace('_', "-")));
        assert_eq!(body["requestId"].as_str(), self.header("x-request-id"), "the problem names its request");
        body
    }
}

/// The mails `to` received at `smtp` whose subject contains `subject`, in arrival order.
pub fn received(smtp: &SmtpSink, to: &str, subject: &str) -> Vec<test_support::smtp::ReceivedMail> {
    smtp.messages()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to) && m.subject().is_some_and(|s| s.contains(subject)))
        .collect()
}

/// The settings of a test application over `db`, in `data_dir`.
pub fn settings(db: &TestDatabase, data_dir: &Path) -> Settings {
    let mut settings = Settings::from_env(&HashMap::new()).unwrap();
    settings.port = 0;
    settings.database_url = db.url().to_owned();
    settings.database_max_connections = 5;
    settings.jwt_secret = Some(Secret::new(JWT_SECRET));
    settings.data_dir = data_dir.to_path_buf();
    settings.shutdown_grace_seconds = 1;
    // Tests sign up and log in far faster than people do; the limits have tests of their own.
    settings.rate_limit_per_minute = 1_000_000;
    settings.auth_rate_limit_per_minute = 1_000_000;
    settings
}

/// The application over a fresh PostgreSQL database, or `None` (the skip is reported once by
/// `test_support`).
pub async fn postgres_app() -> Option<TestApp> {
    Some(spawn_app(test_support::postgres::database().await?).await)
}

/// Starts the application over `db`.
pub async fn spawn_app(db: TestDatabase) -> TestApp {
    spawn_with(Arc::new(db), |_| {}).await
}

/// Starts an instance over `db` (which other instances may share), with its settings changed
/// by `tweak`.
pub async fn spawn_with(db: Arc<TestDatabase>, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = std::env::temp_dir().join(format!("engify-app-{}", uuid::Uuid::now_v7().simple()));
    let mut settings = settings(&db, &data_dir);
    tweak(&mut settings);
    let app = Application::build_with(settings, Duration::from_millis(25)).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, data_dir, backend: db.backend(), smtp: None, stop: Some(stop), db }
}

/// One application per available backend (SQLite always, PostgreSQL when configured).
pub async fn apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in test_support::all_backends().await {
        apps.push(spawn_app(db).await);
    }
    apps
}

/// A signed-up organization's admin and tokens.
pub struct Admin {
    pub org: Value,
    pub user: Value,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    /// The URL of the database under this instance (for checks in SQL).
    pub fn database_url(&self) -> &str {
        self.db.url()
    }

    /// Another instance over the same database, with its own settings tweak.
    pub async fn another(&self, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        spawn_with(self.db.clone(), tweak).await
    }

    /// A request with an optional bearer token and JSON body.
    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        self.request_with(method, path, token, body, &[]).await
    }

    /// A POST with an `Idempotency-Key`.
    pub async fn post_keyed(&self, path: &str, token: Option<&str>, body: Value, key: &str) -> Reply {
        self.request_with(Method::POST, path, token, Some(body), &[("idempotency-key", key)]).await
    }

    /// A request with extra headers.
    pub async fn request_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        Reply { status: response.status(), headers: response.headers().clone(), text: response.text().await.unwrap() }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        self.request(Method::PUT, path, token, body).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::DELETE, path, token, None).await
    }

    /// Signs up an organization `slug` with admin `admin@<slug>.test`.
    pub async fn sign_up(&self, slug: &str) -> Admin {
        let reply = self
            .post(
                "/api/v1/organizations",
                None,
                json!({"name": "Acme Tutoring", "slug": slug, "timezone": "Europe/Berlin", "currency": "EUR",
                       "admin": {"email": format!("admin@{slug}.test"), "password": PASSWORD, "name": "Ada Admin"}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let body = reply.json();
        Admin {
            org: body["organization"].clone(),
            user: body["user"].clone(),
            access: body["accessToken"].as_str().unwrap().to_owned(),
            refresh: body["refreshToken"].as_str().unwrap().to_owned(),
        }
    }

    /// Registers a student; returns the login body (tokens and user).
    pub async fn register(&self, slug: &str, email: &str) -> Value {
        let reply = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"organizationSlug": slug, "email": email, "password": PASSWORD, "name": "Sam Student"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()
    }

    /// Logs in to the academy `slug`.
    pub async fn login(&self, slug: &str, email: &str, password: &str) -> Reply {
        let body = json!({"organizationSlug": slug, "email": email, "password": password});
        self.post("/api/v1/auth/login", None, body).await
    }

    /// Waits (up to 5 s) for the worker to deliver the `nth` email (0-based) sent to `to`
    /// whose subject contains `subject`, and returns the raw message (from the SMTP server when
    /// the app has one, else from the `.eml` files).
    pub async fn email(&self, to: &str, subject: &str, nth: usize) -> String {
        if let Some(smtp) = &self.smtp {
            for _ in 0..200 {
                if let Some(mail) = received(smtp, to, subject).into_iter().nth(nth) {
                    return mail.text().unwrap_or_default();
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            panic!("no email #{nth} to {to} about `{subject}` at the SMTP server");
        }
        let dir = self.data_dir.join("outbox");
        for _ in 0..200 {
            let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, std::fs::read_to_string(e.path()).ok()?)))
                .filter(|(_, text)| text.contains(to) && text.contains(subject))
                .collect();
            found.sort();
            if let Some((_, text)) = found.into_iter().nth(nth) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no email #{nth} to {to} about `{subject}` in {}", dir.display());
    }

    /// The token of the first `?token=` link in an email.
    pub fn token_in(email: &str) -> String {
        let unfolded = email.replace("=\r\n", "").replace("=\n", "");
        let start = unfolded.find("token=").map(|i| i + "token=".len()).unwrap_or_else(|| panic!("no link in {email}"));
        unfolded[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }
}

/// How many replies had each status, and each refusal's code (`201`, `409 ta_unavailable`, …):
/// the outcome of a burst of concurrent requests.
pub fn outcomes<'r>(replies: impl IntoIterator<Item = &'r Reply>) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for reply in replies {
        let key = if reply.status.is_success() {
            reply.status.as_u16().to_string()
        } else {
            format!("{} {}", reply.status.as_u16(), reply.json()["code"].as_str().unwrap_or("?"))
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
