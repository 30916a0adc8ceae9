//! Audit trail: security- and money-relevant events (logins, lockouts, resets, revocations,
//! role and course-TA changes, purchases, bookings, ledger refunds and forfeits), appended in
//! the same transaction as the change they record, listed newest first for admins.

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
