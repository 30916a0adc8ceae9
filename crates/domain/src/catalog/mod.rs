//! Catalog: courses, the TAs assigned to them, and their products (the pay-per-session price
//! and bundles).

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
