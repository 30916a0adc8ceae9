//! Bundles: session bundles students buy, and the append-only ledger of their credits.

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
