//! Black-box tests: the real application on port 0 over a fresh database, driven over HTTP.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod academy;
mod accounts;
mod audit;
mod authorization;
mod availability;
mod booking_concurrency;
mod booking_slots;
mod bookings;
mod bundles;
mod catalog;
mod edge;
mod email_delivery;
mod group_concurrency;
mod group_fixture;
mod group_payments;
mod group_sessions;
mod helpers;
mod idempotency;
mod jobs;
mod lockout;
mod multi_instance;
mod organization;
mod rate_limits;
mod read_cache;
mod redis_down;
mod reset;
mod seed;
mod shared_state;
mod slot_pages;
mod slots;
mod storm;
mod tokens;
mod waitlist;
