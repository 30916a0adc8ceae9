//! HTTP handlers: extract, call one use case, map the result. No business rule lives here.

pub mod auth;
pub mod bookings;
pub mod bundles;
pub mod fallback;
pub mod health;
pub mod me;
pub mod organization;
pub(crate) mod respond;
pub mod tas;
