//! Tenancy: organizations (one tenant each), their settings, and the rule that every read and
//! write is scoped to the actor's organization (resources of other tenants are `not_found`).

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
