//! Notifications: the transactional outbox of emails. Every email is queued in the transaction
//! of the change that causes it and delivered by a worker through the [`Mailer`] port, with
//! exponential backoff, a dead-letter state, and an admin API to inspect and retry jobs.

mod model;
mod ports;
mod retry_policy;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use retry_policy::*;
pub use service::*;
