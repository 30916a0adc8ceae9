#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod connect;
mod entities;
mod errors;
mod repos;
mod store;

pub use connect::{ACQUIRE_TIMEOUT, DbConfig, SQLITE_BUSY_TIMEOUT, connect};
pub use store::{SeaStore, SeaTransaction};
