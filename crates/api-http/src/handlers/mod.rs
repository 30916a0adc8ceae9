//! HTTP handlers: extract, call one use case, map the result. No business rule lives here.

pub mod attendance;
pub mod audit;
pub mod auth;
pub mod availability;
pub mod bookings;
pub mod bundles;
pub mod cached;
pub mod course_tas;
pub mod courses;
pub mod fallback;
pub mod group_sessions;
pub mod group_templates;
pub mod health;
pub mod jobs;
pub mod me;
pub mod metrics;
pub mod organization;
pub mod products;
pub mod reports;
pub(crate) mod respond;
pub mod series;
pub mod slots;
pub mod students;
pub mod tas;
pub mod time_off;
pub mod waitlist;
