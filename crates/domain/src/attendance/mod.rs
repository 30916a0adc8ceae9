//! Attendance and settlement (domain.md part 2, "Attendance and settlement"): once a session
//! started, its TA or an admin marks each seat `present`, `absent` or `excused` (and may record
//! that the TA did not come); each mark settles the seat's payment in the ledger under the
//! booking's own policy, a change of mark reverses the previous settlement, and a booking whose
//! every seat is marked is completed. TAs see the sessions still waiting for marks and get one
//! digest email a morning about them.

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
