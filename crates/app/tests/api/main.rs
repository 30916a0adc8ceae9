//! Black-box tests: the real application on port 0 over a fresh database, driven over HTTP.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod academy;
mod accounts;
mod availability;
mod catalog;
mod edge;
mod helpers;
mod lockout;
mod organization;
mod reset;
mod slots;
mod tokens;
