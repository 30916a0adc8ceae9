//! Black-box tests: the real application on port 0 over a fresh database, driven over HTTP.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod academy;
mod accounts;
mod authorization;
mod availability;
mod booking_concurrency;
mod booking_slots;
mod bookings;
mod bundles;
mod catalog;
mod edge;
mod group_concurrency;
mod group_fixture;
mod group_payments;
mod group_sessions;
mod helpers;
mod lockout;
mod organization;
mod reset;
mod seed;
mod slots;
mod tokens;
mod waitlist;
