//! Request and response bodies: requests deserialize strictly (unknown fields refused), are
//! shape-checked with garde, and turn into domain commands through the domain's own value
//! objects; responses are built from domain entities.

pub mod accounts;
pub mod attendance;
pub mod audit;
pub mod availability;
pub mod booking_requests;
pub mod booking_resource;
pub mod bundles;
pub mod courses;
pub mod credit_statement;
pub mod cursor;
pub mod group_sessions;
pub mod jobs;
pub mod list_query;
pub mod objects;
pub mod organization;
pub mod paging;
pub mod policy;
pub mod products;
pub mod reports;
pub mod scalars;
pub mod schemas;
pub mod series;
pub mod slots;
pub mod tas;
pub mod time_off;
