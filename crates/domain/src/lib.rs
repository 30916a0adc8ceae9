#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod accounts;
pub mod attendance;
pub mod audit;
pub mod availability;
pub mod booking;
pub mod bundles;
pub mod catalog;
pub mod core;
pub mod group_sessions;
pub mod notifications;
pub mod reports;
pub mod scheduling;
pub mod series;
pub mod shared;
pub mod store;
pub mod tenancy;
pub mod time_off;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod test_world;
#[cfg(any(test, feature = "mocks"))]
pub mod testing;
