//! Observability, each in a process of its own: `/metrics` after traffic (this test binary is
//! the only user of its process's metrics recorder), and the `app` binary run as a child
//! process for its logs (what a full account flow writes, and never a secret) and its traces
//! (exported over OTLP to a receiver the test starts).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails by panicking")]

mod child;
mod logs;
mod metrics;
mod traces;

#[path = "../api/academy.rs"]
mod academy;
#[path = "../api/helpers.rs"]
mod helpers;
