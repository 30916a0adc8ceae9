#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod connect;
mod entities;
mod errors;
mod keyed;
mod repos;
mod revocations;
mod store;

pub use connect::{ACQUIRE_TIMEOUT, DbConfig, SQLITE_BUSY_TIMEOUT, connect};
pub use keyed::SqlIdempotencyStore;
pub use store::{SeaStore, SeaTransaction};
