//! Reports for admins (domain.md part 2, "Attendance and settlement", last point): one row per
//! session and one per TA over a window of start times, read by the store in pages so that a
//! transport can stream a year of a large academy without holding it in memory.
//!
//! # What a session earned (`amount_cents`)
//! The amount of a session is what the academy keeps for it, summed over its seats:
//! - a seat paid per session counts its price, unless that payment was refunded;
//! - a seat paid with a bundle credit counts the bundle's price per credit,
//!   `price_paid_cents / total_sessions` (integer division: the cents a bundle's price does not
//!   divide into are attributed to no session), as long as the credit stays spent — the seat's
//!   ledger entries for this booking add up to less than zero (a debit that no refund gave
//!   back); a credit given back counts nothing. The ledger decides, not the seat's `refunded`
//!   flag, because bundle refunds live in the ledger.
//!
//! Cancelled sessions are in no report: what their seats paid was settled by the cancellation.
//! A session not yet marked counts what was paid for it so far (nothing has been refunded).

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
