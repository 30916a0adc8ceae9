//! Bundles: session bundles students buy, and the append-only ledger of their credits.

mod expiry;
mod model;
mod ports;
mod service;
mod statement;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_expiry;
#[cfg(test)]
mod tests_statement;

pub use expiry::*;
pub use model::*;
pub use ports::*;
pub use service::*;
pub use statement::*;
