//! Test infrastructure shared by every crate's tests.
//!
//! - [`postgres`]: a fresh PostgreSQL database per test, cloned from a template migrated once
//!   per schema version, dropped when the test ends.
//! - [`sqlite`]: a fresh migrated SQLite file per test, deleted when the test ends.
//! - [`services`]: where PostgreSQL comes from (`TEST_DATABASE_URL`, else a testcontainers
//!   container when a Docker daemon answers, else the test is skipped with one line), and
//!   `ENGIFY_REQUIRE_SERVICES=1`, which turns a skip into a failure (CI sets it).
//! - [`redis`]: the Redis URL (`TEST_REDIS_URL`, else skipped) and a key prefix unique to the
//!   test.
//! - [`proxy`]: a TCP proxy that can be cut and restored, to take a service away mid-test.
//! - [`smtp`]: an in-process SMTP server that records what it receives and refuses on demand.
//! - [`mail`]: reads a raw email (headers, decoded text and HTML parts, links).
//! - [`ical`]: reads an iCalendar document with a parser independent of the one that writes
//!   it, after checking its raw lines (CRLF, folding at 75 octets).

pub mod ical;
pub mod mail;
pub mod postgres;
pub mod proxy;
pub mod redis;
mod service_url;
pub mod services;
pub mod smtp;
pub mod sqlite;

/// A database made for one test: its URL, and a guard that removes it when dropped.
pub struct TestDatabase {
    url: String,
    backend: Backend,
    _guard: Box<dyn std::any::Any + Send + Sync>,
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL (production).
    Postgres,
    /// SQLite (the embedded default).
    Sqlite,
}

impl TestDatabase {
    /// The connection URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

/// The databases a test should run on: SQLite always, PostgreSQL when available (see
/// [`services`]).
pub async fn all_backends() -> Vec<TestDatabase> {
    let mut databases = vec![sqlite::database().await];
    if let Some(pg) = postgres::database().await {
        databases.push(pg);
    }
    databases
}
